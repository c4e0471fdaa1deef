#include "adapters/teams/connector/rate_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace kv::teams {

rate_limiter::rate_limiter(rate_limits limits) : limits_(limits) {}

void rate_limiter::refill(bucket& b, double rate, double burst, time_point now) {
    if (!b.started) {
        b.started = true;
        b.tokens = burst;
        b.refilled = now;
        return;
    }
    if (now <= b.refilled) {
        return;  // the clock went back: add nothing
    }
    const double elapsed = std::chrono::duration<double>(now - b.refilled).count();
    b.tokens = std::min(burst, b.tokens + elapsed * rate);
    b.refilled = now;
}

std::chrono::milliseconds rate_limiter::wait_for(const bucket& b, double rate) {
    const double missing = 1.0 - b.tokens;
    return std::chrono::milliseconds(
        static_cast<long long>(std::ceil(std::max(missing, 0.0) / rate * 1000.0)));
}

std::chrono::milliseconds rate_limiter::try_acquire(const std::string& conversation_id,
                                                    time_point now) {
    std::lock_guard lock(mutex_);
    refill(global_, limits_.global_rate, limits_.global_burst, now);
    bucket& conv = conversations_[conversation_id];
    refill(conv, limits_.per_conversation_rate, limits_.per_conversation_burst, now);
    if (global_.tokens >= 1.0 && conv.tokens >= 1.0) {
        global_.tokens -= 1.0;
        conv.tokens -= 1.0;
        return std::chrono::milliseconds(0);
    }
    return std::max(wait_for(global_, limits_.global_rate),
                    wait_for(conv, limits_.per_conversation_rate));
}

}  // namespace kv::teams
