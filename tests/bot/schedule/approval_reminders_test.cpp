#include "bot/schedule/approval_reminders.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "bot/domain/oslo_time.hpp"
#include "tests/support/fake_ports.hpp"

namespace {

using namespace std::chrono;
using namespace std::chrono_literals;
using kv::bot::format_oslo;
using kv::bot::work_calendar;
using kv::test::at_vik;

sys_seconds oslo(year_month_day d, minutes at) {
    return work_calendar::at_local(d, at);
}

struct one_request {
    kv::test::fake_directory dir = kv::test::small_municipality();
    kv::bot::approval_snapshot snap;
    const work_calendar cal;

    // Asked on Thursday 18 March 2027 at 14:00, a fortnight before Easter.
    one_request() {
        kv::bot::approval a;
        a.id = 7;
        a.subject = "HO-PR-011";
        a.title = "HO-PR-011 Håndhygiene: ny versjon 5.0";
        a.requested_by = at_vik("leder.sol");
        a.approver_email = at_vik("helsesjef");
        a.details = {{"version", "5.0"}, {"note", "Nye hansker"}};
        a.created_at = oslo(2027y / March / 18, 14h);
        snap.pending.push_back(a);
        snap.org = &dir;
    }
    // "deliver_at recipient step subject" per reminder due at `now`.
    std::vector<std::string> due(sys_seconds now) const {
        std::vector<std::string> out;
        for (const auto& r : kv::bot::approval_reminders(snap, now, cal)) {
            out.push_back(format_oslo(r.deliver_at) + " " + r.recipient_email + " " + r.step + " " +
                          r.subject);
        }
        return out;
    }
};

}  // namespace

TEST_CASE("an approval not decided in three working days reminds its approver, then weekly",
          "[schedule][approval]") {
    one_request t;
    const std::string boss = at_vik("helsesjef");
    // Three working days after Thursday 14:00 is Tuesday 23 March 14:00.
    CHECK(t.due(oslo(2027y / March / 23, 13h)).empty());
    CHECK(t.due(oslo(2027y / March / 23, 14h)) ==
          std::vector<std::string>{"2027-03-23 14:00 " + boss + " remind-1 7"});
    CHECK(kv::bot::approval_next_due(t.snap, oslo(2027y / March / 23, 13h), t.cal) ==
          oslo(2027y / March / 23, 14h));
    // A week later falls on Tuesday 30 March; the next on Easter Tuesday 6 April (a working
    // day), both at 14:00, summer time by then.
    CHECK(kv::bot::approval_next_due(t.snap, oslo(2027y / March / 23, 14h), t.cal) ==
          oslo(2027y / March / 30, 14h));
    CHECK(t.due(oslo(2027y / March / 30, 15h)) ==
          std::vector<std::string>{"2027-03-30 14:00 " + boss + " remind-2 7"});
    // After an outage only the latest step is sent, not every one missed.
    const auto late = kv::bot::approval_reminders(t.snap, oslo(2027y / April / 20, 15h), t.cal);
    REQUIRE(late.size() == 1);
    CHECK(late[0].step == "remind-5");
    CHECK(late[0].kind == kv::bot::reminder_kind::approval);
    CHECK(late[0].dedupe_key == "approval:7::remind-5:" + boss);
}

TEST_CASE("an approval reminder carries the card with its buttons, in the approver's language",
          "[schedule][approval]") {
    one_request t;
    const auto due = kv::bot::approval_reminders(t.snap, oslo(2027y / March / 24, 9h), t.cal);
    REQUIRE(due.size() == 1);
    CHECK(due[0].title == "Venter på din godkjenning: HO-PR-011 Håndhygiene: ny versjon 5.0");
    CHECK(due[0].body.title == due[0].title);
    std::vector<std::string> verbs;
    for (const auto& a : due[0].body.actions) {
        verbs.push_back(a.verb);
    }
    CHECK(verbs == std::vector<std::string>{"approval.approve", "approval.reject"});

    // Nothing once decided, and nothing for a request with nobody to decide it.
    t.snap.pending[0].state = kv::bot::approval_state::approved;
    CHECK(t.due(oslo(2027y / April / 20, 9h)).empty());
    CHECK_FALSE(kv::bot::approval_next_due(t.snap, oslo(2027y / March / 20, 9h), t.cal));
}
