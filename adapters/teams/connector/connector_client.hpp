#pragma once
// The Bot Connector REST client (reference 3.3-3.5, 4.4, 5.1-5.3) over http_transport: send,
// reply, update (PUT), create a 1:1 conversation, get a member. It checks the serviceUrl against
// the allow-list before a token is fetched or sent, keeps to the client-side rate limits, retries
// what 5.2 says is safe to retry within a bounded time, and reports everything else as a result.

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "adapters/teams/card.hpp"
#include "adapters/teams/connector/rate_limiter.hpp"
#include "adapters/teams/connector/service_url_policy.hpp"
#include "adapters/teams/connector/token_cache.hpp"
#include "adapters/teams/http_transport.hpp"
#include "adapters/teams/identity.hpp"
#include "bot/message/message.hpp"

namespace kv::teams {

struct connector_settings {
    std::string bot_id;  // "28:{appId}"
    std::string bot_name = "Kvalitetsvakt";
    std::vector<std::string> allowed_service_urls = default_allowed_service_urls();
    int max_attempts = 4;  // per call, the first included; 1..20
    // A wait longer than this (Retry-After, backoff, rate limit) is not slept through but handed
    // back as retry_later, so the outbox reschedules the row.
    std::chrono::milliseconds max_inline_wait{5000};
    std::chrono::milliseconds timeout{10000};  // per HTTP call
};

struct connector_result {
    enum class status {
        ok,
        retry_later,     // transient; retry_after says when (if known)
        reference_dead,  // 403 blocked / not in roster: mark the reference dead, use the fallback
        too_large,       // 413 even for the shortest variant
        not_found,       // 404, e.g. ActivityNotFoundInConversation for a PUT
        not_allowed,     // the serviceUrl is not on the allow-list; nothing was sent
        failed,          // permanent (400 and other 4xx): retrying will not help
    };
    status result = status::failed;
    int http_status = 0;  // of the last answer; 0 when none
    std::string id;       // the activity id (send/reply/update) or conversation id (create)
    std::optional<std::chrono::seconds> retry_after;
    std::string error;  // short, without tokens or message content
    std::string body;   // the answer's body, on ok
    bool ok() const { return result == status::ok; }
};

// Thread-safe (its parts are); calls block the calling thread for at most about
// max_attempts x (timeout + max_inline_wait). Never throws except std::bad_alloc.
class connector_client {
  public:
    using clock_fn = std::function<std::chrono::system_clock::time_point()>;
    using sleep_fn = std::function<void(std::chrono::milliseconds)>;
    using random_fn = std::function<double()>;  // uniform in [0, 1)

    connector_client(connector_settings settings, token_cache& tokens, http_transport& transport,
                     rate_limiter& limiter, clock_fn now = std::chrono::system_clock::now,
                     sleep_fn sleep = {}, random_fn random = {});

    // POST {base}/v3/conversations/{cid}/activities
    connector_result send(const std::string& service_url, const std::string& conversation_id,
                          const std::string& activity_json);
    // POST {base}/v3/conversations/{cid}/activities/{replyToId}
    connector_result reply(const std::string& service_url, const std::string& conversation_id,
                           const std::string& reply_to_id, const std::string& activity_json);
    // PUT {base}/v3/conversations/{cid}/activities/{activityId}
    connector_result update(const std::string& service_url, const std::string& conversation_id,
                            const std::string& activity_id, const std::string& activity_json);
    // POST {base}/v3/conversations for a 1:1 chat with `user_id` (29:...), both tenant fields
    // set (3.5). result.id is the conversation id.
    connector_result create_personal_conversation(const std::string& service_url,
                                                  const std::string& tenant_id,
                                                  const std::string& user_id);
    // GET {base}/v3/conversations/{cid}/members/{memberId}; `member` is filled on ok.
    connector_result get_member(const std::string& service_url, const std::string& conversation_id,
                                const std::string& member_id, member_info& member);

    // Renders `m` as a card and sends it (or, with a non-empty activity_id, PUTs it over that
    // activity). On 413 it sends shorter variants (half the size budget each time, three at
    // most) before giving up with too_large: long text is shortened, never dropped.
    connector_result send_message(const std::string& service_url,
                                  const std::string& conversation_id, const bot::message& m,
                                  const card_options& card);
    connector_result update_message(const std::string& service_url,
                                    const std::string& conversation_id,
                                    const std::string& activity_id, const bot::message& m,
                                    const card_options& card);

  private:
    connector_result execute(const std::string& method, const std::string& service_url,
                             const std::string& path, const std::string& body,
                             const std::string& limit_key);
    connector_result deliver_message(const std::string& service_url,
                                     const std::string& conversation_id,
                                     const std::string& activity_id, const bot::message& m,
                                     const card_options& card);

    connector_settings settings_;
    service_url_policy policy_;
    token_cache& tokens_;
    http_transport& transport_;
    rate_limiter& limiter_;
    clock_fn now_;
    sleep_fn sleep_;
    random_fn random_;
};

// A TeamsChannelAccount JSON (3.4) as member_info; nullopt when it is not one.
std::optional<member_info> parse_member(const std::string& body);

}  // namespace kv::teams
