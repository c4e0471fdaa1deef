#include <catch2/catch.hpp>

#include <string>

#include "adapters/teams/auth/base64url.hpp"
#include "adapters/teams/auth/jwt.hpp"
#include "adapters/teams/auth/rsa_key.hpp"
#include "tests/adapters/teams/auth/test_tokens.hpp"

using namespace kv::teams;

TEST_CASE("base64url round-trips every length and byte", "[teams][auth]") {
    std::string bytes;
    for (int i = 0; i < 260; ++i) {
        bytes += static_cast<char>(i * 37 + 11);
        const auto text = base64url_encode(bytes);
        CHECK(text.find_first_of("+/=") == std::string::npos);
        REQUIRE(base64url_decode(text) == bytes);
    }
    CHECK(base64url_encode("\xfb\xff") == "-_8");
    CHECK(base64url_decode("") == std::string{});
}

TEST_CASE("base64url refuses padding, other alphabets and non-canonical spellings",
          "[teams][auth]") {
    CHECK_FALSE(base64url_decode("QQ=="));
    CHECK_FALSE(base64url_decode("+/8"));
    CHECK_FALSE(base64url_decode("QQ Q"));
    CHECK_FALSE(base64url_decode("Q"));   // a length of 1 mod 4 encodes nothing
    CHECK_FALSE(base64url_decode("QR"));  // low bits set: "QQ" is the one spelling of "A"
    CHECK(base64url_decode("QQ") == "A");
}

TEST_CASE("a JWT is split into signing input, signature and claims", "[teams][auth]") {
    const auto token = parse_jwt(kv::test::b64(R"({"alg":"RS256","kid":"k1"})") + "." +
                                 kv::test::b64(R"({"iss":"i","aud":["a"],"exp":1.5,"nbf":"x"})") +
                                 "." + kv::test::b64("sig"));
    REQUIRE(token);
    CHECK(token->alg == "RS256");
    CHECK(token->kid == "k1");
    CHECK(token->signature == "sig");
    CHECK(token->signing_input.find('.') != std::string::npos);
    CHECK(token->claims.iss.value == "i");
    CHECK(token->claims.aud.present);
    CHECK_FALSE(token->claims.aud.value);
    CHECK(token->claims.exp.value == 1.5);
    CHECK(token->claims.nbf.present);
    CHECK_FALSE(token->claims.nbf.value);
    CHECK_FALSE(token->claims.serviceurl.present);
}

TEST_CASE("RSA keys come from JWK n and e and verify only their own signatures", "[teams][auth]") {
    const auto& k = kv::test::key_one();
    const auto key = rsa_public_key::from_jwk(k.component("n"), k.component("e"));
    REQUIRE(key);
    CHECK(key->verify(jws_alg::rs256, "hello", k.sign("hello", 256)));
    CHECK(key->verify(jws_alg::rs384, "hello", k.sign("hello", 384)));
    CHECK(key->verify(jws_alg::rs512, "hello", k.sign("hello", 512)));
    CHECK_FALSE(key->verify(jws_alg::rs384, "hello", k.sign("hello", 256)));
    CHECK_FALSE(key->verify(jws_alg::rs256, "hellO", k.sign("hello", 256)));
    CHECK_FALSE(key->verify(jws_alg::rs256, "hello", kv::test::key_two().sign("hello", 256)));
    CHECK_FALSE(key->verify(jws_alg::rs256, "hello", k.sign("hello", 256, /*pss=*/true)));
    CHECK_FALSE(key->verify(jws_alg::rs256, "hello", ""));

    CHECK_FALSE(rsa_public_key::from_jwk("", "AQAB"));
    CHECK_FALSE(rsa_public_key::from_jwk(k.component("n"), ""));
    CHECK_FALSE(rsa_public_key::from_jwk("not base64url!", "AQAB"));
    CHECK_FALSE(rsa_public_key::from_jwk("AA", "AQAB"));  // a zero modulus
}

TEST_CASE("only RS256, RS384 and RS512 are algorithms", "[teams][auth]") {
    CHECK(parse_jws_alg("RS256") == jws_alg::rs256);
    CHECK(parse_jws_alg("RS384") == jws_alg::rs384);
    CHECK(parse_jws_alg("RS512") == jws_alg::rs512);
    for (const char* other : {"none", "HS256", "PS256", "ES256", "rs256", "RS256 ", ""}) {
        CAPTURE(other);
        CHECK_FALSE(parse_jws_alg(other));
    }
}
