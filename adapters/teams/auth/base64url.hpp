#pragma once
// base64url without padding (RFC 4648 section 5, as JWS uses it, RFC 7515 section 2).

#include <optional>
#include <string>
#include <string_view>

namespace kv::teams {

// Encodes bytes as base64url without '=' padding.
std::string base64url_encode(std::string_view bytes);

// Decodes strict base64url: only A-Z a-z 0-9 - _, no padding, no whitespace, a length that is
// not 1 mod 4, and zero bits in the unused low bits of the last character. Anything else is
// nullopt, so one token has exactly one spelling.
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace kv::teams
