#include "bot/domain/oslo_time.hpp"

#include <cstddef>

namespace kv::bot {
namespace {

using namespace std::chrono;

constexpr seconds winter_offset = hours{1};
constexpr seconds summer_offset = hours{2};

sys_seconds switch_instant(year y, month m) {
    const sys_days last_day{y / m / last};
    const sys_days last_sunday = last_day - (weekday{last_day} - Sunday);
    return last_sunday + hours{1};
}

void append_padded(std::string& out, long long value, int width) {
    std::string digits = std::to_string(value < 0 ? -value : value);
    if (value < 0) {
        out += '-';
    }
    for (auto n = static_cast<int>(digits.size()); n < width; ++n) {
        out += '0';
    }
    out += digits;
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

int number(std::string_view s) {
    int n = 0;
    for (const char c : s) {
        n = n * 10 + (c - '0');
    }
    return n;
}

}  // namespace

seconds oslo_offset(sys_seconds utc) {
    const year y = year_month_day{floor<days>(utc)}.year();
    const bool summer = utc >= switch_instant(y, March) && utc < switch_instant(y, October);
    return summer ? summer_offset : winter_offset;
}

local_date_time to_oslo(sys_seconds utc) {
    const sys_seconds shifted = utc + oslo_offset(utc);
    const sys_days midnight = floor<days>(shifted);
    return {year_month_day{midnight}, hh_mm_ss<seconds>{shifted - midnight}};
}

sys_seconds from_oslo(local_seconds local) {
    const sys_seconds as_summer{local.time_since_epoch() - summer_offset};
    if (oslo_offset(as_summer) == summer_offset) {
        return as_summer;  // also the first of the two readings of an autumn hour
    }
    // Either plain winter time or a spring-gap time, which this reading moves one hour forward.
    return sys_seconds{local.time_since_epoch() - winter_offset};
}

std::string format_oslo(sys_seconds utc) {
    const local_date_time t = to_oslo(utc);
    std::string out = format_date(t.date);
    out += ' ';
    append_padded(out, t.time.hours().count(), 2);
    out += ':';
    append_padded(out, t.time.minutes().count(), 2);
    return out;
}

std::string format_date(year_month_day d) {
    std::string out;
    append_padded(out, static_cast<int>(d.year()), 4);
    out += '-';
    append_padded(out, static_cast<unsigned>(d.month()), 2);
    out += '-';
    append_padded(out, static_cast<unsigned>(d.day()), 2);
    return out;
}

std::optional<year_month_day> parse_iso_date(std::string_view s) {
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') {
        return std::nullopt;
    }
    for (const std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u}) {
        if (!is_digit(s[i])) {
            return std::nullopt;
        }
    }
    const year_month_day d{year{number(s.substr(0, 4))},
                           month{static_cast<unsigned>(number(s.substr(5, 2)))},
                           day{static_cast<unsigned>(number(s.substr(8, 2)))}};
    if (!d.ok()) {
        return std::nullopt;
    }
    return d;
}

}  // namespace kv::bot
