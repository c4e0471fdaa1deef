#include "bot/schedule/procedure_reviews.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "tests/support/fake_library.hpp"
#include "tests/support/fake_ports.hpp"

namespace {

using namespace std::chrono;
using kv::bot::procedure_review_next_due;
using kv::bot::procedure_review_reminders;
using kv::test::at_vik;
using kv::test::small_municipality;

using kv::test::fall_procedure;

sys_seconds utc(int y, unsigned m, unsigned d, int h, int min = 0) {
    return sys_days{year{y} / month{m} / day{d}} + hours{h} + minutes{min};
}

struct expected {
    std::string step;
    std::string recipient;
    sys_seconds deliver_at;
};

std::vector<expected> due(const kv::bot::procedure_review_snapshot& s, sys_seconds now,
                          const kv::bot::procedure_review_settings& settings = {}) {
    std::vector<expected> out;
    for (const auto& r : procedure_review_reminders(s, now, kv::bot::work_calendar{}, settings)) {
        CHECK(r.kind == kv::bot::reminder_kind::procedure_review);
        CHECK(r.subject == "HO-PR-012");
        out.push_back({r.step, r.recipient_email, r.deliver_at});
    }
    return out;
}

bool operator==(const expected& a, const expected& b) {
    return a.step == b.step && a.recipient == b.recipient && a.deliver_at == b.deliver_at;
}

}  // namespace

namespace Catch {
template <>
struct StringMaker<expected> {
    static std::string convert(const expected& e) {
        return e.step + " -> " + e.recipient + " at " +
               std::to_string(e.deliver_at.time_since_epoch().count());
    }
};
}  // namespace Catch

TEST_CASE("a review is reminded 30 and 7 days ahead, weekly when overdue, then escalated",
          "[bot]") {
    const auto dir = small_municipality();
    const kv::bot::procedure_review_snapshot s{{fall_procedure()}, {}, &dir};
    const auto kari = at_vik("kari");
    struct row {
        std::string label;
        sys_seconds now;
        std::vector<expected> want;
    };
    const std::vector<row> rows{
        {"before the first reminder", utc(2026, 10, 31, 22, 59), {}},
        // T-30d is Sunday 1 November (local midnight = 23:00 UTC the day before): delivered on
        // Monday at 08:00 Oslo, 07:00 UTC in winter time.
        {"30 days ahead, on a Sunday",
         utc(2026, 10, 31, 23, 0),
         {{"T-30d", kari, utc(2026, 11, 2, 7)}}},
        {"still the 30-day reminder a week later",
         utc(2026, 11, 10, 12),
         {{"T-30d", kari, utc(2026, 11, 2, 7)}}},
        {"7 days ahead, a Tuesday", utc(2026, 11, 24, 9), {{"T-7d", kari, utc(2026, 11, 24, 7)}}},
        {"on the due date nothing new",
         utc(2026, 12, 1, 12),
         {{"T-7d", kari, utc(2026, 11, 24, 7)}}},
        {"one week overdue", utc(2026, 12, 8, 7), {{"overdue-1w", kari, utc(2026, 12, 8, 7)}}},
        {"two weeks overdue: the owner is told",
         utc(2026, 12, 15, 10),
         {{"overdue-2w", kari, utc(2026, 12, 15, 7)},
          {"escalate-1", at_vik("leder.sol"), utc(2026, 12, 15, 7)}}},
        // 31 December is a Thursday, a working day; 29 December the fourth overdue week.
        {"30 days overdue: the owner's superior is told",
         utc(2026, 12, 31, 8),
         {{"overdue-4w", kari, utc(2026, 12, 29, 7)},
          {"escalate-1", at_vik("leder.sol"), utc(2026, 12, 15, 7)},
          {"escalate-2", at_vik("helsesjef"), utc(2026, 12, 31, 7)}}},
        // A year overdue: still weekly, the 52nd week on Tuesday 30 November 2027.
        {"weekly on and on",
         utc(2027, 12, 1, 12),
         {{"overdue-52w", kari, utc(2027, 11, 30, 7)},
          {"escalate-1", at_vik("leder.sol"), utc(2026, 12, 15, 7)},
          {"escalate-2", at_vik("helsesjef"), utc(2026, 12, 31, 7)}}},
    };
    for (const auto& r : rows) {
        CAPTURE(r.label);
        CHECK(due(s, r.now) == r.want);
    }
}

TEST_CASE("a review step on a holiday is delivered the next working morning", "[bot]") {
    const auto dir = small_municipality();
    auto p = fall_procedure();
    p.last_reviewed = year{2026} / January / 1;  // due 1 January 2027, T-7d on Christmas Day
    const kv::bot::procedure_review_snapshot s{{p}, {}, &dir};
    // 25 and 26 December are holidays, 27 December 2026 a Sunday: Monday 28th, 08:00 Oslo.
    CHECK(due(s, utc(2026, 12, 25, 12)) ==
          std::vector<expected>{{"T-7d", at_vik("kari"), utc(2026, 12, 28, 7)}});
}

TEST_CASE("the intervals and escalation days are configurable", "[bot]") {
    const auto dir = small_municipality();
    const kv::bot::procedure_review_snapshot s{{fall_procedure()}, {}, &dir};
    kv::bot::procedure_review_settings fast;
    fast.lead_days = {3};
    fast.overdue_every_days = 2;
    fast.escalate_owner_after_days = 1;
    fast.escalate_superior_after_days = 4;
    CHECK(due(s, utc(2026, 11, 28, 12), fast) ==
          std::vector<expected>{{"T-3d", at_vik("kari"), utc(2026, 11, 30, 7)}});
    CHECK(due(s, utc(2026, 12, 5, 12), fast) ==
          std::vector<expected>{{"overdue-4d", at_vik("kari"), utc(2026, 12, 7, 7)},
                                {"escalate-1", at_vik("leder.sol"), utc(2026, 12, 2, 7)},
                                {"escalate-2", at_vik("helsesjef"), utc(2026, 12, 7, 7)}});
}

TEST_CASE("a procedure waiting for approval, or retired, is not reminded", "[bot]") {
    const auto dir = small_municipality();
    auto retired = fall_procedure();
    retired.active = false;
    const kv::bot::procedure_review_snapshot waiting{{fall_procedure()}, {"HO-PR-012"}, &dir};
    const kv::bot::procedure_review_snapshot gone{{retired}, {}, &dir};
    CHECK(due(waiting, utc(2026, 12, 31, 8)).empty());
    CHECK(due(gone, utc(2026, 12, 31, 8)).empty());
    CHECK_FALSE(procedure_review_next_due(waiting, utc(2026, 11, 1, 0)));
}

TEST_CASE("an owner who also reviews is not escalated to, and the top has no superior", "[bot]") {
    const auto dir = small_municipality();
    auto p = fall_procedure();
    p.owner_email = at_vik("radmann");
    p.revision_owner_email = at_vik("radmann");
    const kv::bot::procedure_review_snapshot s{{p}, {}, &dir};
    CHECK(due(s, utc(2026, 12, 31, 8)) ==
          std::vector<expected>{{"overdue-4w", at_vik("radmann"), utc(2026, 12, 29, 7)}});
    CHECK(kv::bot::superior_of(dir, at_vik("kari")) == at_vik("leder.sol"));
    CHECK(kv::bot::superior_of(dir, at_vik("leder.sol")) == at_vik("helsesjef"));
    CHECK(kv::bot::superior_of(dir, at_vik("nestleder.sol")) == at_vik("helsesjef"));
    CHECK(kv::bot::superior_of(dir, at_vik("radmann")).empty());
}

TEST_CASE("the next review step is the next local midnight a step falls on", "[bot]") {
    const auto dir = small_municipality();
    const kv::bot::procedure_review_snapshot s{{fall_procedure()}, {}, &dir};
    // After T-30d the next is T-7d: 24 November 00:00 Oslo.
    CHECK(procedure_review_next_due(s, utc(2026, 11, 2, 7)) == utc(2026, 11, 23, 23));
    CHECK(procedure_review_next_due(s, utc(2026, 12, 9, 0)) == utc(2026, 12, 14, 23));
    const kv::bot::procedure_review_snapshot empty{{}, {}, &dir};
    CHECK_FALSE(procedure_review_next_due(empty, utc(2026, 12, 9, 0)));
}

TEST_CASE("review reminders carry the review buttons, and their keys start over each round",
          "[bot]") {
    const auto dir = small_municipality();
    auto p = fall_procedure();
    const kv::bot::procedure_review_snapshot s{{p}, {}, &dir};
    const kv::bot::work_calendar cal;
    const auto first = procedure_review_reminders(s, utc(2026, 11, 24, 9), cal);
    REQUIRE(first.size() == 1);
    CHECK(first[0].title == "Gjennomgang av HO-PR-012 Forebygging av fall forfaller 2026-12-01");
    REQUIRE(first[0].body.actions.size() == 3);
    CHECK(first[0].body.actions[0].label == "Ingen endring");
    CHECK(first[0].dedupe_key ==
          procedure_review_reminders(s, utc(2026, 11, 25, 9), cal)[0].dedupe_key);

    p.last_reviewed = year{2026} / November / 25;  // reviewed: the next round is a year later
    const kv::bot::procedure_review_snapshot next{{p}, {}, &dir};
    const auto later = procedure_review_reminders(next, utc(2027, 11, 18, 9), cal);
    REQUIRE(later.size() == 1);
    CHECK(later[0].step == "T-7d");
    CHECK(later[0].dedupe_key != first[0].dedupe_key);
    CHECK(procedure_review_reminders(next, utc(2026, 11, 26, 9), cal).empty());
}
