#include "adapters/teams/connector/token_cache.hpp"

#include <nlohmann/json.hpp>

#include "adapters/teams/url.hpp"

namespace kv::teams {

token_cache::token_cache(token_settings settings, http_transport& transport, clock_fn now)
    : settings_(std::move(settings)), transport_(transport), now_(std::move(now)) {}

int token_cache::fetch_count() const {
    std::lock_guard lock(mutex_);
    return fetches_;
}

token_result token_cache::get() {
    std::unique_lock lock(mutex_);
    if (!token_.empty() && now_() < use_until_) {
        return {token_result::status::ok, token_, {}};
    }
    return fetch_locked(lock);
}

token_result token_cache::refresh_after_rejection(const std::string& rejected) {
    std::unique_lock lock(mutex_);
    fetched_.wait(lock, [this] { return !fetching_; });
    if (!token_.empty() && token_ != rejected && now_() < use_until_) {
        return {token_result::status::ok, token_, {}};  // someone else already replaced it
    }
    token_.clear();
    return fetch_locked(lock);
}

token_result token_cache::fetch_locked(std::unique_lock<std::mutex>& lock) {
    if (fetching_) {
        fetched_.wait(lock, [this] { return !fetching_; });
        if (!token_.empty() && now_() < use_until_) {
            return {token_result::status::ok, token_, {}};
        }
        return last_failure_;
    }
    fetching_ = true;
    ++fetches_;
    lock.unlock();

    http_call call;
    call.method = "POST";
    call.url = settings_.token_url;
    call.timeout = settings_.timeout;
    call.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
    call.body =
        "grant_type=client_credentials&client_id=" + encode_uri_component(settings_.app_id) +
        "&client_secret=" + encode_uri_component(settings_.app_password) +
        "&scope=" + encode_uri_component(settings_.scope);
    const auto started = now_();
    const http_reply reply = transport_.call(call);

    token_result result;
    std::string token;
    std::chrono::seconds lifetime{0};
    if (reply.status == 200) {
        const auto j = nlohmann::json::parse(reply.body, nullptr, false);
        if (j.is_object() && j.contains("access_token") && j["access_token"].is_string() &&
            j.contains("expires_in") &&
            (j["expires_in"].is_number_integer() || j["expires_in"].is_string())) {
            token = j["access_token"].get<std::string>();
            try {
                lifetime = std::chrono::seconds(j["expires_in"].is_string()
                                                    ? std::stoll(j["expires_in"].get<std::string>())
                                                    : j["expires_in"].get<long long>());
            } catch (const std::exception&) {
                token.clear();
            }
        }
        if (token.empty()) {
            result = {token_result::status::unavailable, {}, "token endpoint: unreadable answer"};
        }
    } else if (reply.status >= 400 && reply.status < 500) {
        result = {
            token_result::status::rejected,
            {},
            "token endpoint refused the credentials (HTTP " + std::to_string(reply.status) + ")"};
    } else {
        result = {token_result::status::unavailable,
                  {},
                  reply.status == 0 ? "token endpoint unreachable: " + reply.error
                                    : "token endpoint: HTTP " + std::to_string(reply.status)};
    }

    lock.lock();
    fetching_ = false;
    if (!token.empty()) {
        token_ = token;
        // Measured from when we asked, so a slow answer does not stretch the token's life.
        use_until_ = started + lifetime - settings_.margin;
        result = {token_result::status::ok, token_, {}};
    } else {
        last_failure_ = result;
    }
    fetched_.notify_all();
    return result;
}

}  // namespace kv::teams
