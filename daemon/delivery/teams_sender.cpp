#include "daemon/delivery/teams_sender.hpp"

#include "daemon/log.hpp"
#include "daemon/store/teams_store.hpp"
#include "daemon/teams/teams_parts.hpp"

namespace kv::daemon {
namespace {

using status = delivery_outcome::status;
using connector_status = teams::connector_result::status;

std::chrono::sys_seconds now_s() {
    return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

delivery_outcome outcome_of(const teams::connector_result& r) {
    delivery_outcome o;
    o.error = r.error.empty() ? "teams: HTTP " + std::to_string(r.http_status) : r.error;
    switch (r.result) {
        case connector_status::ok:
            o.result = status::delivered;
            o.error.clear();
            break;
        case connector_status::retry_later:
            o.result = status::retry_later;
            o.retry_after = r.retry_after;
            break;
        case connector_status::reference_dead:
            o.result = status::use_fallback;
            break;
        default:
            o.result = status::failed_permanently;
            break;
    }
    return o;
}

}  // namespace

teams_sender::teams_sender(const teams_settings& cfg, store_options db, card_links_fn card_links)
    : db_options_(std::move(db)),
      card_links_(std::move(card_links)),
      http_(teams_http_settings(cfg)),
      tokens_(teams_token_settings(cfg), http_),
      connector_(teams_connector_settings(cfg), tokens_, http_, limiter_) {}

teams_sender::~teams_sender() = default;

delivery_outcome teams_sender::deliver(const outbox_item& item) {
    try {
        return deliver_or_throw(item);
    } catch (const std::exception& e) {
        delivery_outcome o;
        o.result = status::retry_later;
        o.error = std::string("teams: ") + e.what();
        return o;
    }
}

delivery_outcome teams_sender::deliver_or_throw(const outbox_item& item) {
    if (!db_) {
        db_ = std::make_unique<store>(db_options_);
    }
    teams_store ts{*db_};
    const std::string& email = item.recipient_email;
    const std::string& subject = item.body.subject_key;

    auto ref = ts.personal_reference(email);
    std::vector<teams::card_options::link> links;
    if (card_links_) {
        links = card_links_(db_->db(), item.body, email);
    }
    // Buttons on a card sent to a person are theirs: their client refreshes it (4.3).
    auto card_for = [&](const teams::conversation_reference& to) {
        teams::card_options o;
        o.links = links;
        if (!item.body.actions.empty() && !to.user.id.empty()) {
            o.actor_user_ids.push_back(to.user.id);
        }
        return o;
    };

    // An answer goes, as a new message, to the conversation the person wrote in.
    if (!item.conversation.empty()) {
        if (auto here = ts.reference(item.conversation)) {
            return send_new(ts, *here, item, card_for(*here));
        }
    }

    // A card sent before for the same subject is updated where it is (4.4).
    if (!subject.empty()) {
        if (auto sent = ts.sent_card(email, subject)) {
            const auto r = connector_.update_message(
                sent->service_url, sent->conversation_id, sent->activity_id, item.body,
                ref ? card_for(*ref) : teams::card_options{{}, links});
            if (r.ok()) {
                sent->body = item.body;
                ts.record_sent_card(*sent, now_s());
                return {};
            }
            if (r.result != connector_status::not_found) {
                return outcome_of(r);
            }
        }
    }

    if (!ref) {
        const auto met = ts.any_reference(email);
        if (!met) {
            return {status::use_fallback, std::nullopt, "teams: no Teams identity for the person"};
        }
        // Met in a team or group chat: create the 1:1 conversation (3.5).
        const auto created =
            connector_.create_personal_conversation(met->service_url, met->tenant_id, met->user.id);
        if (!created.ok()) {
            return outcome_of(created);
        }
        ref = *met;
        ref->conversation_id = created.id;
        ref->conversation_type = "personal";
        ref->is_group = false;
        ref->team_id.clear();
        ref->team_channel_id.clear();
        ts.upsert_reference(*ref, email, now_s());
    }

    return send_new(ts, *ref, item, card_for(*ref));
}

delivery_outcome teams_sender::send_new(teams_store& ts, const teams::conversation_reference& to,
                                        const outbox_item& item, const teams::card_options& card) {
    const auto r = connector_.send_message(to.service_url, to.conversation_id, item.body, card);
    if (r.result == connector_status::reference_dead) {
        ts.mark_dead(to.conversation_id);
    }
    if (r.ok() && !item.body.subject_key.empty()) {
        ts.record_sent_card({item.recipient_email, item.body.subject_key, to.conversation_id, r.id,
                             to.service_url, item.body},
                            now_s());
    }
    return outcome_of(r);
}

}  // namespace kv::daemon
