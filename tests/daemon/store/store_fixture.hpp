#pragma once
// Shared setup for the store tests: a fresh folder under /tmp per test, a small organisation, and
// helpers to build cases and count rows through a second connection.

#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <string_view>

#include "daemon/store/sqlite.hpp"
#include "daemon/store/store.hpp"

namespace kv::daemon::test {

using namespace std::chrono_literals;

inline const std::chrono::sys_seconds t0{std::chrono::seconds{1'790'000'000}};  // 2026-09-21

// A folder that exists for one test and is removed with everything in it afterwards.
class temp_folder {
  public:
    temp_folder() {
        std::string pattern = "/tmp/kv-store-XXXXXX";
        if (mkdtemp(pattern.data()) == nullptr) {
            throw std::runtime_error("mkdtemp failed");
        }
        path_ = pattern;
    }
    ~temp_folder() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    temp_folder(const temp_folder&) = delete;
    temp_folder& operator=(const temp_folder&) = delete;
    const std::filesystem::path& path() const { return path_; }

  private:
    std::filesystem::path path_;
};

// Takes schema version 18 back on a current database: new cases found by an index of their own,
// no audit_log, and history lines that name no action.
inline constexpr std::string_view schema_before_v18 = R"sql(
DROP VIEW audit_log;
ALTER TABLE case_events DROP COLUMN action;
DROP INDEX cases_by_unit;
CREATE INDEX cases_by_unit ON cases (unit_id, state);
CREATE INDEX cases_by_state ON cases (state, created_at);
PRAGMA user_version = 17;
)sql";

inline std::string read_bytes(const std::filesystem::path& p) {
    std::ifstream in{p, std::ios::binary};
    return {std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
}

inline void write_bytes(const std::filesystem::path& p, const std::string& bytes) {
    std::ofstream out{p, std::ios::binary};
    out << bytes;
}

inline organisation small_org() {
    organisation org;
    org.name = "Eksempel kommune";
    org.units = {{"kommune", "Eksempel kommune", "", "radmann@k.no", ""},
                 {"helse", "Helse og omsorg", "kommune", "kari@k.no", "per@k.no"},
                 {"skole", "Oppvekst", "kommune", "sigrid@k.no", ""}};
    org.people = {
        {"kari@k.no", "Kari Leder", "helse", "leader", bot::language::nb, bot::channel::teams,
         true},
        {"per@k.no", "Per Nestleder", "helse", "deputy", bot::language::nb, bot::channel::email,
         true},
        {"ola@k.no", "Ola Ansatt", "helse", "employee", bot::language::nb, bot::channel::console,
         true},
        {"sigrid@k.no", "Sigrid Rektor", "skole", "leader", bot::language::en, bot::channel::email,
         true},
    };
    org.committees = {{"kvalitet",
                       "Kvalitetsutvalg",
                       bot::committee_kind::quality,
                       "kommune",
                       {{"kari@k.no", "chair"}, {"sigrid@k.no", "member"}}}};
    return org;
}

inline std::string human_id(int year, int seq) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "AV-%d-%04d", year, seq);
    return buf;
}

inline bot::deviation_case new_case(int year, int seq, const std::string& reporter = "ola@k.no") {
    bot::deviation_case c;
    c.human_id = human_id(year, seq);
    c.year = year;
    c.seq = seq;
    c.kind = bot::case_kind::avvik;
    c.cat = bot::category::tjeneste;
    c.unit_id = "helse";
    c.reporter_email = reporter;
    c.description = "Feil medisin gitt";
    c.occurred = "2026-09-20 14:00";
    c.immediate_action = "Lege kontaktet";
    return c;
}

inline bot::inbound_event event(const std::string& key, const std::string& sender = "ola@k.no") {
    bot::inbound_event ev;
    ev.sender_email = sender;
    ev.via = bot::channel::console;
    ev.dedupe_key = key;
    ev.text = "hei";
    return ev;
}

inline std::int64_t count_rows(const std::filesystem::path& db_path, const std::string& table) {
    database db{db_path, open_mode::existing};
    // A reader may meet a writer's checkpoint for a moment, as the daemon's own readers do.
    db.set_busy_timeout(5000);
    return db.query_int("SELECT count(*) FROM " + table);
}

inline std::string integrity(const std::filesystem::path& db_path) {
    database db{db_path, open_mode::existing};
    statement s{db, "PRAGMA integrity_check"};
    s.step();
    return s.text(0);
}

}  // namespace kv::daemon::test
