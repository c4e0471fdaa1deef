#pragma once
// A compact JWS (JWT) split into its parts and decoded, but NOT verified: the claims are what the
// sender says until rsa_public_key::verify has checked the signature over signing_input.

#include <optional>
#include <string>
#include <string_view>

namespace kv::teams {

// A claim the token may carry as a string; value is nullopt when absent or not a JSON string
// (an `aud` array, for instance), which never equals an expected value.
struct jwt_string_claim {
    bool present = false;
    std::optional<std::string> value;
};

// A NumericDate claim; value is nullopt when absent or not a JSON number (fractions allowed).
struct jwt_time_claim {
    bool present = false;
    std::optional<double> value;
};

struct jwt_claims {
    jwt_string_claim iss;
    jwt_string_claim aud;
    jwt_string_claim serviceurl;  // Bot Connector's claim name, all lower case
    jwt_string_claim appid;       // emulator tokens, ver 1.0
    jwt_string_claim azp;         // emulator tokens, ver 2.0
    jwt_string_claim ver;
    jwt_time_claim exp;
    jwt_time_claim nbf;
};

struct jwt {
    std::string signing_input;  // "<header>.<payload>" exactly as received
    std::string signature;      // the decoded signature bytes
    std::string alg;            // header "alg"; empty when missing or not a string
    std::optional<std::string> kid;
    jwt_claims claims;
};

// Splits `compact` into exactly three base64url segments whose first two decode to JSON
// objects. Returns nullopt for anything else (R3). Never throws for bad input.
std::optional<jwt> parse_jwt(std::string_view compact);

}  // namespace kv::teams
