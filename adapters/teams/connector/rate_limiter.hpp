#pragma once
// Client-side rate limits for connector calls (reference 5.1, project budget): a token bucket
// per conversation (1 per second sustained, burst 3) and one global bucket (25 per second).

#include <chrono>
#include <map>
#include <mutex>
#include <string>

namespace kv::teams {

struct rate_limits {
    double per_conversation_rate = 1.0;  // tokens per second
    double per_conversation_burst = 3.0;
    double global_rate = 25.0;
    double global_burst = 25.0;
};

// Thread-safe. Pure bookkeeping: it never sleeps; callers wait the time it tells them.
class rate_limiter {
  public:
    using time_point = std::chrono::system_clock::time_point;

    explicit rate_limiter(rate_limits limits = {});

    // Takes one token from the conversation's bucket and the global bucket and returns zero, or,
    // when either is empty, takes nothing and returns how long to wait before asking again.
    std::chrono::milliseconds try_acquire(const std::string& conversation_id, time_point now);

  private:
    struct bucket {
        double tokens = 0;
        time_point refilled{};
        bool started = false;
    };
    static void refill(bucket& b, double rate, double burst, time_point now);
    static std::chrono::milliseconds wait_for(const bucket& b, double rate);

    rate_limits limits_;
    std::mutex mutex_;
    bucket global_;
    std::map<std::string, bucket> conversations_;
};

}  // namespace kv::teams
