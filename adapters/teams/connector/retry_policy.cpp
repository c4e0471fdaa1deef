#include "adapters/teams/connector/retry_policy.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <string>

#include <nlohmann/json.hpp>

namespace kv::teams {
namespace {

// Teams' 403s carry the reason as error.code or, string-encoded, in message.subCode (3.3).
bool names_dead_reference(std::string_view body) {
    for (const char* code : {"MessageWritesBlocked", "BotNotInConversationRoster",
                             "ConversationBlockedByUser", "BotDisabledByAdmin"}) {
        if (body.find(code) != std::string_view::npos) {
            return true;
        }
    }
    return false;
}

}  // namespace

reply_class classify_reply(const http_reply& reply) {
    switch (reply.status) {
        case 200:
        case 201:
        case 202:
            return reply_class::success;
        case 412:
        case 429:
        case 503:
            return reply_class::retry;
        case 0:
        case 502:
        case 504:
        case 408:
            return reply_class::retry_gateway;
        case 401:
            return reply_class::unauthorized;
        case 403:
            return names_dead_reference(reply.body) ? reply_class::reference_dead
                                                    : reply_class::permanent;
        case 404:
            return reply_class::not_found;
        case 413:
            return reply_class::too_large;
        default:
            return reply_class::permanent;
    }
}

std::optional<std::chrono::seconds> retry_after(const http_reply& reply,
                                                std::chrono::system_clock::time_point now) {
    std::string v(reply.header("Retry-After"));
    while (!v.empty() && std::isspace(static_cast<unsigned char>(v.back()))) {
        v.pop_back();
    }
    while (!v.empty() && std::isspace(static_cast<unsigned char>(v.front()))) {
        v.erase(v.begin());
    }
    if (v.empty()) {
        return std::nullopt;
    }
    if (std::all_of(v.begin(), v.end(), [](unsigned char c) { return std::isdigit(c); })) {
        if (v.size() > 9) {
            return std::nullopt;
        }
        return std::chrono::seconds(std::stoll(v));
    }
    // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
    char wday[4] = {}, mon[4] = {}, zone[4] = {};
    int day = 0, year = 0, hh = 0, mm = 0, ss = 0, used = 0;
    if (std::sscanf(v.c_str(), "%3[A-Za-z], %d %3s %d %d:%d:%d %3s%n", wday, &day, mon, &year, &hh,
                    &mm, &ss, zone, &used) != 8 ||
        static_cast<std::size_t>(used) != v.size() || std::strcmp(zone, "GMT") != 0) {
        return std::nullopt;
    }
    static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    int month = -1;
    for (int i = 0; i < 12; ++i) {
        if (std::strcmp(mon, months[i]) == 0) {
            month = i + 1;
        }
    }
    const std::chrono::year_month_day ymd{std::chrono::year{year},
                                          std::chrono::month{static_cast<unsigned>(month)},
                                          std::chrono::day{static_cast<unsigned>(day)}};
    if (month < 0 || !ymd.ok() || hh > 23 || mm > 59 || ss > 60 || hh < 0 || mm < 0 || ss < 0) {
        return std::nullopt;
    }
    const auto at = std::chrono::sys_days(ymd) + std::chrono::hours(hh) + std::chrono::minutes(mm) +
                    std::chrono::seconds(ss);
    const auto delta = std::chrono::ceil<std::chrono::seconds>(at - now);
    return std::max(delta, std::chrono::seconds(0));
}

std::chrono::milliseconds backoff_delay(int attempt, double unit_random) {
    const double base = 500.0 * static_cast<double>(1LL << std::clamp(attempt, 0, 10));
    const double capped = std::min(base, 20000.0);
    const double jitter = 0.8 + 0.4 * std::clamp(unit_random, 0.0, 1.0);
    return std::chrono::milliseconds(static_cast<long long>(capped * jitter));
}

}  // namespace kv::teams
