#pragma once
// The bot's outbound access token (reference 3.1/3.2): client credentials against the
// configured token URL, cached until 5 minutes before expiry, fetched by one caller at a time.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>

#include "adapters/teams/http_transport.hpp"

namespace kv::teams {

struct token_settings {
    // https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token (single-tenant bots).
    std::string token_url;
    std::string app_id;
    std::string app_password;  // never logged
    std::string scope = "https://api.botframework.com/.default";
    std::chrono::seconds margin{300};  // a cached token is used until expiry minus this
    std::chrono::milliseconds timeout{10000};
};

struct token_result {
    enum class status {
        ok,
        rejected,     // 4xx from the token endpoint: a configuration error, do not hot-loop
        unavailable,  // 5xx, timeout, unreadable answer: transient
    };
    status result = status::ok;
    std::string token;  // when ok
    std::string error;  // short, without secrets
};

// Thread-safe. Only one request to the token endpoint is in flight; callers arriving meanwhile
// wait for its result. Never throws except std::bad_alloc.
class token_cache {
  public:
    using clock_fn = std::function<std::chrono::system_clock::time_point()>;

    token_cache(token_settings settings, http_transport& transport,
                clock_fn now = std::chrono::system_clock::now);

    // A valid token: the cached one while now < expiry - margin, else a freshly fetched one.
    token_result get();

    // After the connector refused `rejected` with 401: fetches a new token unless another caller
    // already replaced that one, and returns the current token (pitfall 8.3).
    token_result refresh_after_rejection(const std::string& rejected);

    // How many times the token endpoint was asked (for tests and metrics).
    int fetch_count() const;

  private:
    token_result fetch_locked(std::unique_lock<std::mutex>& lock);

    token_settings settings_;
    http_transport& transport_;
    clock_fn now_;
    mutable std::mutex mutex_;
    std::condition_variable fetched_;
    bool fetching_ = false;
    std::string token_;
    std::chrono::system_clock::time_point use_until_{};
    token_result last_failure_;
    int fetches_ = 0;
};

}  // namespace kv::teams
