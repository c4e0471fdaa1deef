#pragma once
// Keyed hashes and text encodings shared by the signed links, thread tokens and Message-IDs.
// Pure functions over OpenSSL; safe to call from any thread.

#include <cstddef>
#include <string>
#include <string_view>

namespace kv::email {

// HMAC-SHA256 of `data` under `key`: 32 raw bytes.
std::string hmac_sha256(std::string_view key, std::string_view data);

// Unpadded base64url (RFC 4648 section 5): letters, digits, '-' and '_' only.
std::string base64url(std::string_view bytes);

// Lower-case base32 (RFC 4648 alphabet, "a-z2-7"), unpadded. Survives mail systems that
// lower-case local parts, so it suits plus-address tokens.
std::string base32_lower(std::string_view bytes);

// `n` bytes from OpenSSL's CSPRNG. Throws std::runtime_error when it cannot deliver.
std::string random_bytes(std::size_t n);

// Equal in time that does not depend on where the inputs differ.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace kv::email
