#pragma once
// Mail no person wrote just now: auto-replies (out of office, rules) and bounces (delivery
// status notifications). Such mail is never answered and never taken as a decision.

#include <string>
#include <vector>

#include "adapters/email/parse/parsed_message.hpp"

namespace kv::email {

enum class automatic_kind { none, auto_reply, bounce };

struct automatic_verdict {
    automatic_kind kind = automatic_kind::none;
    std::string reason;  // the header or rule that decided, e.g. "Auto-Submitted: auto-replied"
};

struct automatic_settings {
    std::vector<std::string> own_addresses;  // lower case; our own mail coming back is automatic
    // Subject starts (lower case) that mark out-of-office replies, besides the built-in ones
    // ("automatisk svar:", "autosvar", "fraværsmelding", "automatic reply:", "out of office").
    std::vector<std::string> extra_auto_reply_subjects;
};

// Bounces first (a DSN often also carries Auto-Submitted), then auto-replies. Never throws.
automatic_verdict classify_automatic(const parsed_message& m, const automatic_settings& s);

struct bounce_details {
    std::vector<std::string> failed_recipients;  // lower case, from Final-Recipient (Action:
                                                 // failed), or the addresses named in the text
    std::string original_message_id;  // the Message-ID of our returned message, if quoted
    std::string status;               // e.g. "5.1.1"
};

bounce_details read_bounce(const parsed_message& m);

}  // namespace kv::email
