#pragma once
// What the bot decided for one inbound event. Deciding has no side effects: the daemon applies
// a decision in one transaction (state, audit, outbox), and only then answers the sender.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "bot/domain/approval.hpp"
#include "bot/domain/model.hpp"
#include "bot/domain/procedure.hpp"
#include "bot/message/message.hpp"

namespace kv::bot {

// A message delivered through the outbox: to someone other than the sender, or an answer to the
// sender that the channel could not give at once.
struct notification {
    std::string recipient_email;
    message body;
    bool urgent = false;     // serious events: delivered at once, whatever the hour
    std::string dedupe_key;  // the same key is delivered once per recipient
    // Deliver on this channel rather than the recipient's preferred one, e.g. an answer that
    // belongs in the chat the person wrote in.
    std::optional<channel> via = std::nullopt;
    // An answer to what the person wrote: sent as a new message in this conversation of `via`
    // instead of their default chat, and never over an earlier card of the same subject.
    std::string in_conversation{};
};

struct audit_record {
    std::string actor_email;
    channel via = channel::console;
    std::string action;   // "case.receive", "case.close", "denied:case.close", ...
    std::string target;   // e.g. a case id
    std::string outcome;  // "ok", "denied", "invalid"
    std::string detail;   // never free text from a person
};

// The dialog state kept between two messages of one person on one channel.
struct conversation_state {
    std::string flow;  // empty: idle; "file": filing a deviation; "input": collecting inputs
    std::map<std::string, std::string> fields;
    bool empty() const { return flow.empty(); }
};

struct person_preferences {
    std::string email;
    std::optional<language> lang;
};

struct decision {
    std::vector<message> replies;  // to the sender, after the commit
    std::vector<notification> notifications;
    std::vector<audit_record> audit;
    std::vector<case_event> events;
    std::optional<deviation_case> case_write;        // inserted when id == 0, else replaced
    std::optional<conversation_state> conversation;  // set (empty() clears it)
    std::optional<person_preferences> preferences;
    std::optional<bool> daily_digest;  // the sender chose (true) or left (false) the daily digest
    // The quality library: approvals inserted (id not yet stored) or replaced, procedures
    // changed with a line of history each, and reading-list changes.
    std::vector<approval> approval_writes;
    std::vector<procedure_change> procedure_changes;
    std::vector<reading_change> reading_changes;
    bool stores_nothing() const {
        return !case_write && events.empty() && !conversation && !preferences &&
               approval_writes.empty() && procedure_changes.empty() && reading_changes.empty() &&
               !daily_digest;
    }
};

}  // namespace kv::bot
