#include "adapters/teams/auth/openid_key_cache.hpp"

#include <algorithm>
#include <cstdint>

#include <nlohmann/json.hpp>

namespace kv::teams {

namespace {

std::optional<nlohmann::json> get_json(http_transport& transport, const std::string& url,
                                       std::chrono::milliseconds timeout) {
    http_call call;
    call.method = "GET";
    call.url = url;
    call.headers = {{"Accept", "application/json"}};
    call.timeout = timeout;
    const http_reply reply = transport.call(call);
    if (reply.status < 200 || reply.status > 299) {
        return std::nullopt;
    }
    auto doc = nlohmann::json::parse(reply.body, nullptr, /*allow_exceptions=*/false);
    if (!doc.is_object()) {
        return std::nullopt;
    }
    return doc;
}

std::optional<std::string> string_member(const nlohmann::json& object, const char* name) {
    const auto it = object.find(name);
    if (it == object.end() || !it->is_string()) {
        return std::nullopt;
    }
    return it->get<std::string>();
}

}  // namespace

openid_key_cache::openid_key_cache(openid_key_cache_settings settings, http_transport& transport,
                                   clock_fn now)
    : settings_(std::move(settings)), transport_(transport), now_(std::move(now)) {}

std::optional<openid_key_cache::key_set> openid_key_cache::fetch() const {
    const auto metadata = get_json(transport_, settings_.metadata_url, settings_.fetch_timeout);
    if (!metadata) {
        return std::nullopt;
    }
    const auto jwks_uri = string_member(*metadata, "jwks_uri");
    if (!jwks_uri || jwks_uri->empty()) {
        return std::nullopt;
    }
    const auto jwks = get_json(transport_, *jwks_uri, settings_.fetch_timeout);
    if (!jwks) {
        return std::nullopt;
    }
    const auto keys = jwks->find("keys");
    if (keys == jwks->end() || !keys->is_array()) {
        return std::nullopt;
    }
    key_set set;
    for (const auto& entry : *keys) {
        if (!entry.is_object()) {
            continue;
        }
        auto kid = string_member(entry, "kid");
        if (!kid) {
            continue;
        }
        auto k = std::make_shared<signing_key>();
        k->kid = std::move(*kid);
        const auto n = string_member(entry, "n");
        const auto e = string_member(entry, "e");
        if (n && e) {
            k->key = rsa_public_key::from_jwk(*n, *e);
        }
        if (const auto endorsements = entry.find("endorsements");
            endorsements != entry.end() && endorsements->is_array()) {
            for (const auto& name : *endorsements) {
                if (name.is_string()) {
                    k->endorsements.push_back(name.get<std::string>());
                }
            }
        }
        set.keys.push_back(std::move(k));
    }
    return set;
}

void openid_key_cache::refresh(std::unique_lock<std::mutex>& lock) {
    refreshing_ = true;
    lock.unlock();
    std::optional<key_set> fetched;
    try {
        fetched = fetch();
    } catch (...) {
        // Out of memory or a transport breaking its no-throw promise: count it as a failure.
    }
    const auto now = now_();
    lock.lock();
    if (fetched) {
        keys_ = std::move(*fetched);
        last_success_ = now;
        failures_in_a_row_ = 0;
        next_attempt_ = {};
    } else {
        const int doublings = std::min(failures_in_a_row_, 20);
        ++failures_in_a_row_;
        auto wait = settings_.first_retry * (std::int64_t{1} << doublings);
        next_attempt_ = now + std::min(wait, settings_.max_retry);
    }
    refreshing_ = false;
    refreshed_.notify_all();
}

bool openid_key_cache::usable(std::chrono::system_clock::time_point now) const {
    return last_success_ && now - *last_success_ < settings_.max_key_age;
}

std::shared_ptr<const signing_key> openid_key_cache::lookup(std::string_view kid) const {
    for (const auto& k : keys_.keys) {
        if (k->kid == kid) {
            return k;
        }
    }
    return nullptr;
}

key_lookup openid_key_cache::find(std::string_view kid) {
    std::unique_lock lock{mutex_};
    bool had_refresh = false;
    for (;;) {
        const auto now = now_();
        const auto cached = usable(now) ? lookup(kid) : nullptr;
        if (refreshing_) {
            if (cached) {
                break;
            }
            refreshed_.wait(lock, [this] { return !refreshing_; });
            had_refresh = true;
            continue;
        }
        if (had_refresh || now < next_attempt_) {
            break;
        }
        const bool due = !last_success_ || now - *last_success_ >= settings_.refresh_interval;
        const bool may_refresh_for_unknown_kid =
            !cached && last_success_ && now - *last_success_ >= settings_.unknown_kid_interval;
        if (!due && !may_refresh_for_unknown_kid) {
            break;
        }
        refresh(lock);
        had_refresh = true;
    }

    const auto now = now_();
    if (!usable(now)) {
        return {key_lookup_status::unavailable, nullptr};
    }
    auto k = lookup(kid);
    if (!k) {
        return {key_lookup_status::unknown_kid, nullptr};
    }
    if (!k->key) {
        return {key_lookup_status::not_rsa, std::move(k)};
    }
    return {key_lookup_status::found, std::move(k)};
}

}  // namespace kv::teams
