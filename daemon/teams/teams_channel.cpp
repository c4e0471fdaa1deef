#include "daemon/teams/teams_channel.hpp"

#include <boost/asio/post.hpp>

#include "adapters/teams/card.hpp"
#include "adapters/teams/card_protocol.hpp"
#include "adapters/teams/identity.hpp"
#include "daemon/app/app.hpp"
#include "daemon/log.hpp"
#include "daemon/store/teams_store.hpp"
#include "daemon/teams/teams_parts.hpp"

namespace kv::daemon {
namespace {

std::string_view kind_name(teams::activity_kind k) {
    switch (k) {
        case teams::activity_kind::message:
            return "message";
        case teams::activity_kind::card_submit:
            return "card_submit";
        case teams::activity_kind::card_action:
            return "card_action";
        case teams::activity_kind::card_refresh:
            return "card_refresh";
        case teams::activity_kind::legacy_invoke:
            return "legacy_invoke";
        case teams::activity_kind::other_invoke:
            return "other_invoke";
        case teams::activity_kind::installed:
            return "installed";
        case teams::activity_kind::uninstalled:
            return "uninstalled";
        case teams::activity_kind::roster_changed:
            return "roster_changed";
        case teams::activity_kind::ignored:
            return "ignored";
    }
    return "ignored";
}

std::string event_dedupe_key(const teams::inbound_activity& a) {
    return "teams:" + teams::activity_dedupe_key(a);
}

bot::message text_message(std::string text) {
    bot::message m;
    m.text = std::move(text);
    return m;
}

}  // namespace

teams_channel::teams_channel(const teams_settings& cfg, store& db, const bot::bot& brain,
                             metrics_registry& metrics, std::function<void()> on_notifications)
    : cfg_(cfg),
      db_(db),
      brain_(brain),
      metrics_(metrics),
      on_notifications_(std::move(on_notifications)),
      http_(teams_http_settings(cfg)),
      tokens_(teams_token_settings(cfg), http_),
      connector_(teams_connector_settings(cfg), tokens_, http_, limiter_),
      auth_(teams_auth_settings(cfg), http_) {}

teams_channel::~teams_channel() = default;

teams::auth_result teams_channel::authenticate(std::string_view authorization,
                                               std::string_view service_url,
                                               std::string_view channel_id) {
    return auth_.authenticate(authorization, service_url, channel_id);
}

void teams_channel::count(const teams::inbound_activity& a) {
    metrics_.increment(metric_names::events_handled, {{"kind", std::string{kind_name(a.kind)}}});
}

std::optional<std::string> teams_channel::identify(const teams::inbound_activity& a) {
    teams_store ts{db_};
    teams::identity_lookups lookups;
    lookups.linked_email = [&](const std::string& aad) { return ts.linked_email(aad); };
    lookups.is_active_person = [&](const std::string& email) {
        bool active = false;
        db_.with_read([&](const bot::directory& dir, const bot::repository&) {
            const auto p = dir.find_person(email);
            active = p && p->active;
        });
        return active;
    };
    lookups.fetch_member = [&]() -> std::optional<teams::member_info> {
        teams::member_info m;
        const auto r = connector_.get_member(a.reference.service_url, a.reference.conversation_id,
                                             a.from.id, m);
        if (!r.ok()) {
            return std::nullopt;
        }
        return m;
    };
    const auto who = teams::resolve_identity(a.tenant_id, a.from.aad_object_id, cfg_.tenant_id,
                                             cfg_.allowed_tenants, lookups);
    using verdict = teams::identity_result::verdict;
    switch (who.result) {
        case verdict::known:
            return who.email;
        case verdict::link_now:
            ts.link(a.from.aad_object_id, who.email, a.from.id, a.tenant_id, now_seconds());
            return who.email;
        case verdict::lookup_failed:
            log::warn("teams: the member could not be looked up; activity not handled");
            return std::nullopt;
        case verdict::other_tenant:
        case verdict::unknown_person:
            log::info(std::string("teams: refused a ") + (who.result == verdict::other_tenant
                                                              ? "person of another tenant"
                                                              : "person not in the organisation"));
            connector_.send_message(a.reference.service_url, a.reference.conversation_id,
                                    text_message(teams::refusal_text()), {});
            return std::nullopt;
    }
    return std::nullopt;
}

handle_result teams_channel::decide(const teams::inbound_activity& a, const std::string& email) {
    teams_store{db_}.upsert_reference(a.reference, email, now_seconds());
    bot::inbound_event ev;
    ev.sender_email = email;
    ev.via = bot::channel::teams;
    ev.conversation = a.reference.conversation_id;
    ev.dedupe_key = event_dedupe_key(a);
    ev.text = a.text;
    ev.action_verb = a.verb;
    ev.action_data = a.data;
    const auto now = now_seconds();
    if (text_answer_ && !ev.is_action()) {
        if (auto answer = text_answer_(ev, now)) {
            handle_result answered;
            answered.decision.replies.push_back(std::move(*answer));
            return answered;
        }
    }
    auto result = db_.handle(ev, now, [&](const bot::directory& d, const bot::repository& r) {
        return brain_.decide(ev, d, r, now);
    });
    if (!result.duplicate && !result.decision.notifications.empty() && on_notifications_) {
        on_notifications_();
    }
    return result;
}

void teams_channel::hand_to_outbox(const std::string& email, const bot::message& m,
                                   const std::string& dedupe_key) {
    bot::decision d;
    d.notifications.push_back({email, m, true, dedupe_key, bot::channel::teams});
    db_.apply(d, email, bot::channel::teams, now_seconds());
    if (on_notifications_) {
        on_notifications_();
    }
}

void teams_channel::send_replies(const teams::conversation_reference& ref, const std::string& email,
                                 const std::vector<bot::message>& replies,
                                 const std::string& dedupe_key, std::size_t first_index) {
    teams_store ts{db_};
    for (std::size_t i = 0; i < replies.size(); ++i) {
        const auto& m = replies[i];
        const auto r = connector_.send_message(ref.service_url, ref.conversation_id, m, {});
        if (!r.ok()) {
            // The decision is committed: the answer must not be lost with the connector down.
            log::warn("teams: a reply could not be sent now, left to the outbox: " + r.error);
            hand_to_outbox(email, m, dedupe_key + ":reply:" + std::to_string(first_index + i));
            continue;
        }
        if (!m.subject_key.empty()) {
            ts.record_sent_card(
                {email, m.subject_key, ref.conversation_id, r.id, ref.service_url, m},
                now_seconds());
        }
    }
}

void teams_channel::handle(const teams::inbound_activity& a) {
    try {
        count(a);
        switch (a.kind) {
            case teams::activity_kind::installed: {
                const auto email =
                    a.reference.is_group ? std::optional<std::string>{""} : identify(a);
                teams_store{db_}.upsert_reference(a.reference, email.value_or(""), now_seconds());
                if (email) {
                    connector_.send_message(a.reference.service_url, a.reference.conversation_id,
                                            teams::welcome_message(), {});
                }
                return;
            }
            case teams::activity_kind::uninstalled:
                teams_store{db_}.mark_dead(a.reference.conversation_id);
                return;
            case teams::activity_kind::message:
            case teams::activity_kind::card_submit: {
                const auto email = identify(a);
                if (!email) {
                    return;
                }
                const auto result = decide(a, *email);
                if (!result.duplicate) {
                    send_replies(a.reference, *email, result.decision.replies, event_dedupe_key(a),
                                 0);
                }
                return;
            }
            default:
                return;
        }
    } catch (const std::exception& e) {
        log::error(std::string("teams: an activity could not be handled: ") + e.what());
    }
}

std::string teams_channel::invoke(const teams::inbound_activity& a) {
    count(a);
    const auto email = identify(a);
    if (!email) {
        return teams::invoke_message_response(teams::refusal_text());
    }
    if (a.kind == teams::activity_kind::card_refresh) {
        // The client asks for the card this person should see: the last one sent to them.
        const auto subject = a.data.find(std::string(teams::card_protocol::subject_key));
        if (subject != a.data.end()) {
            if (auto sent = teams_store{db_}.sent_card(*email, subject->second)) {
                return teams::invoke_card_response(sent->body);
            }
        }
        return teams::invoke_message_response("");
    }
    const auto result = decide(a, *email);
    if (result.duplicate || result.decision.replies.empty()) {
        return teams::invoke_message_response("OK");
    }
    const bot::message& card = result.decision.replies.front();
    if (!card.subject_key.empty()) {
        teams_store ts{db_};
        for (const auto& copy : ts.sent_cards_for_subject(card.subject_key)) {
            if (copy.recipient_email == *email &&
                copy.conversation_id == a.reference.conversation_id) {
                auto mine = copy;  // the invoke response replaces this one on the client
                mine.body = card;
                ts.record_sent_card(mine, now_seconds());
                continue;
            }
            const auto r = connector_.update_message(copy.service_url, copy.conversation_id,
                                                     copy.activity_id, card, {});
            if (r.ok()) {
                auto updated = copy;
                updated.body = card;
                ts.record_sent_card(updated, now_seconds());
            } else {
                // The sender updates that person's copy in place when the connector is back.
                log::warn("teams: a card copy could not be updated now, left to the outbox: " +
                          r.error);
                hand_to_outbox(copy.recipient_email, card,
                               event_dedupe_key(a) + ":copy:" + copy.recipient_email);
            }
        }
    }
    send_replies(a.reference, *email,
                 {result.decision.replies.begin() + 1, result.decision.replies.end()},
                 event_dedupe_key(a), 1);
    return teams::invoke_card_response(card);
}

teams_endpoint_hooks teams_hooks(teams_channel& channel,
                                 boost::asio::thread_pool::executor_type store_executor) {
    teams_endpoint_hooks h;
    h.authenticate = [&channel](std::string_view authorization, std::string_view service_url,
                                std::string_view channel_id) {
        return channel.authenticate(authorization, service_url, channel_id);
    };
    h.enqueue = [&channel, store_executor](teams::inbound_activity a) {
        boost::asio::post(store_executor, [&channel, act = std::move(a)] { channel.handle(act); });
    };
    h.invoke = [&channel](const teams::inbound_activity& a) { return channel.invoke(a); };
    return h;
}

}  // namespace kv::daemon
