#pragma once
// Everything one decision needs, passed to the dialog's parts: the event, the sender, the
// views, the time, and the decision being built.

#include <string>
#include <string_view>

#include "bot/decision.hpp"
#include "bot/events.hpp"
#include "bot/ports.hpp"
#include "bot/schedule/wheel.hpp"
#include "bot/settings.hpp"

namespace kv::bot {

struct context {
    const inbound_event& ev;
    const person& me;
    const directory& dir;
    const repository& repo;
    const bot_settings& cfg;
    time_point now;
    conversation_state conv;
    decision out;
    const wheel_calendar* wheel = nullptr;  // the annual wheel, when one is configured

    bool nb() const { return me.lang == language::nb; }
    // Picks the text in the person's language.
    std::string_view t(std::string_view nb_text, std::string_view en_text) const {
        return nb() ? nb_text : en_text;
    }
    void reply(message m) { out.replies.push_back(std::move(m)); }
    void say(std::string_view text) {
        message m;
        m.text = std::string(text);
        out.replies.push_back(std::move(m));
    }
    void set_conversation(conversation_state s) {
        conv = s;
        out.conversation = std::move(s);
    }
    void end_conversation() { set_conversation({}); }
    void audit(std::string action, std::string target, std::string outcome,
               std::string detail = {}) {
        out.audit.push_back({me.email, ev.via, std::move(action), std::move(target),
                             std::move(outcome), std::move(detail)});
    }
    void notify(const std::string& recipient, message body, std::string dedupe_key,
                bool urgent = false) {
        if (recipient.empty() || recipient == me.email) {
            return;  // the sender sees the reply; nobody gets their own notification
        }
        out.notifications.push_back({recipient, std::move(body), urgent, std::move(dedupe_key)});
    }
    void record(const deviation_case& c, std::string kind, std::string detail = {}) {
        out.events.push_back(
            {c.human_id, now, me.email, ev.via, std::move(kind), std::move(detail)});
    }
};

// Person-facing language of a recipient (for notifications to others).
inline language language_of(const directory& dir, const std::string& email) {
    const auto p = dir.find_person(email);
    return p ? p->lang : language::nb;
}

}  // namespace kv::bot
