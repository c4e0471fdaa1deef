#include "daemon/teams/messages_endpoint.hpp"

#include <memory>

#include "adapters/teams/card.hpp"
#include "daemon/log.hpp"

namespace kv::daemon {
namespace {

http_response empty(int status) {
    http_response r;
    r.status = status;
    r.content_type.clear();
    return r;
}

bool blank(std::string_view s) {
    return s.find_first_not_of(" \t") == std::string_view::npos;
}

}  // namespace

route teams_messages_route(teams_endpoint_hooks hooks, std::size_t body_limit) {
    auto h = std::make_shared<const teams_endpoint_hooks>(std::move(hooks));
    return {"POST", "/api/messages",
            [h, body_limit](const http_request& req) -> http_response {
                if (req.body.size() > body_limit) {
                    return empty(413);
                }
                const std::string_view authorization =
                    req.headers.find("Authorization").value_or(std::string_view{});
                // No token at all: refused before the body is even parsed.
                if (blank(authorization)) {
                    log::info("teams: request refused: R1 no Authorization header");
                    return empty(401);
                }
                auto parsed = teams::parse_activity(req.body);
                if (!parsed.activity) {
                    log::info("teams: request refused: " + parsed.failure.reason);
                    return text_response(400, "Bad request\n");
                }
                auto& a = *parsed.activity;
                const auto verdict =
                    h->authenticate(authorization, a.reference.service_url, a.reference.channel_id);
                if (!verdict.ok) {
                    log::info("teams: request refused: " + verdict.reason);
                    return empty(401);
                }
                switch (a.kind) {
                    case teams::activity_kind::card_action:
                    case teams::activity_kind::card_refresh:
                        if (!a.invoke_error_code.empty()) {
                            return json_response(200,
                                                 teams::invoke_error_response(
                                                     400, a.invoke_error_code,
                                                     a.invoke_error_code == "BadRequest"
                                                         ? "Missing value property"
                                                         : "Only Action.Execute is supported"));
                        }
                        return json_response(200, h->invoke(a));
                    case teams::activity_kind::legacy_invoke:
                        return json_response(200, h->invoke(a));
                    case teams::activity_kind::other_invoke:
                        return empty(501);  // as the SDK answers invokes nobody handles
                    case teams::activity_kind::ignored:
                        log::debug("teams: activity of type '" + a.type + "' ignored");
                        return empty(200);
                    default:
                        h->enqueue(std::move(a));
                        return empty(200);
                }
            },
            true};
}

}  // namespace kv::daemon
