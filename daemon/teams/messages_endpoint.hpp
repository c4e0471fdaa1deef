#pragma once
// POST /api/messages: the HTTP front of the Teams channel (reference 1.1, 1.3, 1.4, 2.7).
// Checks size, authentication and shape, then either hands the activity on to be handled after
// the answer (messages, installs, roster changes: 200 at once) or asks for the invoke response
// (card buttons: 200 with the body of 4.3). Answers 401 for every authentication failure with an
// empty body, logging only the reason; 400 for a body that is not an activity; 413 over the limit.

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "adapters/teams/activity.hpp"
#include "adapters/teams/auth/channel_auth.hpp"
#include "daemon/http/router.hpp"

namespace kv::daemon {

struct teams_endpoint_hooks {
    // Validates the Authorization header for this activity's serviceUrl and channelId.
    std::function<teams::auth_result(std::string_view authorization, std::string_view service_url,
                                     std::string_view channel_id)>
        authenticate;
    // Takes an authenticated non-invoke activity to handle after the 200 has been sent. Must not
    // block on the network; may throw (the request is then answered 500 and Teams redelivers).
    std::function<void(teams::inbound_activity)> enqueue;
    // Handles an authenticated card action (card_action, card_refresh, legacy_invoke) durably and
    // returns the invoke response body (teams::invoke_*_response); may block until committed.
    std::function<std::string(const teams::inbound_activity&)> invoke;
};

inline constexpr std::size_t teams_body_limit = 256 * 1024;  // the Bot Service's own cap (5.3)

// The route for POST /api/messages, `concurrent`: the hooks must be thread-safe, and the
// authentication and parsing run on the server's request threads, off the store thread. The
// router answers other methods with 405.
route teams_messages_route(teams_endpoint_hooks hooks, std::size_t body_limit = teams_body_limit);

}  // namespace kv::daemon
