#include "daemon/schedule/iso_time.hpp"

#include <catch2/catch.hpp>
#include <chrono>

using namespace std::chrono;
using namespace std::chrono_literals;
using kv::daemon::format_iso_oslo;
using kv::daemon::parse_iso_instant;

TEST_CASE("instants with an offset are read as the same absolute time", "[iso_time]") {
    const sys_seconds expected = sys_days{2027y / March / 25} + 6h;
    CHECK(parse_iso_instant("2027-03-25T07:00:00+01:00") == expected);
    CHECK(parse_iso_instant("2027-03-25T06:00:00Z") == expected);
    CHECK(parse_iso_instant("2027-03-25T08:00+02:00") == expected);
    CHECK(parse_iso_instant("2027-03-25T01:30:00-04:30") == expected);
}

TEST_CASE("malformed instants are refused", "[iso_time]") {
    for (const char* bad :
         {"", "2027-03-25", "2027-03-25T07:00:00", "2027-02-30T07:00:00Z", "2027-03-25T24:00:00Z",
          "2027-03-25T07:00:00+1:00", "2027-03-25 07:00:00Z", "2027-03-25T07:00:61Z"}) {
        INFO(bad);
        CHECK_FALSE(parse_iso_instant(bad).has_value());
    }
}

TEST_CASE("instants print in Oslo time with the offset of the season", "[iso_time]") {
    CHECK(format_iso_oslo(sys_days{2027y / March / 30} + 6h) == "2027-03-30T08:00:00+02:00");
    CHECK(format_iso_oslo(sys_days{2027y / March / 26} + 7h) == "2027-03-26T08:00:00+01:00");
}
