#include "bot/domain/oslo_time.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace {

using namespace std::chrono;
using namespace std::chrono_literals;
using kv::bot::format_date;
using kv::bot::format_oslo;
using kv::bot::from_oslo;
using kv::bot::oslo_offset;
using kv::bot::parse_iso_date;
using kv::bot::to_oslo;

sys_seconds utc(year_month_day d, seconds time_of_day) {
    return sys_days{d} + time_of_day;
}

local_seconds local(year_month_day d, seconds time_of_day) {
    return local_days{d} + time_of_day;
}

// "2026-03-29 01:30:00" for messages and comparisons.
std::string text(year_month_day d, seconds time_of_day) {
    const hh_mm_ss<seconds> t{time_of_day};
    std::string out = format_date(d) + " ";
    for (const long long part :
         {static_cast<long long>(t.hours().count()), static_cast<long long>(t.minutes().count()),
          static_cast<long long>(t.seconds().count())}) {
        out += (part < 10 ? "0" : "") + std::to_string(part) + ":";
    }
    out.pop_back();
    return out;
}

std::string text(sys_seconds t) {
    const sys_days d = floor<days>(t);
    return text(year_month_day{d}, t - d);
}

std::string text(const kv::bot::local_date_time& t) {
    return text(t.date, t.time.to_duration());
}

}  // namespace

TEST_CASE("the Oslo offset changes exactly at 01:00 UTC on the last Sundays of March and October",
          "[bot][oslo_time]") {
    struct row {
        const char* label;
        sys_seconds at;
        seconds offset;
    };
    const std::vector<row> rows{
        {"mid-winter 2026", utc(2026y / January / 15, 12h), 1h},
        {"just before spring 2026", utc(2026y / March / 29, 59min + 59s), 1h},
        {"at spring 2026", utc(2026y / March / 29, 1h), 2h},
        {"mid-summer 2026", utc(2026y / July / 1, 12h), 2h},
        {"just before autumn 2026", utc(2026y / October / 25, 59min + 59s), 2h},
        {"at autumn 2026", utc(2026y / October / 25, 1h), 1h},
        {"a week before spring 2026", utc(2026y / March / 22, 1h), 1h},
        {"just before spring 2027", utc(2027y / March / 28, 59min + 59s), 1h},
        {"at spring 2027", utc(2027y / March / 28, 1h), 2h},
        {"just before autumn 2027", utc(2027y / October / 31, 59min + 59s), 2h},
        {"at autumn 2027", utc(2027y / October / 31, 1h), 1h},
        {"new year's eve 2027", utc(2027y / December / 31, 23h + 59min), 1h},
    };
    for (const auto& r : rows) {
        CAPTURE(r.label, text(r.at));
        CHECK(oslo_offset(r.at) == r.offset);
    }
}

TEST_CASE(
    "local Oslo times map to UTC, moving the spring gap forward and taking summer time "
    "in the autumn overlap",
    "[bot][oslo_time]") {
    struct row {
        const char* label;
        local_seconds at;
        std::string expected_utc;
    };
    const std::vector<row> rows{
        {"winter noon", local(2026y / January / 15, 12h), "2026-01-15 11:00:00"},
        {"summer noon", local(2026y / July / 1, 12h), "2026-07-01 10:00:00"},
        {"last minute before the spring gap", local(2026y / March / 29, 1h + 59min),
         "2026-03-29 00:59:00"},
        {"start of the spring gap", local(2026y / March / 29, 2h), "2026-03-29 01:00:00"},
        {"inside the spring gap (02:30 becomes 03:30)", local(2026y / March / 29, 2h + 30min),
         "2026-03-29 01:30:00"},
        {"end of the spring gap", local(2026y / March / 29, 3h), "2026-03-29 01:00:00"},
        {"inside the spring gap 2027", local(2027y / March / 28, 2h + 30min),
         "2027-03-28 01:30:00"},
        {"before the autumn overlap", local(2026y / October / 25, 1h + 59min),
         "2026-10-24 23:59:00"},
        {"inside the autumn overlap, first reading", local(2026y / October / 25, 2h + 30min),
         "2026-10-25 00:30:00"},
        {"after the autumn overlap", local(2026y / October / 25, 3h), "2026-10-25 02:00:00"},
        {"inside the autumn overlap 2027", local(2027y / October / 31, 2h + 30min),
         "2027-10-31 00:30:00"},
    };
    for (const auto& r : rows) {
        CAPTURE(r.label);
        CHECK(text(from_oslo(r.at)) == r.expected_utc);
    }
}

TEST_CASE("08:00 in Oslo stays 08:00 on the days around each change", "[bot][oslo_time]") {
    for (const year_month_day change :
         {2026y / March / 29, 2026y / October / 25, 2027y / March / 28, 2027y / October / 31}) {
        for (const days shift : {days{-1}, days{0}, days{1}}) {
            const year_month_day d{sys_days{change} + shift};
            CAPTURE(format_date(d));
            const sys_seconds at = from_oslo(local(d, 8h));
            CHECK(text(to_oslo(at)) == text(d, 8h));
            const bool summer = (d.month() == March) == (shift >= days{0});
            CHECK(text(at) == text(d, summer ? 6h : 7h));
        }
    }
}

TEST_CASE("every existing local hour survives a round trip through UTC", "[bot][oslo_time]") {
    for (const year_month_day d : {2026y / March / 29, 2026y / October / 25}) {
        for (auto h = 0h; h < 24h; ++h) {
            const bool in_gap = d.month() == March && h == 2h;
            if (in_gap) {
                continue;
            }
            CAPTURE(text(d, h));
            CHECK(text(to_oslo(from_oslo(local(d, h)))) == text(d, h));
        }
    }
}

TEST_CASE("format_oslo shows Oslo date and minute", "[bot][oslo_time]") {
    struct row {
        const char* label;
        sys_seconds at;
        std::string expected;
    };
    const std::vector<row> rows{
        {"winter", utc(2026y / November / 23, 13h + 5min + 59s), "2026-11-23 14:05"},
        {"summer, past midnight locally", utc(2026y / July / 1, 22h + 30min), "2026-07-02 00:30"},
        {"new year locally", utc(2026y / December / 31, 23h + 30min), "2027-01-01 00:30"},
        {"the spring change", utc(2026y / March / 29, 1h), "2026-03-29 03:00"},
        {"just before the autumn change", utc(2026y / October / 25, 59min), "2026-10-25 02:59"},
        {"the autumn change", utc(2026y / October / 25, 1h), "2026-10-25 02:00"},
    };
    for (const auto& r : rows) {
        CAPTURE(r.label);
        CHECK(format_oslo(r.at) == r.expected);
    }
}

TEST_CASE("format_date pads month and day", "[bot][oslo_time]") {
    CHECK(format_date(2026y / January / 5) == "2026-01-05");
    CHECK(format_date(2026y / December / 31) == "2026-12-31");
}

TEST_CASE("parse_iso_date accepts real dates only", "[bot][oslo_time]") {
    struct row {
        const char* input;
        std::optional<std::string> expected;  // the date written back, or nullopt when rejected
    };
    const std::vector<row> rows{
        {"2026-02-28", "2026-02-28"},
        {"2028-02-29", "2028-02-29"},
        {"2026-12-31", "2026-12-31"},
        {"2026-02-30", std::nullopt},
        {"2027-02-29", std::nullopt},
        {"2026-04-31", std::nullopt},
        {"2026-13-01", std::nullopt},
        {"2026-00-10", std::nullopt},
        {"2026-01-00", std::nullopt},
        {"2026-1-01", std::nullopt},
        {"2026/01/01", std::nullopt},
        {"20260101", std::nullopt},
        {" 2026-01-01", std::nullopt},
        {"2026-01-01 ", std::nullopt},
        {"2026-01-01T08:00", std::nullopt},
        {"+026-01-01", std::nullopt},
        {"2026-0a-01", std::nullopt},
        {"abcd-ef-gh", std::nullopt},
        {"", std::nullopt},
    };
    for (const auto& r : rows) {
        CAPTURE(r.input);
        const auto parsed = parse_iso_date(r.input);
        REQUIRE(parsed.has_value() == r.expected.has_value());
        if (parsed) {
            CHECK(format_date(*parsed) == *r.expected);
        }
    }
}
