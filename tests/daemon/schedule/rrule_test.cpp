#include "daemon/schedule/rrule.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "bot/domain/oslo_time.hpp"

namespace {

using namespace std::chrono;
using namespace std::chrono_literals;

std::vector<std::string> dates(std::string_view rule, year_month_day from, year_month_day to) {
    std::vector<std::string> out;
    for (const auto d : kv::daemon::rrule_dates(rule, 2026y / January / 1, from, to)) {
        out.push_back(kv::bot::format_date(d));
    }
    return out;
}

}  // namespace

TEST_CASE("recurrence rules expand across years", "[rrule]") {
    CHECK(dates("FREQ=YEARLY;BYMONTH=3,5,9;BYDAY=3TU", 2026y / September / 1, 2028y / March / 31) ==
          std::vector<std::string>{"2026-09-15", "2027-03-16", "2027-05-18", "2027-09-21",
                                   "2028-03-21"});
    CHECK(
        dates("FREQ=YEARLY;BYMONTH=2,4,8;BYDAY=-1TH", 2027y / January / 1, 2027y / December / 31) ==
        std::vector<std::string>{"2027-02-25", "2027-04-29", "2027-08-26"});
    // 2028 is a leap year.
    CHECK(dates("FREQ=MONTHLY;BYMONTHDAY=-1", 2028y / January / 15, 2028y / March / 31) ==
          std::vector<std::string>{"2028-01-31", "2028-02-29", "2028-03-31"});
    CHECK(dates("FREQ=YEARLY;COUNT=2", 2026y / January / 1, 2030y / January / 1) ==
          std::vector<std::string>{"2026-01-01", "2027-01-01"});
}

TEST_CASE("a rule libical refuses is reported, and expands to nothing", "[rrule]") {
    CHECK_FALSE(kv::daemon::rrule_error("FREQ=WEEKLY;BYDAY=MO,WE").has_value());
    CHECK(kv::daemon::rrule_error("FREQ=FORTNIGHTLY").has_value());
    CHECK(kv::daemon::rrule_error("RRULE:FREQ=YEARLY") ==
          std::optional<std::string>{"write the rule without 'RRULE:'"});
    CHECK(kv::daemon::rrule_error("").has_value());
    CHECK(dates("FREQ=FORTNIGHTLY", 2026y / January / 1, 2027y / January / 1).empty());
}

TEST_CASE("a rule with no dates ends instead of spinning", "[rrule]") {
    CHECK(dates("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", 2026y / January / 1, 2030y / January / 1)
              .empty());
}
