#pragma once
// The bot's directory and repository read from the store's connection. Internal to the store.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/ports.hpp"
#include "daemon/store/sqlite.hpp"

namespace kv::daemon::detail {

inline std::int64_t to_unix(std::chrono::sys_seconds t) {
    return t.time_since_epoch().count();
}
inline std::chrono::sys_seconds from_unix(std::int64_t s) {
    return std::chrono::sys_seconds{std::chrono::seconds{s}};
}

// The year and sequence number a human id like AV-2026-0042 was formatted from; nullopt when
// the text has no such form.
struct case_number {
    int year = 0;
    int seq = 0;
};
std::optional<case_number> parse_case_number(std::string_view human_id);

// A case's rowid is its number, so a human id finds its row without an index of its own.
inline constexpr std::int64_t cases_per_year = 1'000'000;
inline std::int64_t case_rowid(int year, int seq) {
    return std::int64_t{year} * cases_per_year + seq;
}

// Reads an enum column written with bot::to_string. Throws store_error naming the file, the
// table.column and the value when the text is not a known name.
template <typename Parse>
auto parse_column(const database& db, Parse parse, const std::string& value,
                  std::string_view column) {
    if (auto e = parse(value)) {
        return *e;
    }
    throw store_error(
        db.path().string() + ": " + std::string{column} + " holds an unknown value '" + value + "'",
        0, 0);
}

// Reads through a connection the caller owns, inside whatever transaction the caller has
// opened. Not thread-safe. Every method throws store_error when the database fails.
class sql_view final : public bot::directory, public bot::repository, public bot::library {
  public:
    explicit sql_view(database& db) : db_(db) {}

    std::optional<bot::person> find_person(const std::string& email) const override;
    std::optional<bot::unit> find_unit(const std::string& id) const override;
    std::vector<bot::unit> all_units() const override;
    std::vector<bot::committee> all_committees() const override;

    std::optional<bot::deviation_case> find_case(const std::string& human_id) const override;
    std::vector<bot::deviation_case> cases_reported_by(const std::string& email) const override;
    std::vector<bot::deviation_case> open_cases_in(
        const std::vector<std::string>& unit_ids) const override;
    int next_case_seq(int year) const override;
    bot::conversation_state conversation(const std::string& email, bot::channel via) const override;
    const bot::library* quality_library() const override { return this; }

    // The quality library (defined in procedure_view.cpp).
    std::optional<bot::procedure> find_procedure(const std::string& id) const override;
    std::optional<bot::approval> find_approval(std::int64_t id) const override;
    std::int64_t next_approval_id() const override;
    std::vector<bot::approval> pending_approvals_about(const std::string& subject) const override;
    std::vector<bot::person> people_in_units(
        const std::vector<std::string>& unit_ids) const override;
    std::vector<bot::reading_entry> reading_status(const std::string& procedure_id) const override;
    std::vector<bot::procedure> procedures_reviewed_by(const std::string& email) const override;

    // Cases matching `where` (an SQL condition on table `cases` with parameters bound by
    // `bind`), with their measures, ordered by year and sequence.
    template <typename Bind>
    std::vector<bot::deviation_case> cases_where(std::string_view where, Bind bind) const {
        auto& s = db_.cached(std::string{case_select} + std::string{where} + " ORDER BY id");
        bind(s);
        std::vector<bot::deviation_case> out;
        while (s.step()) {
            out.push_back(read_case(s));
        }
        for (auto& c : out) {
            load_measures(c);
        }
        return out;
    }

  private:
    static constexpr std::string_view case_select =
        "SELECT id, human_id, year, seq, kind, category, unit_id, reporter_email, description, "
        "occurred, immediate_action, state, probability, consequence, authority, authority_note, "
        "conclusion, created_at, updated_at FROM cases ";

    bot::deviation_case read_case(const statement& s) const;
    void load_measures(bot::deviation_case& c) const;
    bot::person read_person(const statement& s) const;

    database& db_;
};

}  // namespace kv::daemon::detail
