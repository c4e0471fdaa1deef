// A run after a recorded one decides only the items that may have something new
// (daemon/store/schedule_index.hpp). It must offer exactly what deciding everything offers.

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "bot/domain/case_id.hpp"
#include "bot/domain/oslo_time.hpp"
#include "daemon/schedule/scheduler.hpp"
#include "daemon/store/schedule_index.hpp"
#include "tests/daemon/schedule/demo_store.hpp"

namespace {

using namespace kv;
using namespace std::chrono;

using daemon::testing::fill_now;

struct schedule_rig : daemon::testing::demo_schedule {
    explicit schedule_rig(int items) : demo_schedule(items) {}

    daemon::database& sql() { return db->db(); }

    // The `n`th (wrapping) row of a one-column query; empty when it has no rows.
    std::string nth(const std::string& query, std::uint64_t n) {
        const auto count = sql().query_int("SELECT count(*) FROM (" + query + ")");
        if (count == 0) {
            return {};
        }
        daemon::statement s{sql(), query + " LIMIT 1 OFFSET ?"};
        s.bind_all(static_cast<std::int64_t>(n % static_cast<std::uint64_t>(count)));
        return s.step() ? s.text(0) : std::string{};
    }

    bot::deviation_case find_case(const std::string& human_id) {
        std::optional<bot::deviation_case> found;
        db->with_read([&](const bot::directory&, const bot::repository& repo) {
            found = repo.find_case(human_id);
        });
        REQUIRE(found);
        return *found;
    }

    void write_case(const bot::deviation_case& c, sys_seconds at) {
        bot::decision d;
        d.case_write = c;
        db->apply(d, "leder@eksempel.kommune.no", bot::channel::console, at);
    }
};

std::vector<std::string> keys_of(const std::vector<bot::due_reminder>& due) {
    std::vector<std::string> out;
    for (const auto& r : due) {
        out.push_back(r.recipient_email + " " + r.dedupe_key + " " +
                      std::to_string(r.deliver_at.time_since_epoch().count()));
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::string date_of(sys_seconds t, int plus_days = 0) {
    return bot::format_date(year_month_day{sys_days{bot::to_oslo(t).date} + days{plus_days}});
}

// What leaders, revision owners and the organisation do between two runs, the same on every
// store given the same seed: receive new cases, finish and add measures, file cases, review
// procedures or move their due dates, ask for and decide approvals, replace a unit's leader,
// choose the daily digest.
void act(schedule_rig& r, sys_seconds now, std::mt19937::result_type seed, int step) {
    std::mt19937 rnd{seed};
    if (const auto id = r.nth("SELECT human_id FROM cases WHERE state = 'ny' ORDER BY id", rnd());
        !id.empty()) {
        auto c = r.find_case(id);
        c.state = bot::case_state::mottatt;
        r.write_case(c, now - minutes{30});
    }
    if (const auto id =
            r.nth("SELECT c.human_id FROM measures m JOIN cases c ON c.id = m.case_id WHERE "
                  "m.state = 'open' AND c.state <> 'lukket' ORDER BY m.case_id",
                  rnd());
        !id.empty()) {
        auto c = r.find_case(id);
        c.measures.front().state = bot::measure_state::done;
        c.measures.front().done_at = now - hours{1};
        r.write_case(c, now - hours{1});
    }
    if (const auto id =
            r.nth("SELECT human_id FROM cases WHERE state = 'mottatt' ORDER BY id", rnd());
        !id.empty()) {
        auto c = r.find_case(id);
        bot::measure m;
        m.number = static_cast<int>(c.measures.size()) + 1;
        m.text = "Oppfølging";
        m.responsible_email = c.reporter_email;
        m.due_date = date_of(now, -static_cast<int>(rnd() % 10));  // due already, or today
        c.measures.push_back(m);
        r.write_case(c, now - hours{2});
    }
    {
        // A case filed an hour before the run, by someone in a unit with a leader.
        const int year = static_cast<int>(year_month_day{floor<days>(now)}.year());
        const auto reporter = r.nth(
            "SELECT p.email FROM persons p JOIN units u ON u.id = p.unit_id WHERE p.active = 1 "
            "AND u.leader_email <> '' AND p.email <> u.leader_email ORDER BY p.email",
            rnd());
        REQUIRE_FALSE(reporter.empty());
        bot::deviation_case c;
        c.year = year;
        c.seq = static_cast<int>(r.sql().query_int(
                    "SELECT ifnull(max(seq), 0) FROM cases WHERE year = " + std::to_string(year))) +
                1;
        c.human_id = bot::format_case_id("AV", year, c.seq);
        c.kind = rnd() % 4 == 0 ? bot::case_kind::nestenuhell : bot::case_kind::avvik;
        c.cat = rnd() % 2 == 0 ? bot::category::tjeneste : bot::category::hms;
        c.unit_id = r.nth("SELECT unit_id FROM persons WHERE email = '" + reporter + "'", 0);
        c.reporter_email = reporter;
        c.description = "Beboer falt.";
        c.state = bot::case_state::ny;
        if (rnd() % 5 == 0) {
            c.risk = bot::risk_assessment{3, 4};  // serious: the faster rule, urgent
        }
        c.created_at = now - hours{1};
        c.updated_at = c.created_at;
        r.write_case(c, c.created_at);
    }
    if (const auto id = r.nth("SELECT id FROM procedures WHERE active = 1 AND due_date <= '" +
                                  date_of(now) + "' ORDER BY id",
                              rnd());
        !id.empty()) {
        // Reviewed today: the next round is a year away.
        r.sql().exec("UPDATE procedures SET last_reviewed = '" + date_of(now) + "', due_date = '" +
                     date_of(now, 365) + "' WHERE id = '" + id + "'");
    }
    if (const auto id = r.nth("SELECT id FROM procedures WHERE active = 1 ORDER BY id", rnd());
        !id.empty()) {
        // Last reviewed earlier than recorded: due weeks ago, every step at once.
        const int late = static_cast<int>(rnd() % 60);
        r.sql().exec("UPDATE procedures SET interval_months = 12, last_reviewed = '" +
                     date_of(now, -late - 365) + "', due_date = '" + date_of(now, -late) +
                     "' WHERE id = '" + id + "'");
    }
    if (const auto id = r.nth("SELECT id FROM procedures WHERE active = 1 AND due_date <= '" +
                                  date_of(now, 30) + "' ORDER BY id",
                              rnd());
        !id.empty()) {
        // A new version asked for an hour ago, to be decided by the procedure's owner.
        r.sql().exec(
            "INSERT INTO approvals (kind, subject, title, requested_by, approver_email, "
            "details_json, state, created_at) SELECT 'procedure_version', id, title, "
            "revision_owner_email, owner_email, '{}', 'pending', " +
            std::to_string((now - hours{1}).time_since_epoch().count()) +
            " FROM procedures WHERE id = '" + id + "'");
    }
    if (step % 3 == 2) {
        r.sql().exec(
            "UPDATE approvals SET state = 'rejected', decided_at = 1 WHERE id = (SELECT min(id) "
            "FROM approvals WHERE state = 'pending')");
    }
    if (step % 11 == 10) {
        // A unit gets another leader: who is told changes for every case and review.
        const auto unit = r.nth(
            "SELECT id FROM units WHERE leader_email <> '' AND deputy_email <> '' ORDER BY id",
            rnd());
        r.sql().exec(
            "UPDATE units SET leader_email = deputy_email, deputy_email = leader_email WHERE id = "
            "'" +
            unit + "'");
    }
    if (step == 4) {
        const auto person =
            r.nth("SELECT u.leader_email FROM units u WHERE u.leader_email <> '' ORDER BY u.id", 0);
        r.sql().exec("INSERT OR REPLACE INTO digest_choices (email, daily, chosen_at) VALUES ('" +
                     person + "', 1, 0)");
    }
}

}  // namespace

TEST_CASE(
    "runs after a recorded one offer exactly what deciding everything offers, through six weeks "
    "of cases, measures, reviews, approvals, a new leader and a digest",
    "[schedule]") {
    schedule_rig incremental{1500};
    schedule_rig everything{1500};
    sys_seconds now = fill_now;
    std::mt19937 rnd{7};
    std::size_t offered = 0;
    for (int step = 0; step < 45; ++step) {
        // Forwards by 5 to 30 hours, and once back a little, as `remind --at` may be run.
        now += step == 20 ? -hours{3} : hours{5 + rnd() % 26};
        const auto seed = rnd();
        act(incremental, now, seed, step);
        act(everything, now, seed, step);
        daemon::forget_schedule_progress(everything.sql());
        const auto got = incremental.sched->run_once(*incremental.db, now, false);
        const auto want = everything.sched->run_once(*everything.db, now, false);
        INFO("step " << step << " at " << bot::format_date(bot::to_oslo(now).date));
        REQUIRE(keys_of(got) == keys_of(want));
        offered += got.size();
        // And a dry run right after offers nothing more on either.
        CHECK(incremental.sched->run_once(*incremental.db, now + minutes{1}, true).size() ==
              everything.sched->run_once(*everything.db, now + minutes{1}, true).size());
    }
    CHECK(offered > 500);
    CHECK(incremental.sql().query_int("SELECT count(*) FROM outbox") ==
          everything.sql().query_int("SELECT count(*) FROM outbox"));
}

TEST_CASE("a recorded run leaves the next one only what may have something new", "[schedule]") {
    schedule_rig r{1500};
    r.sched->run_once(*r.db, fill_now, false);
    const auto recorded = daemon::load_schedule_progress(r.sql());
    REQUIRE(recorded);
    CHECK(recorded->evaluated_at == fill_now);
    CHECK(recorded->complete_until > fill_now + days{30});

    const auto open_items = r.sql().query_int(
        "SELECT (SELECT count(*) FROM procedures WHERE active = 1) + (SELECT count(*) FROM cases "
        "WHERE state <> 'lukket')");
    auto candidates =
        daemon::load_schedule_candidates(r.sql(), fill_now + hours{1}, recorded->last_case_id);
    CHECK(candidates.procedure_ids.size() + candidates.case_ids.size() <
          static_cast<std::size_t>(open_items / 20));

    // A procedure changed, a case filed: both are decided next time, and so is nothing else new.
    const auto procedure = r.nth("SELECT id FROM procedures ORDER BY id", 17);
    r.sql().exec(
        "UPDATE procedures SET interval_months = 12, last_reviewed = '2025-01-01', due_date = "
        "'2026-01-01' WHERE id = '" +
        procedure + "'");
    candidates =
        daemon::load_schedule_candidates(r.sql(), fill_now + hours{1}, recorded->last_case_id);
    CHECK(std::count(candidates.procedure_ids.begin(), candidates.procedure_ids.end(), procedure) ==
          1);
    const auto offered = r.sched->run_once(*r.db, fill_now + hours{1}, false);
    CHECK(std::any_of(offered.begin(), offered.end(), [&](const bot::due_reminder& d) {
        return d.subject == procedure && d.step.starts_with("overdue-");
    }));
    // The change is taken into account once: it is forgotten after the run recorded it.
    CHECK(r.sql().query_int("SELECT count(*) FROM schedule_changes") == 0);
    CHECK(r.sched->run_once(*r.db, fill_now + hours{1} + minutes{1}, false).empty());
}

TEST_CASE("a change of the rules or an instant before the record's decides everything again",
          "[schedule]") {
    schedule_rig r{600};
    const auto first = r.sched->run_once(*r.db, fill_now, false);
    REQUIRE_FALSE(first.empty());
    // A row lost from the outbox is not looked for while the record says its item is done ...
    const auto& lost = first[first.size() / 2];
    r.sql().exec("DELETE FROM outbox WHERE dedupe_key = '" + lost.dedupe_key + "'");
    CHECK(r.sched->run_once(*r.db, fill_now + minutes{5}, true).empty());

    // ... but a scheduler with other rules decides everything, and finds it.
    std::ostringstream err;
    auto cfg = daemon::load_schedule_config(r.loaded.cfg, r.loaded.org, err);
    REQUIRE(cfg);
    cfg->followup.measure_escalate_after_working_days += 1;
    const daemon::scheduler other{std::move(*cfg)};
    const auto seen = other.run_once(*r.db, fill_now + minutes{5}, true);
    CHECK(std::any_of(seen.begin(), seen.end(),
                      [&](const bot::due_reminder& d) { return d.dedupe_key == lost.dedupe_key; }));

    // So does a run for an instant before the recorded one.
    const auto earlier = r.sched->run_once(*r.db, fill_now - minutes{5}, true);
    CHECK(std::any_of(earlier.begin(), earlier.end(),
                      [&](const bot::due_reminder& d) { return d.dedupe_key == lost.dedupe_key; }));
}
