#pragma once
// An email the daemon sends, before it becomes MIME: who it is from and to, how it threads
// with earlier mail about the same case, the bot's message, and one signed link per action.

#include <chrono>
#include <string>
#include <vector>

#include "bot/message/message.hpp"

namespace kv::email {

// An address with an optional display name. The address must be ASCII (no SMTPUTF8); the
// name may be any UTF-8.
struct mailbox {
    std::string name;
    std::string address;
};

// A way to take one of the message's actions from the email: a reply keyword (empty when the
// action can only be taken by its link) and the signed link (empty when links are off).
struct action_way {
    std::string label;    // the action's label, e.g. "Motta"
    std::string keyword;  // e.g. "MOTTATT", "LUKK <konklusjon>"
    std::string url;
};

struct outgoing_mail {
    mailbox from;
    mailbox to;
    mailbox reply_to;        // the per-thread plus address, kvalitetsvakt+<token>@domain
    std::string message_id;  // "left@right", without angle brackets
    std::vector<std::string> references;  // earlier Message-IDs of the thread, oldest first
    std::chrono::sys_seconds date{};
    std::string kind = "notification";  // X-QM-Kind: notification, reminder, approval-request...
    bool answers_a_person = false;      // Auto-Submitted: auto-replied instead of auto-generated
    bot::message body;
    std::vector<action_way> ways;  // in the order of body.actions that the mail offers
    int link_valid_days = 14;
    // An iCalendar METHOD:REQUEST object (CRLF lines) sent with the mail as a meeting
    // invitation; empty: none.
    std::string calendar_invitation;
};

}  // namespace kv::email
