#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "daemon/app/app.hpp"
#include "daemon/schedule/scheduler.hpp"
#include "daemon/store/message_json.hpp"
#include "daemon/store/procedure_store.hpp"
#include "daemon/store/schedule_index.hpp"
#include "daemon/store/schedule_store.hpp"
#include "tests/daemon/schedule/demo_store.hpp"
#include "tests/daemon/schedule/whole_store_rules.hpp"

namespace {

using namespace kv;
using namespace std::chrono;

using daemon::testing::fill_now;

// The benchmark's store, small, with the demo configuration's scheduler (annual wheel included).
struct outbox_rig : daemon::testing::demo_schedule {
    outbox_rig() : demo_schedule(600) {}

    std::int64_t outbox_rows() { return db->db().query_int("SELECT count(*) FROM outbox"); }
};

std::vector<std::string> keys_of(const std::vector<bot::due_reminder>& due) {
    std::vector<std::string> out;
    for (const auto& r : due) {
        out.push_back(r.recipient_email + " " + r.dedupe_key);
    }
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace

TEST_CASE("a reminder already in the outbox is not offered again; the others are, with bodies",
          "[schedule]") {
    outbox_rig t;
    const auto decided = t.sched->due_at(*t.db, fill_now);
    REQUIRE(decided.size() > 10);
    for (const auto& r : decided) {
        CHECK(r.body.title.empty());  // deciding builds no message
        CHECK_FALSE(r.title.empty());
    }

    const auto first = t.sched->run_once(*t.db, fill_now, false);
    CHECK(keys_of(first) == keys_of(decided));
    for (const auto& r : first) {
        CHECK_FALSE(r.body.title.empty());
    }
    CHECK(t.outbox_rows() == static_cast<std::int64_t>(first.size()));

    // A restart computes the same decisions; nothing is offered or enqueued twice.
    CHECK(t.sched->run_once(*t.db, fill_now, true).empty());
    CHECK(t.sched->run_once(*t.db, fill_now, false).empty());
    CHECK(t.outbox_rows() == static_cast<std::int64_t>(first.size()));

    // A crash after some delivery instants were enqueued and before the run was recorded: the
    // row never enqueued is offered again, alone, with its body; a dry run shows it without.
    const auto& lost = first[first.size() / 2];
    t.db->db().exec("DELETE FROM outbox WHERE dedupe_key = '" + lost.dedupe_key + "'");
    daemon::forget_schedule_progress(t.db->db());
    const auto shown = t.sched->run_once(*t.db, fill_now, true);
    REQUIRE(shown.size() == 1);
    CHECK(shown[0].dedupe_key == lost.dedupe_key);
    CHECK(shown[0].body.title.empty());
    const auto again = t.sched->run_once(*t.db, fill_now, false);
    REQUIRE(again.size() == 1);
    CHECK(again[0].dedupe_key == lost.dedupe_key);
    CHECK(again[0].recipient_email == lost.recipient_email);
    CHECK(again[0].body.title == lost.body.title);
    CHECK(again[0].body.facts.size() == lost.body.facts.size());
}

TEST_CASE("a cancelled or delivered reminder is not offered again", "[schedule]") {
    outbox_rig t;
    const auto first = t.sched->run_once(*t.db, fill_now, false);
    REQUIRE(first.size() > 2);
    t.db->db().exec("UPDATE outbox SET state = 'cancelled' WHERE dedupe_key = '" +
                    first.front().dedupe_key + "'");
    t.db->db().exec("UPDATE outbox SET state = 'delivered' WHERE dedupe_key = '" +
                    first.back().dedupe_key + "'");
    CHECK(t.sched->run_once(*t.db, fill_now, true).empty());
    // A day later only what fell due since is new, never one of the first run's.
    const auto later = t.sched->run_once(*t.db, fill_now + days{1}, true);
    const auto first_keys = keys_of(first);
    for (const auto& key : keys_of(later)) {
        CHECK_FALSE(std::binary_search(first_keys.begin(), first_keys.end(), key));
    }
    const auto decided_later = t.sched->due_at(*t.db, fill_now + days{1});
    CHECK(decided_later.size() > later.size());
}

TEST_CASE(
    "the messages the scheduler builds for what it offers are those of the rules over the "
    "whole store",
    "[schedule]") {
    outbox_rig t;
    const auto& cfg = t.sched->config();
    std::map<std::string, std::string> expected;  // recipient and key -> message JSON
    for (const auto& r : daemon::testing::whole_store_rules(*t.db, cfg, fill_now).due) {
        expected[r.recipient_email + " " + r.dedupe_key] = daemon::message_to_json(r.body);
    }
    REQUIRE(expected.size() > 10);
    std::size_t compared = 0;
    for (const auto& r : t.sched->run_once(*t.db, fill_now, false)) {
        if (r.kind == bot::reminder_kind::wheel) {
            continue;
        }
        const auto found = expected.find(r.recipient_email + " " + r.dedupe_key);
        REQUIRE(found != expected.end());
        CHECK(daemon::message_to_json(r.body) == found->second);
        ++compared;
    }
    CHECK(compared == expected.size());
}
