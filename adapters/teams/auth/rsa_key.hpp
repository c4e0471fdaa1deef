#pragma once
// RSA public keys from JWKS entries and PKCS#1 v1.5 signature checks (JWS RS256/RS384/RS512).

#include <memory>
#include <optional>
#include <string_view>

struct evp_pkey_st;  // OpenSSL's EVP_PKEY, kept out of this header

namespace kv::teams {

// The only JWS algorithms a Bot Connector token may use (reference 2.1).
enum class jws_alg { rs256, rs384, rs512 };

// "RS256", "RS384" or "RS512" (case-sensitive); nullopt for every other name, including
// "none", "HS256", "PS256" and "ES256".
std::optional<jws_alg> parse_jws_alg(std::string_view name);

// An immutable RSA public key. Copies share the key; thread-safe for concurrent verify().
class rsa_public_key {
  public:
    // Builds the key from a JWK's base64url `n` (modulus) and `e` (exponent), as the SDK does
    // (x5c is ignored). nullopt when either is empty, not strict base64url, or not a usable RSA
    // key for OpenSSL.
    static std::optional<rsa_public_key> from_jwk(std::string_view n, std::string_view e);

    // True only when `signature` is a valid PKCS#1 v1.5 signature of `signed_bytes` under this
    // key with the hash of `alg`. Never throws.
    bool verify(jws_alg alg, std::string_view signed_bytes, std::string_view signature) const;

  private:
    explicit rsa_public_key(std::shared_ptr<evp_pkey_st> key) : key_(std::move(key)) {}
    std::shared_ptr<evp_pkey_st> key_;
};

}  // namespace kv::teams
