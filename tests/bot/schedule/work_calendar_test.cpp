#include "bot/schedule/work_calendar.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "bot/domain/oslo_time.hpp"

namespace {

using namespace std::chrono;
using namespace std::chrono_literals;
using kv::bot::format_date;
using kv::bot::norwegian_holidays;
using kv::bot::work_calendar;
using kv::bot::working_hours;

// An instant given as UTC wall time, so the expected values do not depend on the code under test.
sys_seconds utc(year_month_day d, hours h, minutes m = 0min) {
    return sys_days{d} + h + m;
}

std::string oslo(sys_seconds t) {
    return kv::bot::format_oslo(t);
}

struct easter_year {
    int year;
    std::vector<std::string> holidays;  // the twelve, in date order
};

// Written from the official Norwegian calendar (the Almanakk for Norge's list of "offentlige
// høytidsdager og helligdager"), not from the algorithm.
const std::vector<easter_year> official = {
    {2026,
     {"2026-01-01", "2026-04-02", "2026-04-03", "2026-04-05", "2026-04-06", "2026-05-01",
      "2026-05-17", "2026-05-14", "2026-05-24", "2026-05-25", "2026-12-25", "2026-12-26"}},
    {2027,
     {"2027-01-01", "2027-03-25", "2027-03-26", "2027-03-28", "2027-03-29", "2027-05-01",
      "2027-05-17", "2027-05-06", "2027-05-16", "2027-05-17", "2027-12-25", "2027-12-26"}},
    {2028,
     {"2028-01-01", "2028-04-13", "2028-04-14", "2028-04-16", "2028-04-17", "2028-05-01",
      "2028-05-17", "2028-05-25", "2028-06-04", "2028-06-05", "2028-12-25", "2028-12-26"}},
    {2029,
     {"2029-01-01", "2029-03-29", "2029-03-30", "2029-04-01", "2029-04-02", "2029-05-01",
      "2029-05-17", "2029-05-10", "2029-05-20", "2029-05-21", "2029-12-25", "2029-12-26"}},
    {2030,
     {"2030-01-01", "2030-04-18", "2030-04-19", "2030-04-21", "2030-04-22", "2030-05-01",
      "2030-05-17", "2030-05-30", "2030-06-09", "2030-06-10", "2030-12-25", "2030-12-26"}},
};

const std::vector<std::string> holiday_names = {
    "Nyttårsdag",  "Skjærtorsdag",         "Langfredag",   "1. påskedag",
    "2. påskedag", "Offentlig høytidsdag", "Grunnlovsdag", "Kristi himmelfartsdag",
    "1. pinsedag", "2. pinsedag",          "1. juledag",   "2. juledag",
};

}  // namespace

TEST_CASE("holidays 2026-2030 match the official Norwegian calendar", "[work_calendar]") {
    const work_calendar cal;
    for (const auto& expected : official) {
        const auto holidays = norwegian_holidays(year{expected.year});
        REQUIRE(holidays.size() == 12);
        for (std::size_t i = 0; i < holidays.size(); ++i) {
            INFO(expected.year << " " << holiday_names[i]);
            CHECK(holidays[i].name == holiday_names[i]);
            CHECK(format_date(holidays[i].date) == expected.holidays[i]);
            const auto date = kv::bot::parse_iso_date(expected.holidays[i]);
            REQUIRE(date);
            CHECK_FALSE(cal.is_working_day(*date));
            CHECK(cal.holiday_name(*date).has_value());
        }
    }
}

TEST_CASE("ordinary weekdays work, weekends and holidays do not", "[work_calendar]") {
    const work_calendar cal;
    CHECK(cal.is_working_day(2027y / March / 24));        // Wednesday before Easter
    CHECK_FALSE(cal.is_working_day(2027y / March / 27));  // Saturday
    CHECK(cal.is_working_day(2027y / March / 30));        // Tuesday after 2. påskedag
    CHECK(cal.is_working_day(2026y / December / 24));     // Christmas Eve is not a public holiday
    CHECK_FALSE(cal.holiday_name(2026y / December / 24).has_value());
    CHECK(cal.holiday_name(2027y / May / 6) == std::optional<std::string>{"Kristi himmelfartsdag"});
}

TEST_CASE("working time is 08:00-16:00 local, Monday to Friday", "[work_calendar]") {
    const work_calendar cal;
    // Wednesday 2026-11-25, winter time (UTC+1).
    CHECK_FALSE(cal.is_working_time(utc(2026y / November / 25, 6h, 59min)));  // 07:59
    CHECK(cal.is_working_time(utc(2026y / November / 25, 7h)));               // 08:00
    CHECK(cal.is_working_time(utc(2026y / November / 25, 14h, 59min)));       // 15:59
    CHECK_FALSE(cal.is_working_time(utc(2026y / November / 25, 15h)));        // 16:00
    // Wednesday 2026-06-10, summer time (UTC+2): 08:00 local is 06:00 UTC.
    CHECK(cal.is_working_time(utc(2026y / June / 10, 6h)));
    CHECK_FALSE(cal.is_working_time(utc(2026y / June / 10, 5h, 59min)));
}

TEST_CASE("a message outside working hours moves to the next working morning", "[work_calendar]") {
    const work_calendar cal;
    SECTION("inside working hours it stays") {
        const auto t = utc(2026y / November / 25, 10h);
        CHECK(cal.next_working_instant(t) == t);
    }
    SECTION("early the same working day: 08:00 that day") {
        CHECK(oslo(cal.next_working_instant(utc(2026y / November / 25, 5h))) == "2026-11-25 08:00");
    }
    SECTION("after hours on Friday: Monday 08:00") {
        CHECK(oslo(cal.next_working_instant(utc(2026y / November / 27, 16h))) ==
              "2026-11-30 08:00");
    }
    SECTION("Maundy Thursday 2027 07:00 waits over Easter to Tuesday 08:00 summer time") {
        // 2027-03-25T07:00:00+01:00; Easter 2027 also contains the switch to summer time.
        const auto t = utc(2027y / March / 25, 6h);
        const auto next = cal.next_working_instant(t);
        CHECK(oslo(next) == "2027-03-30 08:00");
        CHECK(next == utc(2027y / March / 30, 6h));  // 08:00 CEST is 06:00 UTC
    }
    SECTION("17. mai and Whit Monday coinciding in 2027") {
        CHECK(oslo(cal.next_working_instant(utc(2027y / May / 14, 15h))) == "2027-05-18 08:00");
    }
}

TEST_CASE("08:00 stays 08:00 local across the March and October changes", "[work_calendar]") {
    const work_calendar cal;
    // Summer time starts Sunday 2026-03-29: Friday 08:00 is 07:00 UTC, Monday 08:00 is 06:00 UTC.
    CHECK(cal.next_working_morning(utc(2026y / March / 27, 17h)) == utc(2026y / March / 30, 6h));
    // Winter time starts Sunday 2026-10-25: Friday 08:00 is 06:00 UTC, Monday 08:00 is 07:00 UTC.
    CHECK(cal.next_working_morning(utc(2026y / October / 23, 15h)) ==
          utc(2026y / October / 26, 7h));
    // A deadline counted over the change keeps its local time of day.
    const auto friday_ten = utc(2026y / October / 23, 8h);  // 10:00 CEST
    const auto due = cal.add_working_days(friday_ten, 1);
    CHECK(oslo(due) == "2026-10-26 10:00");
    CHECK(due == utc(2026y / October / 26, 9h));  // 10:00 CET
    CHECK(oslo(cal.add_working_days(utc(2026y / March / 27, 9h), 1)) == "2026-03-30 10:00");
}

TEST_CASE("N working days skip Easter and Christmas", "[work_calendar]") {
    const work_calendar cal;
    SECTION("from the Wednesday before Easter 2026") {
        const auto wednesday = utc(2026y / April / 1, 8h);  // 10:00 CEST
        CHECK(oslo(cal.add_working_days(wednesday, 0)) == "2026-04-01 10:00");
        CHECK(oslo(cal.add_working_days(wednesday, 1)) == "2026-04-07 10:00");
        CHECK(oslo(cal.add_working_days(wednesday, 2)) == "2026-04-08 10:00");
    }
    SECTION("over Christmas and New Year 2026") {
        const auto wednesday = utc(2026y / December / 23, 8h);  // 09:00 CET
        CHECK(oslo(cal.add_working_days(wednesday, 1)) == "2026-12-24 09:00");
        CHECK(oslo(cal.add_working_days(wednesday, 2)) == "2026-12-28 09:00");
        CHECK(oslo(cal.add_working_days(wednesday, 5)) == "2026-12-31 09:00");
        CHECK(oslo(cal.add_working_days(wednesday, 6)) == "2027-01-04 09:00");
    }
    SECTION("a municipality that also gives Christmas Eve off") {
        working_hours hours;
        hours.extra_days_off.insert(sys_days{2026y / December / 24});
        const work_calendar with_eve_off{hours};
        CHECK(oslo(with_eve_off.add_working_days(utc(2026y / December / 23, 8h), 2)) ==
              "2026-12-29 09:00");
    }
    SECTION("filed on a Saturday: counted from Monday 08:00") {
        CHECK(oslo(cal.add_working_days(utc(2026y / November / 28, 11h), 2)) == "2026-12-02 08:00");
    }
    SECTION("filed after hours: counted from the next morning") {
        CHECK(oslo(cal.add_working_days(utc(2026y / November / 25, 18h), 2)) == "2026-11-30 08:00");
    }
}
