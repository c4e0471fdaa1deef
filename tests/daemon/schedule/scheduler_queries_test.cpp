#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <optional>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "bot/domain/oslo_time.hpp"
#include "bot/schedule/agenda.hpp"
#include "bot/schedule/work_calendar.hpp"
#include "daemon/app/app.hpp"
#include "daemon/schedule/iso_time.hpp"
#include "daemon/schedule/scheduler.hpp"
#include "daemon/store/procedure_store.hpp"
#include "daemon/store/schedule_store.hpp"
#include "tests/daemon/schedule/demo_store.hpp"
#include "tests/daemon/schedule/whole_store_rules.hpp"

namespace {

using namespace kv;
using namespace std::chrono;

using daemon::testing::fill_now;

// The store the benchmark fills, smaller, plus what it lacks: procedures waiting for an
// approval, a retired one, fresh new cases (one a serious event), a closed case and a done
// measure past their due dates.
struct filled_store : daemon::testing::demo_store {
    filled_store() : demo_store(1500) {
        const auto at = [](sys_seconds t) { return std::to_string(t.time_since_epoch().count()); };
        db->db().exec(
            "INSERT INTO approvals (kind, subject, title, requested_by, approver_email, "
            "details_json, state, created_at) SELECT 'procedure_deletion', id, title, "
            "revision_owner_email, "
            "owner_email, '{}', 'pending', 0 FROM procedures WHERE CAST(substr(id, 4) AS INTEGER) "
            "% 50 = 0 OR "
            "id IN ('PR-1000003', 'PR-1000004');"
            "UPDATE procedures SET active = 0 WHERE id = 'PR-1000005';"
            "INSERT INTO cases (id, human_id, year, seq, kind, category, unit_id, reporter_email, "
            "description, occurred, immediate_action, state, probability, consequence, "
            "authority, authority_note, conclusion, created_at, updated_at) VALUES "
            "(2027900001, 'AV-2027-900001', 2027, 900001, 'avvik', 'hms', 'solbakken', "
            "'per.hansen@eksempel.kommune.no', 'x', 'x', 'x', 'ny', NULL, NULL, 'none', '', '', " +
            at(fill_now - hours{1}) + ", 0), " +
            "(2027900002, 'AV-2027-900002', 2027, 900002, 'avvik', 'tjeneste', 'legevakten', "
            "'knut.pedersen@eksempel.kommune.no', 'x', 'x', 'x', 'ny', 3, 4, 'none', '', '', " +
            at(fill_now - days{1}) + ", 0), " +
            "(2027900003, 'AV-2027-900003', 2027, 900003, 'klage', 'hms', 'kommune', "
            "'ingrid.bakke@eksempel.kommune.no', 'x', 'x', 'x', 'ny', NULL, NULL, 'none', '', "
            "'', " +
            at(fill_now - days{3}) + ", 0), " +
            "(2027900004, 'AV-2027-900004', 2027, 900004, 'avvik', 'hms', 'eikely', "
            "'silje.dahl@eksempel.kommune.no', 'x', 'x', 'x', 'lukket', NULL, NULL, 'none', '', "
            "'', " +
            at(fill_now - days{30}) +
            ", 0);"
            "INSERT INTO measures (case_id, number, text, responsible_email, due_date, state, "
            "done_at, effect, evaluated_at) VALUES "
            "(2027900004, 1, 'x', 'silje.dahl@eksempel.kommune.no', '2027-03-01', 'open', NULL, "
            "'', NULL), "
            "(2027900001, 1, 'x', 'per.hansen@eksempel.kommune.no', '2027-03-09', 'done', NULL, "
            "'', NULL), "
            "(2027900002, 1, 'x', 'knut.pedersen@eksempel.kommune.no', '2027-03-12', 'open', "
            "NULL, '', NULL);");
    }
};

daemon::schedule_config config_without_wheel(const daemon::loaded_config& loaded) {
    std::ostringstream err;
    auto config = daemon::load_schedule_config(loaded.cfg, loaded.org, err);
    REQUIRE(config);
    config->wheel = {};
    return std::move(*config);
}

using reminder_row = std::tuple<sys_seconds, bot::reminder_kind, std::string, std::string,
                                std::string, std::string, std::string, bool>;

std::vector<reminder_row> rows_of(const std::vector<bot::due_reminder>& due) {
    std::vector<reminder_row> out;
    for (const auto& r : due) {
        out.emplace_back(r.deliver_at, r.kind, r.subject, r.step, r.recipient_email, r.dedupe_key,
                         r.title, r.urgent);
    }
    std::sort(out.begin(), out.end());
    return out;
}

struct everything {
    std::vector<reminder_row> due;
    std::optional<sys_seconds> next;
};

everything reference(daemon::store& s, const daemon::schedule_config& cfg, sys_seconds now) {
    const auto whole = daemon::testing::whole_store_rules(s, cfg, now);
    return {rows_of(whole.due), whole.next};
}

}  // namespace

TEST_CASE(
    "the scheduler's indexed reads give the same reminders and next instant as the rules over "
    "the whole store, at any instant",
    "[schedule]") {
    filled_store fs;
    const daemon::schedule_config cfg = config_without_wheel(fs.loaded);
    const daemon::scheduler sched{cfg};
    const year_month_day first_day = bot::to_oslo(fill_now).date;
    struct probe {
        int day;
        seconds local_time;
    };
    const probe probes[] = {
        {-40, hours{12}},
        {-3, hours{0}},
        {-1, hours{23} + minutes{59}},
        {0, hours{7} + minutes{59}},
        {0, hours{8}},
        {0, hours{12}},
        {1, hours{0}},
        {2, hours{8}},
        {3, hours{16}},
        {6, hours{9}},
        {9, hours{0}},
        {17, hours{8}},
        {18, hours{3}},
        {30, hours{0}},
        {47, hours{12}},
        {100, hours{8}},
        {200, hours{0}},
        {233, hours{2} + minutes{30}},
        {400, hours{12}},
        {1300, hours{0}},
    };
    for (const auto& p : probes) {
        const sys_seconds now = bot::work_calendar::at_local(
            year_month_day{sys_days{first_day} + days{p.day}}, p.local_time);
        CAPTURE(daemon::format_iso_oslo(now));
        const auto expected = reference(*fs.db, cfg, now);
        CHECK(rows_of(sched.due_at(*fs.db, now)) == expected.due);
        const auto next = sched.next_due(*fs.db, now);
        CAPTURE(next ? daemon::format_iso_oslo(*next) : "none");
        CAPTURE(expected.next ? daemon::format_iso_oslo(*expected.next) : "none");
        CHECK(next == expected.next);
    }
}

TEST_CASE("a day on which many procedures fall due is one review round, the earliest reviewed",
          "[schedule]") {
    filled_store fs;
    auto& db = fs.db->db();
    const auto last = year_month_day{2099y / 1 / 1};
    const auto rounds = daemon::review_rounds_due_by(db, last);
    const auto distinct = db.query_int(
        "SELECT count(*) FROM (SELECT DISTINCT due_date FROM procedures "
        "WHERE active = 1 AND id NOT IN (SELECT subject FROM approvals WHERE state = "
        "'pending'))");
    CHECK(static_cast<std::int64_t>(rounds.size()) == distinct);
    CHECK(distinct < db.query_int("SELECT count(*) FROM procedures"));
    CHECK(std::is_sorted(rounds.begin(), rounds.end(), [](const auto& a, const auto& b) {
        return bot::review_due(a) < bot::review_due(b);
    }));
    daemon::statement earliest{
        db,
        "SELECT MIN(last_reviewed) FROM procedures WHERE active = 1 AND id NOT IN (SELECT "
        "subject FROM approvals WHERE state = 'pending') GROUP BY due_date ORDER BY due_date"};
    std::size_t i = 0;
    while (earliest.step()) {
        REQUIRE(i < rounds.size());
        CHECK(earliest.text(0) == bot::format_date(rounds[i].last_reviewed));
        ++i;
    }
    CHECK(i == rounds.size());
    const auto due = daemon::procedures_due_by(db, year_month_day{2027y / March / 10});
    for (const auto& p : due) {
        CHECK(bot::review_due(p) <= year_month_day{2027y / March / 10});
        CHECK(p.id != "PR-1000003");
        CHECK(p.id != "PR-1000005");
    }
}

TEST_CASE("a meeting's agenda counts the same streamed from the store as from the whole cases",
          "[schedule]") {
    filled_store fs;
    const daemon::schedule_config cfg = config_without_wheel(fs.loaded);
    for (const int day : {0, 30, 200}) {
        const auto today = year_month_day{sys_days{2027y / March / 10} + days{day}};
        CAPTURE(bot::format_date(today));
        fs.db->with_read([&](const bot::directory&, const bot::repository& repo) {
            for (const auto& units : std::vector<std::vector<std::string>>{
                     {"kommune", "helse", "solbakken", "hjemmetjenesten", "legevakten", "oppvekst",
                      "eikely", "nordby"},
                     {"oppvekst", "eikely", "nordby"}}) {
                for (const auto since :
                     {std::optional<sys_seconds>{}, std::optional{fill_now - days{120}}}) {
                    bot::agenda_input whole;
                    whole.open_cases = repo.open_cases_in(units);
                    whole.since = since;
                    const auto expected = bot::agenda_counts(whole, cfg.rules, today);
                    const auto got =
                        daemon::agenda_counts_in(fs.db->db(), units, cfg.rules, since, today);
                    REQUIRE(got.size() == expected.size());
                    for (std::size_t i = 0; i < got.size(); ++i) {
                        CAPTURE(expected[i].label);
                        CHECK(got[i].label == expected[i].label);
                        CHECK(got[i].count == expected[i].count);
                        CHECK(got[i].top_ids == expected[i].top_ids);
                    }
                    CHECK(expected[1].count + expected[2].count + expected[3].count +
                              expected[4].count >
                          0);
                    if (units.front() == "kommune") {
                        CHECK(expected[5].count > 0);  // the serious event at the legevakt
                    }
                    CHECK(expected[6].count > bot::agenda_top_items);
                }
            }
        });
    }
}
