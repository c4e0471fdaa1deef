#include "daemon/teams/teams_channel.hpp"

#include <cstddef>
#include <future>

#include <boost/asio/post.hpp>

#include "adapters/teams/card.hpp"
#include "adapters/teams/card_protocol.hpp"
#include "adapters/teams/identity.hpp"
#include "bot/dialog/filing_form.hpp"
#include "daemon/app/app.hpp"
#include "daemon/log.hpp"
#include "daemon/store/teams_store.hpp"
#include "daemon/teams/teams_parts.hpp"
#include "daemon/teams/waiting_room.hpp"

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

std::string describe(const std::exception_ptr& error) {
    try {
        std::rethrow_exception(error);
    } catch (const std::exception& e) {
        return e.what();
    } catch (...) {
        return "unknown error";
    }
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
                             metrics_registry& metrics, std::function<void()> on_notifications,
                             group_commit::post_fn post_to_store_thread,
                             group_commit::post_fn post_to_connector_thread)
    : cfg_(cfg),
      db_(db),
      post_to_store_thread_(post_to_store_thread),
      post_to_connector_thread_(std::move(post_to_connector_thread)),
      commits_(db, std::move(post_to_store_thread), [] { return now_seconds(); }),
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

std::optional<teams::member_info> teams_channel::fetch_member(const teams::inbound_activity& a) {
    teams::member_info m;
    const auto r =
        connector_.get_member(a.reference.service_url, a.reference.conversation_id, a.from.id, m);
    if (!r.ok()) {
        return std::nullopt;
    }
    return m;
}

void teams_channel::on_connector_thread(std::function<void()> f) {
    if (post_to_connector_thread_) {
        post_to_connector_thread_(std::move(f));
    } else {
        f();
    }
}

void teams_channel::on_store_thread(std::function<void()> f) {
    if (post_to_connector_thread_ && post_to_store_thread_) {
        post_to_store_thread_(std::move(f));
    } else {
        f();  // without a connector thread, connector calls are made on the store thread
    }
}

std::optional<std::string> teams_channel::identify(const teams::inbound_activity& a,
                                                   const fetched_member* fetched, bool may_defer,
                                                   bool* handed_off) {
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
    bool deferred = false;
    lookups.fetch_member = [&]() -> std::optional<teams::member_info> {
        if (fetched != nullptr) {
            return fetched->member;
        }
        if (may_defer && post_to_connector_thread_ && post_to_store_thread_) {
            deferred = true;
            return std::nullopt;
        }
        return fetch_member(a);
    };
    const auto who = teams::resolve_identity(a.tenant_id, a.from.aad_object_id, cfg_.tenant_id,
                                             cfg_.allowed_tenants, lookups);
    if (deferred) {
        post_to_connector_thread_([this, a] {
            auto looked_up = std::make_shared<fetched_member>(fetched_member{fetch_member(a)});
            post_to_store_thread_([this, a, looked_up] { handle_activity(a, looked_up.get()); });
        });
        if (handed_off != nullptr) {
            *handed_off = true;
        }
        return std::nullopt;
    }
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
            on_connector_thread([this, service = a.reference.service_url,
                                 conversation = a.reference.conversation_id] {
                connector_.send_message(service, conversation, text_message(teams::refusal_text()),
                                        {});
            });
            return std::nullopt;
    }
    return std::nullopt;
}

bot::inbound_event teams_channel::event_of(const teams::inbound_activity& a,
                                           const std::string& email) {
    bot::inbound_event ev;
    ev.sender_email = email;
    ev.via = bot::channel::teams;
    ev.conversation = a.reference.conversation_id;
    ev.dedupe_key = event_dedupe_key(a);
    ev.text = a.text;
    ev.action_verb = a.verb;
    ev.action_data = a.data;
    return ev;
}

store::decide_fn teams_channel::decider(const teams::inbound_activity& a, const std::string& email,
                                        const bot::inbound_event& ev) {
    // The conversation reference is kept in the same transaction as the decision.
    return [this, ref = a.reference, email, ev, form = spent_form_key(a)](
               const bot::directory& d, const bot::repository& r) {
        const auto now = now_seconds();
        teams_store{db_}.upsert_reference(ref, email, now);
        // A form still shown after it filed a case (its replacement by the receipt failed, or
        // a second tap raced it) files nothing more.
        if (!form.empty() && db_.has_seen(form)) {
            const auto me = d.find_person(email);
            const bool nb = !me || me->lang == bot::language::nb;
            bot::decision already;
            already.replies.push_back(text_message(
                nb ? "Dette skjemaet er allerede sendt inn. Skriv «mine saker» for å se saken."
                   : "This form has already been submitted. Write «my cases» to see the case."));
            return already;
        }
        auto decision = brain_.decide(ev, d, r, now);
        if (!form.empty() && decision.case_write && decision.case_write->id == 0) {
            db_.record_seen(form, now);
        }
        return decision;
    };
}

std::string teams_channel::spent_form_key(const teams::inbound_activity& a) {
    if (a.verb != bot::form_submit_verb || a.reply_to_id.empty()) {
        return {};
    }
    return "teams-form:" + a.reference.conversation_id + ":" + a.reply_to_id;
}

void teams_channel::committed(const handle_result& result) {
    if (!result.duplicate && !result.decision.notifications.empty() && on_notifications_) {
        on_notifications_();
    }
}

handle_result teams_channel::decide(const teams::inbound_activity& a, const std::string& email) {
    const auto ev = event_of(a, email);
    // The first answer is the invoke response; the others wait in the outbox.
    auto result =
        db_.handle(ev, now_seconds(), answers_to_outbox(decider(a, email, ev), a, email, true));
    committed(result);
    return result;
}

void teams_channel::answer_in_conversation(const teams::inbound_activity& a,
                                           const bot::inbound_event& ev, const std::string& email,
                                           bot::message answer) {
    const auto result = db_.handle(
        ev, now_seconds(),
        [this, &a, &email, key = ev.dedupe_key, answer = std::move(answer)](
            const bot::directory&, const bot::repository&) {
            teams_store{db_}.upsert_reference(a.reference, email, now_seconds());
            bot::decision d;
            d.notifications.push_back({email, answer, true, key + ":reply:0", bot::channel::teams,
                                       a.reference.conversation_id});
            return d;
        });
    committed(result);
}

void teams_channel::hand_to_outbox(const std::string& email, const bot::message& m,
                                   const std::string& dedupe_key, const std::string& conversation) {
    bot::decision d;
    d.notifications.push_back({email, m, true, dedupe_key, bot::channel::teams, conversation});
    db_.apply(d, email, bot::channel::teams, now_seconds());
    if (on_notifications_) {
        on_notifications_();
    }
}

bool teams_channel::submitted_form(const teams::inbound_activity& a) {
    return a.kind == teams::activity_kind::card_submit && a.verb == bot::form_submit_verb &&
           !a.reply_to_id.empty();
}

store::decide_fn teams_channel::answers_to_outbox(store::decide_fn decide,
                                                  const teams::inbound_activity& a,
                                                  const std::string& email, bool keep_first) {
    return
        [decide = std::move(decide), email, keep_first, conversation = a.reference.conversation_id,
         key = event_dedupe_key(a)](const bot::directory& d, const bot::repository& r) {
            auto decision = decide(d, r);
            const std::size_t kept = keep_first && !decision.replies.empty() ? 1 : 0;
            for (std::size_t i = kept; i < decision.replies.size(); ++i) {
                decision.notifications.push_back({email, decision.replies[i], true,
                                                  key + ":reply:" + std::to_string(i),
                                                  bot::channel::teams, conversation});
            }
            decision.replies.resize(kept);
            return decision;
        };
}

void teams_channel::replace_submitted_form(const teams::inbound_activity& a,
                                           const std::string& email,
                                           const std::vector<bot::message>& replies) {
    if (replies.empty()) {
        return;
    }
    // An Action.Submit cannot answer with a card (reference 4.2): the receipt, or the form with
    // its errors, is PUT in the form's place, so the same form cannot be sent twice.
    on_connector_thread([this, a, email, first = replies.front()] {
        const auto r = connector_.update_message(
            a.reference.service_url, a.reference.conversation_id, a.reply_to_id, first, {});
        on_store_thread([this, a, email, first, replaced = r.ok(), error = r.error] {
            if (!replaced) {
                log::warn(
                    "teams: a submitted form could not be replaced now; the answer is sent: " +
                    error);
                hand_to_outbox(email, first, event_dedupe_key(a) + ":reply:0",
                               a.reference.conversation_id);
                return;
            }
            if (!first.subject_key.empty()) {
                teams_store{db_}.record_sent_card(
                    {email, first.subject_key, a.reference.conversation_id, a.reply_to_id,
                     a.reference.service_url, first},
                    now_seconds());
            }
        });
    });
}

void teams_channel::handle(const teams::inbound_activity& a) {
    count(a);
    handle_activity(a, nullptr);
}

void teams_channel::handle_activity(const teams::inbound_activity& a,
                                    const fetched_member* fetched) {
    try {
        switch (a.kind) {
            case teams::activity_kind::installed: {
                bool handed_off = false;
                const auto email = a.reference.is_group ? std::optional<std::string>{""}
                                                        : identify(a, fetched, true, &handed_off);
                if (handed_off) {
                    return;  // back here with the member once it is looked up
                }
                teams_store{db_}.upsert_reference(a.reference, email.value_or(""), now_seconds());
                if (email) {
                    on_connector_thread([this, service = a.reference.service_url,
                                         conversation = a.reference.conversation_id] {
                        connector_.send_message(service, conversation, teams::welcome_message(),
                                                {});
                    });
                }
                return;
            }
            case teams::activity_kind::uninstalled:
                teams_store{db_}.mark_dead(a.reference.conversation_id);
                return;
            case teams::activity_kind::message:
            case teams::activity_kind::card_submit: {
                const auto email = identify(a, fetched, true);
                if (!email) {
                    return;
                }
                // Committed with whatever else arrived meanwhile. The answers wait in the
                // outbox, committed with the decision, for the delivery worker to send; only a
                // submitted form is replaced here, once the commit stands.
                auto ev = event_of(a, *email);
                // A redelivery must not run the daemon's own command again (`kalender ny` would
                // make a second new link and break the first one it answered with).
                if (text_answer_ && !ev.is_action() && !db_.has_seen(ev.dedupe_key)) {
                    if (auto answer = text_answer_(ev, now_seconds())) {
                        answer_in_conversation(a, ev, *email, std::move(*answer));
                        return;
                    }
                }
                const bool form = submitted_form(a);
                auto decide_it = answers_to_outbox(decider(a, *email, ev), a, *email, form);
                commits_.submit(
                    std::move(ev), std::move(decide_it),
                    [this, a, who = *email, form](handle_result result, std::exception_ptr error) {
                        if (error) {
                            log::error("teams: an activity could not be handled: " +
                                       describe(error));
                            return;
                        }
                        committed(result);
                        if (form && !result.duplicate) {
                            replace_submitted_form(a, who, result.decision.replies);
                        }
                    });
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
        bool mine_recorded = false;
        std::vector<teams_sent_card> others;
        for (auto& copy : ts.sent_cards_for_subject(card.subject_key)) {
            if (copy.recipient_email == *email &&
                copy.conversation_id == a.reference.conversation_id) {
                auto mine = copy;  // the invoke response replaces this one on the client
                mine.body = card;
                ts.record_sent_card(mine, now_seconds());
                mine_recorded = true;
                continue;
            }
            others.push_back(std::move(copy));
        }
        update_copies(std::move(others), card, event_dedupe_key(a));
        if (!mine_recorded && !a.reply_to_id.empty()) {
            // A card about a new subject (a form's receipt) takes the place of the pressed card,
            // so later changes of that subject update it in place.
            ts.record_sent_card({*email, card.subject_key, a.reference.conversation_id,
                                 a.reply_to_id, a.reference.service_url, card},
                                now_seconds());
        }
    }
    return teams::invoke_card_response(card);
}

void teams_channel::update_copies(std::vector<teams_sent_card> copies, const bot::message& card,
                                  const std::string& dedupe_key) {
    if (copies.empty()) {
        return;
    }
    on_connector_thread([this, copies = std::move(copies), card, dedupe_key] {
        for (const auto& copy : copies) {
            const auto r = connector_.update_message(copy.service_url, copy.conversation_id,
                                                     copy.activity_id, card, {});
            on_store_thread([this, copy, card, dedupe_key, updated = r.ok(), error = r.error] {
                if (updated) {
                    auto now_shown = copy;
                    now_shown.body = card;
                    teams_store{db_}.record_sent_card(now_shown, now_seconds());
                    return;
                }
                // The sender updates that person's copy in place when the connector is back.
                log::warn("teams: a card copy could not be updated now, left to the outbox: " +
                          error);
                hand_to_outbox(copy.recipient_email, card,
                               dedupe_key + ":copy:" + copy.recipient_email);
            });
        }
    });
}

teams_endpoint_hooks teams_hooks(teams_channel& channel,
                                 boost::asio::thread_pool::executor_type store_executor) {
    teams_endpoint_hooks h;
    h.authenticate = [&channel](std::string_view authorization, std::string_view service_url,
                                std::string_view channel_id) {
        return channel.authenticate(authorization, service_url, channel_id);
    };
    // Request threads check activities faster than one store thread commits them under
    // overload; past this many waiting, a request waits for room before it is answered, so
    // memory stays bounded and the sender slows down instead.
    auto room = std::make_shared<waiting_room>(activities_waiting_for_the_store);
    h.enqueue = [&channel, store_executor, room](teams::inbound_activity a) {
        room->enter();
        boost::asio::post(store_executor, [&channel, room, act = std::move(a)] {
            struct leave_room {
                waiting_room& room;
                ~leave_room() { room.leave(); }
            } leave{*room};
            channel.handle(act);
        });
    };
    // The request thread waits for the store thread: the invoke response is the card after the
    // commit. The server answers every request in flight before the store thread is joined.
    h.invoke = [&channel, store_executor](const teams::inbound_activity& a) {
        if (store_executor.running_in_this_thread()) {
            return channel.invoke(a);
        }
        std::packaged_task<std::string()> task([&channel, &a] { return channel.invoke(a); });
        auto answer = task.get_future();
        boost::asio::post(store_executor, [&task] { task(); });
        return answer.get();
    };
    return h;
}

}  // namespace kv::daemon
