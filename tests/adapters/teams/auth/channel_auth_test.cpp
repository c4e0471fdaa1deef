#include "adapters/teams/auth/channel_auth.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "tests/adapters/teams/auth/auth_fixture.hpp"

using namespace std::chrono_literals;
using kv::test::auth_fixture;
using kv::test::b64;
using kv::test::key_one;
using kv::test::key_two;
using kv::test::rejected_as;
using kv::test::signed_token;
using nlohmann::json;

TEST_CASE_METHOD(auth_fixture,
                 "a valid channel token signed with RS256, RS384 or RS512 is accepted",
                 "[teams][auth]") {
    for (const std::string alg : {"RS256", "RS384", "RS512"}) {
        CAPTURE(alg);
        const auto r = check_token(signed_token(key_one(), header("k1", alg), claims()));
        CHECK(r.ok);
        CHECK(r.reason == "channel token");
    }
    CHECK(metadata_fetches() == 1);
}

TEST_CASE_METHOD(auth_fixture, "R1 a missing or blank Authorization header is rejected",
                 "[teams][auth]") {
    for (const std::string value : {"", " ", "\t  "}) {
        CAPTURE(value);
        CHECK(rejected_as(check(value), "R1"));
    }
    CHECK(net.total_calls() == 0);
}

TEST_CASE_METHOD(auth_fixture,
                 "R2 a scheme other than exactly Bearer, or not exactly two parts, is rejected",
                 "[teams][auth]") {
    const std::string t = token();
    REQUIRE(check("Bearer " + t).ok);
    for (const std::string& value :
         std::vector<std::string>{"bearer " + t, "BEARER " + t, "Basic " + t, "Bearer  " + t,
                                  " Bearer " + t, "Bearer " + t + " ", "Bearer", "Bearer ",
                                  "Bearer " + t + " extra", "Bearer\t" + t, t}) {
        CAPTURE(value.substr(0, 12));
        CHECK(rejected_as(check(value), "R2"));
    }
}

TEST_CASE_METHOD(auth_fixture, "R3 something that is not a JWT is rejected", "[teams][auth]") {
    const std::string t = token();
    const auto dot1 = t.find('.');
    const auto dot2 = t.rfind('.');
    const std::string h = t.substr(0, dot1);
    const std::string p = t.substr(dot1 + 1, dot2 - dot1 - 1);
    const std::string s = t.substr(dot2 + 1);
    const std::vector<std::pair<std::string, std::string>> rows = {
        {"two segments", h + "." + p},
        {"four segments", t + ".x"},
        {"bad base64url in payload", h + ".*" + p.substr(1) + "." + s},
        {"standard base64 padding on signature", t + "="},
        {"payload not JSON", h + "." + b64("not json") + "." + s},
        {"payload a JSON array", h + "." + b64("[1,2]") + "." + s},
        {"header not JSON", b64("{\"alg\":") + "." + p + "." + s},
        {"empty", "."},
    };
    for (const auto& [label, value] : rows) {
        CAPTURE(label);
        CHECK(rejected_as(check_token(value), "R3"));
    }
    CHECK(net.total_calls() == 0);
}

TEST_CASE_METHOD(auth_fixture,
                 "R4 an issuer other than the Bot Framework is rejected before any fetch",
                 "[teams][auth]") {
    for (const json& iss : {json("https://api.botframework.com/"), json("https://evil.example"),
                            json("https://API.botframework.com"), json(nullptr), json(42)}) {
        CAPTURE(iss.dump());
        auto c = claims();
        c["iss"] = iss;
        CHECK(rejected_as(check_token(token(c)), "R4"));
    }
    auto c = claims();
    c.erase("iss");
    CHECK(rejected_as(check_token(token(c)), "R4"));
    CHECK(net.total_calls() == 0);
}

TEST_CASE_METHOD(auth_fixture, "R5 a missing or unknown kid is rejected", "[teams][auth]") {
    json no_kid = header();
    no_kid.erase("kid");
    CHECK(rejected_as(check_token(signed_token(key_one(), no_kid, claims())), "R5"));
    CHECK(rejected_as(check_token(signed_token(key_one(), header("k9"), claims())), "R5"));
}

TEST_CASE_METHOD(auth_fixture, "R6 a JWKS entry without RSA n and e is rejected", "[teams][auth]") {
    json ec = {{"kty", "EC"}, {"kid", "k1"}, {"crv", "P-256"},
               {"x", "AA"},   {"y", "AA"},   {"endorsements", {"msteams"}}};
    publish({ec});
    CHECK(rejected_as(check_token(token()), "R6"));

    json no_e = key_one().jwk("k1");
    no_e.erase("e");
    now += 25h;
    publish({no_e});
    CHECK(rejected_as(check_token(token()), "R6"));
}

TEST_CASE_METHOD(auth_fixture, "R7 an algorithm other than RS256/384/512 is rejected",
                 "[teams][auth]") {
    const json payload = claims();
    // alg none: no signature at all.
    const std::string none =
        kv::test::signing_input({{"alg", "none"}, {"kid", "k1"}, {"typ", "JWT"}}, payload) + ".";
    CHECK(rejected_as(check_token(none), "R7"));

    // HS256 keyed with the public modulus, the classic confusion attack.
    const std::string hs_input = kv::test::signing_input(header("k1", "HS256"), payload);
    const std::string hs =
        hs_input + "." + b64(kv::test::hmac_sha256(key_one().component("n"), hs_input));
    CHECK(rejected_as(check_token(hs), "R7"));

    // PS256 correctly signed with RSA-PSS by the published key.
    const std::string ps_input = kv::test::signing_input(header("k1", "PS256"), payload);
    const std::string ps = ps_input + "." + b64(key_one().sign(ps_input, 256, /*pss=*/true));
    CHECK(rejected_as(check_token(ps), "R7"));

    // ES256 header.
    const std::string es_input = kv::test::signing_input(header("k1", "ES256"), payload);
    CHECK(rejected_as(check_token(es_input + "." + b64(std::string(64, 'x'))), "R7"));
}

TEST_CASE_METHOD(auth_fixture, "R8 a bad signature is rejected", "[teams][auth]") {
    CHECK(rejected_as(check_token(token(claims(), key_two())), "R8"));

    const std::string t = token();
    const auto dot1 = t.find('.');
    const auto dot2 = t.rfind('.');
    auto forged = claims();
    forged["aud"] = app_id;
    forged["serviceurl"] = "https://evil.example/";
    const std::string tampered_payload =
        t.substr(0, dot1) + "." + b64(forged.dump()) + t.substr(dot2);
    CHECK(rejected_as(check_token(tampered_payload), "R8"));

    json h = header();
    h["alg"] = "RS384";
    const std::string tampered_header = b64(h.dump()) + t.substr(dot1);
    CHECK(rejected_as(check_token(tampered_header), "R8"));

    std::string flipped = t;
    flipped[dot2 + 5] = flipped[dot2 + 5] == 'A' ? 'B' : 'A';
    CHECK(rejected_as(check_token(flipped), "R8"));
}

TEST_CASE_METHOD(auth_fixture, "R9 a token expired more than 300 s ago is rejected",
                 "[teams][auth]") {
    auto c = claims();
    c["exp"] = epoch() - 301;
    CHECK(rejected_as(check_token(token(c)), "R9"));
    c["exp"] = epoch() - 300;  // jsonwebtoken: expired when now >= exp + tolerance
    CHECK(rejected_as(check_token(token(c)), "R9"));
    c["exp"] = std::to_string(epoch() + 3600);
    CHECK(rejected_as(check_token(token(c)), "R9"));
}

TEST_CASE_METHOD(auth_fixture, "R10 a token valid only more than 300 s from now is rejected",
                 "[teams][auth]") {
    auto c = claims();
    c["nbf"] = epoch() + 301;
    CHECK(rejected_as(check_token(token(c)), "R10"));
    c["nbf"] = "soon";
    CHECK(rejected_as(check_token(token(c)), "R10"));
}

TEST_CASE_METHOD(auth_fixture, "R11 an audience other than this bot's app id is rejected",
                 "[teams][auth]") {
    for (const json& aud :
         {json("99999999-2222-3333-4444-555555555555"), json("https://api.botframework.com"),
          json({app_id}), json("11111111-2222-3333-4444-555555555555 "), json(nullptr)}) {
        CAPTURE(aud.dump());
        auto c = claims();
        c["aud"] = aud;
        CHECK(rejected_as(check_token(token(c)), "R11"));
    }
    auto c = claims();
    c.erase("aud");
    CHECK(rejected_as(check_token(token(c)), "R11"));
}

TEST_CASE_METHOD(auth_fixture, "R12 a key not endorsed for the activity's channel is rejected",
                 "[teams][auth]") {
    publish({key_one().jwk("k1", {"skype", "webchat"})});
    CHECK(rejected_as(check_token(token()), "R12"));
}

TEST_CASE_METHOD(auth_fixture, "R12 a key without endorsements serves any channel",
                 "[teams][auth]") {
    publish({key_one().jwk("k1", {})});
    CHECK(check_token(token()).ok);
}

TEST_CASE_METHOD(auth_fixture,
                 "R12 an activity without channelId is rejected (stricter than the SDK)",
                 "[teams][auth]") {
    CHECK(rejected_as(check("Bearer " + token(), service_url, ""), "R12"));
    CHECK(rejected_as(check("Bearer " + token(), service_url, "MSTEAMS"), "R12"));
}

TEST_CASE_METHOD(auth_fixture,
                 "R13 a serviceurl claim missing or different from the activity's is rejected",
                 "[teams][auth]") {
    auto c = claims();
    c.erase("serviceurl");
    CHECK(rejected_as(check_token(token(c)), "R13"));
    for (const std::string other :
         {"https://smba.trafficmanager.net/emea", "https://smba.trafficmanager.net/amer/",
          "https://SMBA.trafficmanager.net/emea/", "https://evil.example/emea/"}) {
        CAPTURE(other);
        CHECK(rejected_as(check("Bearer " + token(), other), "R13"));
    }
}

TEST_CASE_METHOD(auth_fixture,
                 "R14 unreachable or failing metadata with no cached keys is rejected",
                 "[teams][auth]") {
    SECTION("metadata 500") {
        net.serve(metadata_url, 500, "{}");
    }
    SECTION("metadata garbage") {
        net.serve(metadata_url, 200, "<html>");
    }
    SECTION("metadata without jwks_uri") {
        net.serve_json(metadata_url, {{"issuer", "x"}});
    }
    SECTION("JWKS 503") {
        net.serve(jwks_url, 503, "");
    }
    SECTION("JWKS not a key set") {
        net.serve_json(jwks_url, {{"keys", "none"}});
    }
    SECTION("no answer at all") {
        net.serve(metadata_url, 0, "");
    }
    CHECK(rejected_as(check_token(token()), "R14"));
}

TEST_CASE_METHOD(auth_fixture, "R15 an emulator token is rejected while emulator tokens are off",
                 "[teams][auth]") {
    auto c = claims();
    c["iss"] = "https://sts.windows.net/d6d49420-f39b-4df7-a1dc-d59a935871db/";
    c["appid"] = app_id;
    c["ver"] = "1.0";
    CHECK(rejected_as(check_token(token(c)), "R15"));
    c["iss"] = "https://login.microsoftonline.com/f8cdef31-a31e-4b4a-93e4-5f571e91255a/v2.0";
    CHECK(rejected_as(check_token(token(c)), "R15"));
    CHECK(net.total_calls() == 0);
}

TEST_CASE_METHOD(auth_fixture, "emulator tokens are accepted for this app when switched on",
                 "[teams][auth]") {
    const std::string emulator_metadata = "https://login.test/common/v2.0/openid";
    settings.allow_emulator_tokens = true;
    settings.emulator_openid_metadata_url = emulator_metadata;
    net.serve_json(emulator_metadata, {{"jwks_uri", "https://login.test/common/keys"}});
    net.serve_json("https://login.test/common/keys", {{"keys", {key_two().jwk("e1", {})}}});
    auto c = claims();
    c.erase("aud");
    c.erase("serviceurl");
    c["iss"] = "https://login.microsoftonline.com/d6d49420-f39b-4df7-a1dc-d59a935871db/v2.0";
    c["ver"] = "2.0";
    c["azp"] = app_id;
    const auto h = header("e1");
    CHECK(check_token(signed_token(key_two(), h, c)).ok);
    c["azp"] = "99999999-2222-3333-4444-555555555555";
    CHECK(rejected_as(check_token(signed_token(key_two(), h, c)), "R11"));
    c["ver"] = "3.0";
    CHECK(rejected_as(check_token(signed_token(key_two(), h, c)), "R11"));
    // Keys of the emulator metadata do not sign channel tokens.
    CHECK(rejected_as(check_token(signed_token(key_two(), h, claims())), "R5"));
}

TEST_CASE_METHOD(auth_fixture, "a bot-to-bot (skill) token is never accepted", "[teams][auth]") {
    auto c = claims();
    c["ver"] = "1.0";
    c["appid"] = "99999999-2222-3333-4444-555555555555";
    CHECK(rejected_as(check_token(token(c)), "R4"));
    c["appid"] = app_id;  // same app as aud: not a skill token, an ordinary channel token
    CHECK(check_token(token(c)).ok);
}

TEST_CASE_METHOD(auth_fixture, "edge: a token without exp is rejected (stricter than the SDK)",
                 "[teams][auth]") {
    auto c = claims();
    c.erase("exp");
    CHECK(rejected_as(check_token(token(c)), "R9"));
}

TEST_CASE_METHOD(auth_fixture, "edge: exp up to 299 s in the past is accepted", "[teams][auth]") {
    for (const int ago : {1, 150, 299}) {
        CAPTURE(ago);
        auto c = claims();
        c["exp"] = epoch() - ago;
        CHECK(check_token(token(c)).ok);
    }
}

TEST_CASE_METHOD(auth_fixture, "edge: nbf up to 299 s in the future is accepted", "[teams][auth]") {
    for (const double ahead : {0.4, 1.0, 150.0, 299.0, 300.0}) {
        CAPTURE(ahead);
        auto c = claims();
        c["nbf"] = static_cast<double>(epoch()) + ahead;
        CHECK(check_token(token(c)).ok);
    }
}

TEST_CASE_METHOD(auth_fixture, "clock skew of 299 s is accepted and 301 s rejected both ways",
                 "[teams][auth]") {
    const std::string t = token();  // nbf = now - 5, exp = now + 3600
    const auto issued = now;
    now = issued - 5s - 299s;  // our clock behind the issuer's
    CHECK(check_token(t).ok);
    now = issued - 5s - 301s;
    CHECK(rejected_as(check_token(t), "R10"));
    now = issued + 3600s + 299s;  // our clock ahead
    CHECK(check_token(t).ok);
    now = issued + 3600s + 301s;
    CHECK(rejected_as(check_token(t), "R9"));
}

TEST_CASE_METHOD(auth_fixture,
                 "edge: an activity without serviceUrl is rejected (stricter than the SDK)",
                 "[teams][auth]") {
    CHECK(rejected_as(check("Bearer " + token(), ""), "R13"));
}

TEST_CASE_METHOD(auth_fixture, "claims the validator does not know are ignored", "[teams][auth]") {
    auto c = claims();
    c["iat"] = epoch() + 100000;
    c["jti"] = "x";
    c["serviceUrl"] = "https://other.example/";
    CHECK(check_token(token(c)).ok);
}

TEST_CASE_METHOD(auth_fixture,
                 "a token verified before is checked again in full; only its signature is "
                 "remembered, and only for the key that verified it",
                 "[teams][auth]") {
    auto c = claims();
    c["exp"] = epoch() + 48 * 3600;
    const std::string t = token(c);
    REQUIRE(check_token(t).ok);
    REQUIRE(check_token(t).ok);

    CHECK(rejected_as(check("Bearer " + t, "https://evil.example/"), "R13"));
    std::string flipped = t;
    const auto dot2 = flipped.rfind('.');
    flipped[dot2 + 5] = flipped[dot2 + 5] == 'A' ? 'B' : 'A';
    CHECK(rejected_as(check_token(flipped), "R8"));

    // A day later the key set is fetched again, and kid k1 is now another key: the remembered
    // verification by the old key does not count.
    publish({key_two().jwk("k1")});
    now += 25h;
    CHECK(rejected_as(check_token(t), "R8"));
    now += 24h;
    CHECK(rejected_as(check_token(token()), "R8"));  // key_one's fresh token: still k1 = key_two
}
