#include "bot/schedule/wheel.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "bot/domain/oslo_time.hpp"

namespace {

using namespace std::chrono;
using namespace std::chrono_literals;
using kv::bot::format_oslo;
using kv::bot::wheel_item;
using kv::bot::wheel_occurrence;
using kv::bot::work_calendar;

wheel_item committee_meeting() {
    wheel_item item;
    item.id = "ku-helse-mote";
    item.title = "Kvalitetsutvalget i Helse og omsorg";
    item.committee_id = "ku-helse";
    item.lead_days = {14, 2, 0};
    return item;
}

wheel_occurrence on(const wheel_item& item, year_month_day d, minutes at) {
    const auto start = work_calendar::at_local(d, at);
    return {&item, d, start, start + 2h};
}

kv::bot::wheel_context two_members() {
    return {[](const wheel_item&) {
                return std::vector<std::string>{"hilde@k.no", "per@k.no"};
            },
            [](const wheel_occurrence& o) {
                kv::bot::message m;
                m.title = o.item->title;
                return m;
            }};
}

sys_seconds oslo_at(year_month_day d, minutes at) {
    return work_calendar::at_local(d, at);
}

}  // namespace

TEST_CASE("a meeting is reminded 14 days, 2 days and the morning before", "[wheel]") {
    const work_calendar cal;
    const auto item = committee_meeting();
    // Tuesday 2027-03-30 10:00, the day after Easter Monday (and after the switch to summer time).
    const std::vector<wheel_occurrence> occ{on(item, 2027y / March / 30, 10h)};

    SECTION("nothing before the 14-day mark") {
        CHECK(kv::bot::wheel_reminders(occ, oslo_at(2027y / March / 15, 23h), cal, two_members())
                  .empty());
        CHECK(kv::bot::wheel_next_due(occ, oslo_at(2027y / March / 15, 23h)) ==
              oslo_at(2027y / March / 16, 0min));
    }
    SECTION("14 days before: each member, delivered at 08:00") {
        const auto due =
            kv::bot::wheel_reminders(occ, oslo_at(2027y / March / 16, 7h), cal, two_members());
        REQUIRE(due.size() == 2);
        CHECK(due[0].recipient_email == "hilde@k.no");
        CHECK(due[1].recipient_email == "per@k.no");
        CHECK(due[0].step == "T-14d");
        CHECK(format_oslo(due[0].deliver_at) == "2027-03-16 08:00");
        CHECK(due[0].dedupe_key == "wheel:ku-helse-mote:2027-03-30:T-14d:hilde@k.no");
        CHECK(due[0].title == "Kvalitetsutvalget i Helse og omsorg 2027-03-30 10:00");
        CHECK(due[0].subject == "ku-helse-mote");
    }
    SECTION("2 days before falls on Easter Sunday: delivered Tuesday morning, before 10:00") {
        const auto due =
            kv::bot::wheel_reminders(occ, oslo_at(2027y / March / 28, 7h), cal, two_members());
        REQUIRE(due.size() == 2);
        CHECK(due[0].step == "T-2d");
        CHECK(format_oslo(due[0].deliver_at) == "2027-03-30 08:00");
    }
    SECTION("the morning of") {
        const auto due =
            kv::bot::wheel_reminders(occ, oslo_at(2027y / March / 30, 6h), cal, two_members());
        REQUIRE(due.size() == 2);
        CHECK(due[0].step == "T-0");
        CHECK(kv::bot::wheel_next_due(occ, oslo_at(2027y / March / 30, 6h)) == std::nullopt);
    }
    SECTION("after the meeting started nothing is due") {
        CHECK(kv::bot::wheel_reminders(occ, oslo_at(2027y / March / 30, 10h), cal, two_members())
                  .empty());
    }
    SECTION("a late start sends only the latest step") {
        const auto due =
            kv::bot::wheel_reminders(occ, oslo_at(2027y / March / 29, 12h), cal, two_members());
        REQUIRE(due.size() == 2);
        CHECK(due[0].step == "T-2d");
    }
}

TEST_CASE("a reminder that could only arrive after an early meeting starts is dropped", "[wheel]") {
    const work_calendar cal;
    auto item = committee_meeting();
    item.lead_days = {0};
    const std::vector<wheel_occurrence> occ{on(item, 2026y / November / 25, 7h + 30min)};
    CHECK(kv::bot::wheel_reminders(occ, oslo_at(2026y / November / 25, 1h), cal, two_members())
              .empty());
}
