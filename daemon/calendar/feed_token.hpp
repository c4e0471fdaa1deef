#pragma once
// The secret in a calendar feed's URL. A feed (one person's, or one committee's) has a row key
// and a generation in the store (daemon/calendar/feed_store); its token is
// "<key>-<base64url of the first 16 bytes of HMAC-SHA256(feed key, feed id, generation)>", where
// the feed key is derived from the daemon's link secret. So the URL can be shown again at any
// time without being stored, a copy of the database grants no feed, 128 bits stand between a
// guess and a feed, and rotating (generation + 1) makes every earlier URL of that feed invalid.
// Immutable after construction; safe to share between threads.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kv::daemon {

struct parsed_feed_token {
    std::int64_t key = 0;
    std::string mac;  // as written in the token
};

class feed_token_signer {
  public:
    // `secret` is the daemon's link secret; an empty one means feeds are off.
    explicit feed_token_signer(std::string_view secret);

    bool enabled() const { return !key_.empty(); }

    // The token of generation `generation` of feed `feed_id` stored under `key`.
    // Must not be called when !enabled() (throws std::logic_error).
    std::string token(std::int64_t key, std::string_view feed_id, std::int64_t generation) const;

    // True when `t` is the token of that feed and generation; compares in constant time.
    bool matches(const parsed_feed_token& t, std::string_view feed_id,
                 std::int64_t generation) const;

    // The parts of a token, or nullopt when it is not shaped like one.
    static std::optional<parsed_feed_token> parse(std::string_view token);

  private:
    std::string mac(std::string_view feed_id, std::int64_t generation) const;

    std::string key_;
};

}  // namespace kv::daemon

namespace kv::daemon {

// "<base>/calendar/<token>.ics"; `base_url` without a trailing '/'.
std::string calendar_feed_url(std::string_view base_url, std::string_view token);

// "<base>/calendar/event/<token>.<item id>.<YYYYMMDD>.ics": one wheel occurrence of that feed.
std::string calendar_event_url(std::string_view base_url, std::string_view token,
                               std::string_view item_id, std::string_view compact_date);

}  // namespace kv::daemon
