#pragma once
// Local civil time in Europe/Oslo (the same rules as Europe/Stockholm): CET (UTC+1), and CEST
// (UTC+2) from the last Sunday of March 01:00 UTC to the last Sunday of October 01:00 UTC.
// Pure arithmetic, so it needs no time zone database and behaves the same everywhere.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace kv::bot {

struct local_date_time {
    std::chrono::year_month_day date;
    std::chrono::hh_mm_ss<std::chrono::seconds> time{std::chrono::seconds{0}};
};

std::chrono::seconds oslo_offset(std::chrono::sys_seconds utc);
local_date_time to_oslo(std::chrono::sys_seconds utc);
// A local time that does not exist (spring gap) maps forward by one hour; an ambiguous one
// (autumn) maps to the first (summer time) instant.
std::chrono::sys_seconds from_oslo(std::chrono::local_seconds local);

// "2026-11-23 14:05" in Oslo time.
std::string format_oslo(std::chrono::sys_seconds utc);
// "2026-11-23"
std::string format_date(std::chrono::year_month_day d);
// Parses "YYYY-MM-DD"; nullopt when malformed or not a real date.
std::optional<std::chrono::year_month_day> parse_iso_date(std::string_view s);

}  // namespace kv::bot
