#pragma once
// The "Legg i kalender" link a wheel reminder's Teams card offers: the URL of that one
// occurrence in the recipient's own calendar feed (feed_routes.hpp), issuing the feed when the
// person has none yet. Immutable after construction; for_message uses the caller's connection
// (one thread at a time) and throws store_error when it fails.

#include <chrono>
#include <string>

#include "bot/message/message.hpp"
#include "daemon/calendar/feed_token.hpp"
#include "daemon/store/sqlite.hpp"

namespace kv::daemon {

class occurrence_links {
  public:
    // `secret` is the daemon's link secret (empty: no links); `base_url` the public base URL.
    occurrence_links(std::string_view secret, std::string base_url)
        : signer_(secret), base_url_(std::move(base_url)) {}

    // The URL for `m` sent to `email`; empty when `m` is not about a wheel occurrence or links
    // are off.
    std::string for_message(database& db, const bot::message& m, const std::string& email,
                            std::chrono::sys_seconds now) const;

  private:
    feed_token_signer signer_;
    std::string base_url_;
};

}  // namespace kv::daemon
