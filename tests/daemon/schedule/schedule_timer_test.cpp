#include "daemon/schedule/schedule_timer.hpp"

#include <catch2/catch.hpp>

#include "tests/daemon/schedule/timer_rig.hpp"

namespace kv::daemon::test {
namespace {

using namespace std::chrono;

// The follow-up instant of a case filed at `at` under the default rules: 2 working days.
sys_seconds followup_of(const timer_rig& rig, sys_seconds at) {
    return rig.sched().config().calendar.add_working_days(at, 2);
}

bool far_away(const std::optional<sys_seconds>& next, sys_seconds now) {
    return next && *next > now + days{200};
}

}  // namespace

TEST_CASE("a case filed through the store wakes the timer to the case's follow-up at once",
          "[schedule]") {
    timer_rig rig{milliseconds{0}};
    rig.start();
    const auto started = wall_now();
    REQUIRE(rig.run_until([&] { return far_away(rig.timer().next_wake(), started); }));
    const auto before = rig.timer().recomputes();

    const auto filed_at = wall_now();
    const auto result = rig.on_store([&](store& db) {
        return db.handle(
            event("filing-1"), filed_at,
            [&](const bot::directory&, const bot::repository&) { return filing(1, filed_at); });
    });
    REQUIRE_FALSE(result.duplicate);

    const auto expected = followup_of(rig, filed_at);
    CHECK(rig.run_until([&] { return rig.timer().next_wake() == expected; }));
    CHECK(rig.timer().next_wake() == expected);
    // The watch on the store's files sees the same commit, and settles, without waking it again.
    rig.run_for(milliseconds{300});
    CHECK(rig.timer().recomputes() - before == 1);
}

TEST_CASE("a case filed by another process is noticed without any call to wake", "[schedule]") {
    const bool descriptors_left = GENERATE(true, false);
    CAPTURE(descriptors_left);
    // Without inotify the watch checks every 200 ms here (every 5 s in serve).
    timer_rig rig{milliseconds{0}, {milliseconds{10}, milliseconds{100}, milliseconds{200}}};
    rig.start(descriptors_left);
    CHECK(rig.watch().polling() == !descriptors_left);
    const auto started = wall_now();
    REQUIRE(rig.run_until([&] { return far_away(rig.timer().next_wake(), started); }));
    const auto changes_before = rig.store_changes();

    // `kvalitetsvakt chat` files through its own connection to the same file.
    const auto filed_at = wall_now();
    {
        store chat{store_options{rig.db_path() / "kv.db"}};
        chat.apply(filing(2, filed_at), "ola@k.no", bot::channel::console, filed_at);
    }
    const auto committed = steady_clock::now();

    const auto expected = followup_of(rig, filed_at);
    CHECK(rig.run_until([&] { return rig.timer().next_wake() == expected; }));
    CHECK(steady_clock::now() - committed < seconds{2});
    // The delivery worker is told too: the filing may have enqueued notifications.
    CHECK(rig.run_until([&] { return rig.store_changes() > changes_before; }));
}

TEST_CASE("on_store_changed hears of the store's own commits once other connections see them",
          "[schedule]") {
    timer_rig rig{milliseconds{0}};
    rig.start();
    const auto started = wall_now();
    REQUIRE(rig.run_until([&] { return far_away(rig.timer().next_wake(), started); }));
    // The first run records itself in the store; let the news of that commit arrive first.
    rig.run_for(milliseconds{300});
    const auto changes_before = rig.store_changes();

    const auto filed_at = wall_now();
    rig.on_store([&](store& db) {
        db.apply(filing(4, filed_at), "ola@k.no", bot::channel::teams, filed_at);
        return 0;
    });
    REQUIRE(rig.run_until([&] { return rig.store_changes() > changes_before; }));
    // What the delivery worker's own connection reads when told: the filing is there.
    CHECK(rig.cases_seen() == 1);
}

TEST_CASE("a burst of filings is one recompute, not one per filing", "[schedule]") {
    timer_rig rig{milliseconds{200}};
    rig.start();
    const auto started = wall_now();
    REQUIRE(rig.run_until([&] { return far_away(rig.timer().next_wake(), started); }));
    const auto before = rig.timer().recomputes();

    const auto filed_at = wall_now();
    for (int seq = 1; seq <= 50; ++seq) {
        rig.on_store([&](store& db) {
            db.apply(filing(seq, filed_at), "ola@k.no", bot::channel::teams, filed_at);
            return 0;
        });
    }

    const auto expected = followup_of(rig, filed_at);
    REQUIRE(rig.run_until([&] { return rig.timer().next_wake() == expected; }));
    CHECK(rig.timer().recomputes() - before <= 2);
    CHECK(rig.timer().recomputes() - before >= 1);
}

TEST_CASE("the scheduler's own enqueueing does not wake it again", "[schedule]") {
    timer_rig rig{milliseconds{0}};
    // A case filed three weeks ago is overdue: the first run enqueues its reminders.
    const auto filed_at = wall_now() - days{21};
    rig.on_store([&](store& db) {
        db.apply(filing(3, filed_at), "ola@k.no", bot::channel::teams, filed_at);
        return 0;
    });
    rig.start();
    REQUIRE(rig.run_until([&] { return rig.timer().recomputes() >= 1; }));
    const auto enqueued = count_rows(rig.db_path() / "kv.db", "outbox");
    CHECK(enqueued > 0);
    // Let anything the run's commits could have started run out.
    rig.run_for(milliseconds{300});
    CHECK(rig.timer().recomputes() == 1);
}

}  // namespace kv::daemon::test
