#pragma once
// The signing keys behind one OpenID metadata URL (reference 2.4, with the recommended
// improvements): metadata -> jwks_uri -> JWKS, cached and refreshed on a schedule.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "adapters/teams/auth/rsa_key.hpp"
#include "adapters/teams/http_transport.hpp"

namespace kv::teams {

struct openid_key_cache_settings {
    std::string metadata_url;
    // A successful refresh older than this is refreshed before the next lookup (SDK: 24 h).
    std::chrono::hours refresh_interval{24};
    // An unknown kid triggers a refresh only when the last success is at least this old.
    std::chrono::minutes unknown_kid_interval{60};
    // After a failed refresh, the next attempt waits first_retry, doubling up to max_retry.
    std::chrono::seconds first_retry{30};
    std::chrono::seconds max_retry{15 * 60};
    // Keys whose last successful refresh is older than this are no longer used at all.
    std::chrono::hours max_key_age{7 * 24};
    std::chrono::milliseconds fetch_timeout{10000};  // per HTTP call
};

// One JWKS entry. key is nullopt when the entry has no usable RSA n/e (it counts as found but
// unusable: R6).
struct signing_key {
    std::string kid;
    std::optional<rsa_public_key> key;
    std::vector<std::string> endorsements;
};

enum class key_lookup_status {
    found,        // key is set and usable
    not_rsa,      // the kid exists but is not an RSA key with n/e
    unknown_kid,  // not in a usable key set, and no refresh is permitted now
    unavailable,  // no usable key set: never fetched, or failing and too old
};

struct key_lookup {
    key_lookup_status status = key_lookup_status::unavailable;
    std::shared_ptr<const signing_key> key;  // set for found and not_rsa
};

// Thread-safe. Owns the cached key set; the transport and the clock must outlive it.
// Refreshes are single-flight: one thread fetches while others wanting a refresh wait for its
// result (threads whose kid is in the current set are served without waiting). A failed
// refresh keeps the last good set and is retried no sooner than the backoff allows; lookups
// never throw.
class openid_key_cache {
  public:
    using clock_fn = std::function<std::chrono::system_clock::time_point()>;

    openid_key_cache(openid_key_cache_settings settings, http_transport& transport, clock_fn now);

    // Finds `kid`, refreshing first when the set is due (refresh_interval) or when the kid is
    // unknown and the set is at least unknown_kid_interval old; at most one refresh per call.
    // Blocks the caller for the duration of a refresh it performs or waits for.
    key_lookup find(std::string_view kid);

  private:
    struct key_set {
        std::vector<std::shared_ptr<const signing_key>> keys;
    };
    // Fetches metadata and JWKS without holding the lock; nullopt on any failure.
    std::optional<key_set> fetch() const;
    // Runs a refresh with `lock` held on entry and exit (released while fetching).
    void refresh(std::unique_lock<std::mutex>& lock);
    bool usable(std::chrono::system_clock::time_point now) const;
    std::shared_ptr<const signing_key> lookup(std::string_view kid) const;

    const openid_key_cache_settings settings_;
    http_transport& transport_;
    const clock_fn now_;

    std::mutex mutex_;
    std::condition_variable refreshed_;
    bool refreshing_ = false;
    key_set keys_;
    std::optional<std::chrono::system_clock::time_point> last_success_;
    std::chrono::system_clock::time_point next_attempt_{};  // earliest time a refresh may start
    int failures_in_a_row_ = 0;
};

}  // namespace kv::teams
