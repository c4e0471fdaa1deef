#include "adapters/email/links/action_link.hpp"

#include <charconv>

#include "adapters/email/links/signing.hpp"

namespace kv::email {
namespace {

constexpr std::string_view version = "v1";

// Every field on its own line, the data sorted by key (std::map), so no two different grants
// give the same text: a newline cannot occur in a verb, a case id, an email or a nonce, and
// data values have theirs escaped.
std::string signed_text(const link_grant& g) {
    std::string text;
    text += version;
    text += '\n' + g.nonce + '\n' + std::to_string(g.expires.time_since_epoch().count());
    text += '\n' + g.verb + '\n' + g.target + '\n' + g.person_email;
    for (const auto& [k, v] : g.data) {
        text += '\n';
        for (const char c : k + "=" + v) {
            if (c == '\\' || c == '\n') {
                text += '\\';
                text += c == '\n' ? 'n' : '\\';
            } else {
                text += c;
            }
        }
    }
    return text;
}

bool is_token_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
}

}  // namespace

std::string new_link_nonce() {
    return base32_lower(random_bytes(16));
}

std::string derive_link_nonce(std::string_view key, std::string_view seed) {
    return base32_lower(hmac_sha256(key, "link-nonce\n" + std::string(seed)).substr(0, 16));
}

std::string link_token(const link_grant& grant, std::string_view key) {
    return std::string(version) + "." + grant.nonce + "." +
           std::to_string(grant.expires.time_since_epoch().count()) + "." +
           base64url(hmac_sha256(key, signed_text(grant)));
}

std::optional<link_token_parts> parse_link_token(std::string_view token) {
    if (token.size() > 200 || token.substr(0, 3) != "v1.") {
        return std::nullopt;
    }
    token.remove_prefix(3);
    const auto dot1 = token.find('.');
    if (dot1 == std::string_view::npos) {
        return std::nullopt;
    }
    const auto dot2 = token.find('.', dot1 + 1);
    if (dot2 == std::string_view::npos) {
        return std::nullopt;
    }
    link_token_parts parts;
    parts.nonce = std::string(token.substr(0, dot1));
    const auto expires = token.substr(dot1 + 1, dot2 - dot1 - 1);
    parts.mac = std::string(token.substr(dot2 + 1));
    if (parts.nonce.empty() || parts.nonce.size() > 64 || parts.mac.size() != 43) {
        return std::nullopt;
    }
    for (const char c : parts.nonce) {
        if (!((c >= 'a' && c <= 'z') || (c >= '2' && c <= '7'))) {
            return std::nullopt;
        }
    }
    for (const char c : parts.mac) {
        if (!is_token_char(c)) {
            return std::nullopt;
        }
    }
    std::int64_t seconds = 0;
    const auto [end, ec] =
        std::from_chars(expires.data(), expires.data() + expires.size(), seconds);
    if (ec != std::errc{} || end != expires.data() + expires.size() || expires.empty() ||
        seconds <= 0) {
        return std::nullopt;
    }
    parts.expires = std::chrono::sys_seconds{std::chrono::seconds{seconds}};
    return parts;
}

link_verdict check_link(const link_token_parts& token, const link_grant& stored,
                        std::string_view key, std::chrono::sys_seconds now) {
    link_grant claimed = stored;
    claimed.nonce = token.nonce;
    claimed.expires = token.expires;
    const auto expected = base64url(hmac_sha256(key, signed_text(claimed)));
    if (!constant_time_equal(expected, token.mac) || token.expires != stored.expires ||
        token.nonce != stored.nonce) {
        return link_verdict::tampered;
    }
    if (now >= token.expires) {
        return link_verdict::expired;
    }
    return link_verdict::valid;
}

std::string confirmation_value(std::string_view key, std::string_view nonce) {
    return base64url(hmac_sha256(key, "confirm\n" + std::string(nonce)));
}

}  // namespace kv::email
