#pragma once
// The quality library in memory (bot::library), applied to the way the SQLite store applies a
// decision's approvals, procedure changes and reading-list changes. Not thread-safe.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "bot/decision.hpp"
#include "bot/ports.hpp"

namespace kv::test {

// Solsiden sykehjem's fall procedure in the small municipality: owned by its leader, reviewed by
// Kari, last reviewed 1 December 2025 (so due Tuesday 1 December 2026), version 1.3.
bot::procedure fall_procedure();

class fake_library final : public bot::library {
  public:
    // Adds or replaces a procedure by id.
    fake_library& add_procedure(bot::procedure p);
    // The people people_in_units() looks through; the world points it at its directory's people.
    std::vector<bot::person> staff;

    // Applies a decision's library part at `now`, as the store does. Throws std::logic_error for
    // a change to a procedure that does not exist.
    void apply(const bot::decision& d, const std::string& actor, bot::time_point now);

    const std::vector<bot::approval>& approvals() const { return approvals_; }
    // The procedure's history kinds, oldest first ("reviewed", "new_version", "deleted").
    std::vector<std::string> history(const std::string& procedure_id) const;

    std::optional<bot::procedure> find_procedure(const std::string& id) const override;
    std::optional<bot::approval> find_approval(std::int64_t id) const override;
    std::int64_t next_approval_id() const override;
    std::vector<bot::approval> pending_approvals_about(const std::string& subject) const override;
    std::vector<bot::person> people_in_units(
        const std::vector<std::string>& unit_ids) const override;
    std::vector<bot::reading_entry> reading_status(const std::string& procedure_id) const override;
    std::vector<bot::procedure> procedures_reviewed_by(const std::string& email) const override;

  private:
    std::map<std::string, bot::procedure> procedures_;
    std::vector<bot::approval> approvals_;
    std::vector<bot::reading_entry> reading_;
    std::vector<std::pair<std::string, std::string>> history_;  // (procedure id, kind)
};

}  // namespace kv::test
