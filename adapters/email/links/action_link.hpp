#pragma once
// Signed action links (`<base>/a/<token>`): one button of an email, usable by one person for a
// limited time. The token carries no personal data: only a random nonce, the expiry and a MAC.
// The grant itself (action, case or approval, person) is kept by the daemon under the nonce,
// and the MAC covers all of it, so changing any byte of the token or of the stored grant makes
// the link refuse. Single use is the daemon's part: it records when a nonce was used.
// Pure functions; safe to call from any thread.

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace kv::email {

inline constexpr std::chrono::days default_link_lifetime{14};

// What one link allows. `target` names what it acts on: a case id ("AV-2026-0001") or
// "approval:17". `data` is the action's data as the bot gave it (it includes the target).
struct link_grant {
    std::string nonce;  // base32, from new_link_nonce() or derive_link_nonce()
    std::string verb;   // "case.receive", "approval.approve", ...
    std::string target;
    std::map<std::string, std::string> data;
    std::string person_email;
    std::chrono::sys_seconds expires{};
};

// 128 random bits as 26 base32 characters. Throws std::runtime_error if the CSPRNG fails.
std::string new_link_nonce();
// A nonce that is the same each time for the same key and seed (e.g. an outbox row and the
// action's position), so a resent email carries the same links.
std::string derive_link_nonce(std::string_view key, std::string_view seed);

// "v1.<nonce>.<expires unix seconds>.<base64url HMAC-SHA256>"; only [a-z0-9._-] characters.
std::string link_token(const link_grant& grant, std::string_view key);

struct link_token_parts {
    std::string nonce;
    std::chrono::sys_seconds expires{};
    std::string mac;  // base64url, as in the token
};

// Splits a token; nullopt when it does not have the shape link_token() produces.
std::optional<link_token_parts> parse_link_token(std::string_view token);

enum class link_verdict {
    valid,
    tampered,  // the MAC does not match the stored grant: token or grant was changed, or the key
    expired,
};

// Checks a parsed token against the grant stored under its nonce, at `now`. A link whose MAC
// does not match is `tampered` even when it has also expired.
link_verdict check_link(const link_token_parts& token, const link_grant& stored,
                        std::string_view key, std::chrono::sys_seconds now);

// The value the confirmation form posts back with the link, so a POST made without first
// loading the page (cross-site, or a scanner guessing the form) is refused.
std::string confirmation_value(std::string_view key, std::string_view nonce);

}  // namespace kv::email
