#include "adapters/teams/connector/connector_client.hpp"

#include <random>
#include <thread>

#include <nlohmann/json.hpp>

#include "adapters/teams/connector/retry_policy.hpp"
#include "adapters/teams/url.hpp"

namespace kv::teams {
namespace {

using json = nlohmann::json;
using status = connector_result::status;

constexpr const char* user_agent = "Kvalitetsvakt (Bot Connector client)";

connector_result outcome(status s, int http_status, std::string error) {
    connector_result r;
    r.result = s;
    r.http_status = http_status;
    r.error = std::move(error);
    return r;
}

std::chrono::seconds ceil_seconds(std::chrono::milliseconds ms) {
    return std::chrono::ceil<std::chrono::seconds>(ms);
}

std::string http_error(const http_reply& reply) {
    return reply.status == 0 ? "connector unreachable: " + reply.error
                             : "connector answered HTTP " + std::to_string(reply.status);
}

}  // namespace

connector_client::connector_client(connector_settings settings, token_cache& tokens,
                                   http_transport& transport, rate_limiter& limiter, clock_fn now,
                                   sleep_fn sleep, random_fn random)
    : settings_(std::move(settings)),
      policy_(settings_.allowed_service_urls),
      tokens_(tokens),
      transport_(transport),
      limiter_(limiter),
      now_(std::move(now)),
      sleep_(std::move(sleep)),
      random_(std::move(random)) {
    if (!sleep_) {
        sleep_ = [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
    }
    if (!random_) {
        random_ = [] {
            thread_local std::mt19937 gen{std::random_device{}()};
            return std::uniform_real_distribution<double>(0.0, 1.0)(gen);
        };
    }
}

connector_result connector_client::execute(const std::string& method,
                                           const std::string& service_url, const std::string& path,
                                           const std::string& body, const std::string& limit_key) {
    // Before anything else: a token never goes to a host that is not ours to trust (3.6).
    if (!policy_.allows(service_url)) {
        return outcome(status::not_allowed, 0, "serviceUrl not on the allow-list");
    }
    const bool is_post = method == "POST";
    bool refreshed = false;
    int gateway_retries = 0;
    connector_result last = outcome(status::retry_later, 0, "not attempted");
    for (int attempt = 0; attempt < settings_.max_attempts; ++attempt) {
        for (auto wait = limiter_.try_acquire(limit_key, now_());
             wait > std::chrono::milliseconds(0); wait = limiter_.try_acquire(limit_key, now_())) {
            if (wait > settings_.max_inline_wait) {
                auto r = outcome(status::retry_later, 0, "client-side rate limit");
                r.retry_after = ceil_seconds(wait);
                return r;
            }
            sleep_(wait);
        }
        auto token = tokens_.get();
        if (token.result == token_result::status::rejected) {
            // A configuration error: do not hot-loop on it, but keep the message.
            auto r = outcome(status::retry_later, 0, token.error);
            r.retry_after = std::chrono::seconds(300);
            return r;
        }
        if (token.result != token_result::status::ok) {
            last = outcome(status::retry_later, 0, token.error);
            const auto wait = backoff_delay(attempt, random_());
            if (attempt + 1 >= settings_.max_attempts || wait > settings_.max_inline_wait) {
                last.retry_after = ceil_seconds(wait);
                return last;
            }
            sleep_(wait);
            continue;
        }

        http_call call;
        call.method = method;
        call.url = service_base(service_url) + path;
        call.timeout = settings_.timeout;
        call.headers = {{"Authorization", "Bearer " + token.token}, {"User-Agent", user_agent}};
        if (!body.empty() || method == "POST" || method == "PUT") {
            call.headers.emplace_back("Content-Type", "application/json; charset=utf-8");
            call.body = body;
        }
        const http_reply reply = transport_.call(call);
        switch (classify_reply(reply)) {
            case reply_class::success: {
                auto r = outcome(status::ok, reply.status, {});
                const auto j = json::parse(reply.body, nullptr, false);
                if (j.is_object() && j.contains("id") && j["id"].is_string()) {
                    r.id = j["id"].get<std::string>();
                }
                r.body = reply.body;
                return r;
            }
            case reply_class::unauthorized:
                if (refreshed) {
                    auto r = outcome(status::retry_later, 401,
                                     "connector refused a freshly fetched token");
                    r.retry_after = std::chrono::seconds(60);
                    return r;
                }
                refreshed = true;
                tokens_.refresh_after_rejection(token.token);
                --attempt;  // the refresh-and-retry-once of 3.2 is not a backoff attempt
                continue;
            case reply_class::retry: {
                last = outcome(status::retry_later, reply.status, http_error(reply));
                const auto asked = retry_after(reply, now_());
                const auto wait =
                    asked ? std::chrono::milliseconds(*asked) : backoff_delay(attempt, random_());
                if (attempt + 1 >= settings_.max_attempts || wait > settings_.max_inline_wait) {
                    last.retry_after = ceil_seconds(wait);
                    return last;
                }
                sleep_(wait);
                continue;
            }
            case reply_class::retry_gateway: {
                last = outcome(status::retry_later, reply.status, http_error(reply));
                // A POST may have been delivered before the gateway failed: repeat it once only,
                // then leave it to the outbox (a duplicate beats a lost message).
                if (is_post && gateway_retries >= 1) {
                    return last;
                }
                ++gateway_retries;
                const auto wait = backoff_delay(attempt, random_());
                if (attempt + 1 >= settings_.max_attempts || wait > settings_.max_inline_wait) {
                    last.retry_after = ceil_seconds(wait);
                    return last;
                }
                sleep_(wait);
                continue;
            }
            case reply_class::reference_dead:
                return outcome(status::reference_dead, reply.status,
                               "the person blocked or has not installed the app");
            case reply_class::too_large:
                return outcome(status::too_large, reply.status, "message too large");
            case reply_class::not_found:
                return outcome(status::not_found, reply.status, http_error(reply));
            case reply_class::permanent:
                return outcome(status::failed, reply.status, http_error(reply));
        }
    }
    return last;
}

connector_result connector_client::send(const std::string& service_url,
                                        const std::string& conversation_id,
                                        const std::string& activity_json) {
    auto r = execute("POST", service_url,
                     "/v3/conversations/" + encode_uri_component(conversation_id) + "/activities",
                     activity_json, conversation_id);
    return r;
}

connector_result connector_client::reply(const std::string& service_url,
                                         const std::string& conversation_id,
                                         const std::string& reply_to_id,
                                         const std::string& activity_json) {
    auto r = execute("POST", service_url,
                     "/v3/conversations/" + encode_uri_component(conversation_id) + "/activities/" +
                         encode_uri_component(reply_to_id),
                     activity_json, conversation_id);
    return r;
}

connector_result connector_client::update(const std::string& service_url,
                                          const std::string& conversation_id,
                                          const std::string& activity_id,
                                          const std::string& activity_json) {
    auto r = execute("PUT", service_url,
                     "/v3/conversations/" + encode_uri_component(conversation_id) + "/activities/" +
                         encode_uri_component(activity_id),
                     activity_json, conversation_id);
    if (r.ok()) {
        if (r.id.empty()) {
            r.id = activity_id;
        }
    }
    return r;
}

connector_result connector_client::create_personal_conversation(const std::string& service_url,
                                                                const std::string& tenant_id,
                                                                const std::string& user_id) {
    const json body = {{"isGroup", false},
                       {"bot", {{"id", settings_.bot_id}, {"name", settings_.bot_name}}},
                       {"members", json::array({{{"id", user_id}}})},
                       {"tenantId", tenant_id},
                       {"channelData", {{"tenant", {{"id", tenant_id}}}}}};
    auto r = execute("POST", service_url, "/v3/conversations", body.dump(), "create:" + user_id);
    if (r.ok()) {
        if (r.id.empty()) {
            return outcome(status::failed, r.http_status, "create conversation: no id returned");
        }
    }
    return r;
}

connector_result connector_client::get_member(const std::string& service_url,
                                              const std::string& conversation_id,
                                              const std::string& member_id, member_info& member) {
    auto r = execute("GET", service_url,
                     "/v3/conversations/" + encode_uri_component(conversation_id) + "/members/" +
                         encode_uri_component(member_id),
                     {}, "members:" + conversation_id);
    if (r.ok()) {
        const auto parsed = parse_member(r.body);
        if (!parsed) {
            return outcome(status::failed, r.http_status, "get member: unreadable answer");
        }
        member = *parsed;
    }
    return r;
}

connector_result connector_client::deliver_message(const std::string& service_url,
                                                   const std::string& conversation_id,
                                                   const std::string& activity_id,
                                                   const bot::message& m,
                                                   const card_options& card) {
    std::size_t budget = teams_payload_budget;
    connector_result r;
    for (int variant = 0; variant < 4; ++variant, budget /= 2) {
        const std::string body = render_message_activity(
            m, card, {settings_.bot_id, conversation_id, activity_id}, budget);
        r = activity_id.empty() ? send(service_url, conversation_id, body)
                                : update(service_url, conversation_id, activity_id, body);
        if (r.result != status::too_large) {
            return r;
        }
    }
    return r;
}

connector_result connector_client::send_message(const std::string& service_url,
                                                const std::string& conversation_id,
                                                const bot::message& m, const card_options& card) {
    return deliver_message(service_url, conversation_id, {}, m, card);
}

connector_result connector_client::update_message(const std::string& service_url,
                                                  const std::string& conversation_id,
                                                  const std::string& activity_id,
                                                  const bot::message& m, const card_options& card) {
    return deliver_message(service_url, conversation_id, activity_id, m, card);
}

std::optional<member_info> parse_member(const std::string& body) {
    const auto j = json::parse(body, nullptr, false);
    if (!j.is_object() || !j.contains("id")) {
        return std::nullopt;
    }
    auto s = [&j](const char* key) {
        const auto it = j.find(key);
        return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    member_info m;
    m.aad_object_id = s("aadObjectId").empty() ? s("objectId") : s("aadObjectId");
    m.email = s("email");
    m.user_principal_name = s("userPrincipalName");
    m.tenant_id = s("tenantId");
    return m;
}

}  // namespace kv::teams
