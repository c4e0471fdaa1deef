#pragma once
// What a connector answer means for the call that got it (reference 5.2, 3.5, 5.3).

#include <chrono>
#include <optional>
#include <string_view>

#include "adapters/teams/http_transport.hpp"

namespace kv::teams {

enum class reply_class {
    success,         // 200, 201, 202
    retry,           // 429, 412, 503: refused, safe to repeat
    retry_gateway,   // 502, 504, no answer: may have been done; a POST repeats at most once
    unauthorized,    // 401: refresh the token once and repeat once
    reference_dead,  // 403 MessageWritesBlocked / BotNotInConversationRoster: stop, use fallback
    too_large,       // 413 (MessageSizeTooBig): send a shortened variant
    not_found,       // 404 (e.g. ActivityNotFoundInConversation)
    permanent,       // other 4xx, 500 and the rest
};

reply_class classify_reply(const http_reply& reply);

// The wait a 429/503 asked for: Retry-After as delta-seconds or as an HTTP date (IMF-fixdate,
// e.g. "Wed, 21 Oct 2015 07:28:00 GMT"), relative to `now`; a date in the past is zero. Empty when
// absent or unreadable.
std::optional<std::chrono::seconds> retry_after(const http_reply& reply,
                                                std::chrono::system_clock::time_point now);

// Exponential backoff for attempt n (0-based): 500 ms x 2^n, capped at 20 s, with +/-20% jitter
// drawn from `unit_random` in [0, 1).
std::chrono::milliseconds backoff_delay(int attempt, double unit_random);

}  // namespace kv::teams
