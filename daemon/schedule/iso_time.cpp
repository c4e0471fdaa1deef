#include "daemon/schedule/iso_time.hpp"

#include <charconv>

#include "bot/domain/oslo_time.hpp"

namespace kv::daemon {
namespace {

using namespace std::chrono;

std::optional<int> digits(std::string_view s) {
    int value = 0;
    if (s.empty()) {
        return std::nullopt;
    }
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec != std::errc{} || p != s.data() + s.size() || s.front() == '-' || s.front() == '+') {
        return std::nullopt;
    }
    return value;
}

std::string two(long long v) {
    return (v < 10 ? "0" : "") + std::to_string(v);
}

}  // namespace

std::optional<sys_seconds> parse_iso_instant(std::string_view text) {
    if (text.size() < 17 || text[10] != 'T') {
        return std::nullopt;
    }
    const auto date = bot::parse_iso_date(text.substr(0, 10));
    if (!date) {
        return std::nullopt;
    }
    std::string_view rest = text.substr(11);
    const auto hh = digits(rest.substr(0, 2));
    const auto mm = rest.size() >= 5 && rest[2] == ':' ? digits(rest.substr(3, 2)) : std::nullopt;
    if (!hh || !mm || *hh > 23 || *mm > 59) {
        return std::nullopt;
    }
    rest.remove_prefix(5);
    int ss = 0;
    if (!rest.empty() && rest[0] == ':') {
        const auto s = rest.size() >= 3 ? digits(rest.substr(1, 2)) : std::nullopt;
        if (!s || *s > 59) {
            return std::nullopt;
        }
        ss = *s;
        rest.remove_prefix(3);
    }
    seconds offset{0};
    if (rest == "Z") {
        offset = seconds{0};
    } else if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':') {
        const auto oh = digits(rest.substr(1, 2));
        const auto om = digits(rest.substr(4, 2));
        if (!oh || !om || *oh > 14 || *om > 59) {
            return std::nullopt;
        }
        offset = hours{*oh} + minutes{*om};
        if (rest[0] == '-') {
            offset = -offset;
        }
    } else {
        return std::nullopt;
    }
    return sys_days{*date} + hours{*hh} + minutes{*mm} + seconds{ss} - offset;
}

std::string format_iso_oslo(sys_seconds t) {
    const auto local = bot::to_oslo(t);
    const auto offset = duration_cast<minutes>(bot::oslo_offset(t));
    const char sign = offset < minutes{0} ? '-' : '+';
    const auto abs_offset = offset < minutes{0} ? -offset : offset;
    return bot::format_date(local.date) + "T" + two(local.time.hours().count()) + ":" +
           two(local.time.minutes().count()) + ":" + two(local.time.seconds().count()) + sign +
           two(abs_offset.count() / 60) + ":" + two(abs_offset.count() % 60);
}

}  // namespace kv::daemon
