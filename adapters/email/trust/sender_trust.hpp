#pragma once
// Whether the From address of an inbound message can be believed: only what the receiving
// server we trust wrote counts, never what the sender wrote about themselves.

#include <string>

#include "adapters/email/parse/parsed_message.hpp"

namespace kv::email {

struct trust_settings {
    // The authserv-id our own receiving boundary writes into Authentication-Results (e.g.
    // "mx.kommune.example"). Headers with any other id are ignored. Empty: none is trusted.
    std::string authserv_id;
    // Microsoft 365 stamps X-MS-Exchange-Organization-AuthAs: Internal on mail authenticated
    // inside the tenant and strips that header from mail arriving from outside. Off by default:
    // turn on only for a mailbox in that tenant read directly from Exchange Online.
    bool trust_m365_internal = false;
};

struct trust_verdict {
    bool verified = false;
    std::string reason;  // short English, for logs and the ingest line; names the rule
};

// Verified when the topmost Authentication-Results header from `settings.authserv_id` says
// dmarc=pass for the From domain, or (with no dmarc failure) dkim=pass for exactly the From domain;
// or, when enabled, by the Microsoft 365 internal stamp. Never throws.
trust_verdict verify_sender(const parsed_message& m, const trust_settings& settings);

}  // namespace kv::email
