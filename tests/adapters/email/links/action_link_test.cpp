#include "adapters/email/links/action_link.hpp"

#include <catch2/catch.hpp>

#include "adapters/email/links/signing.hpp"

namespace {

using namespace kv::email;
using std::chrono::sys_seconds;

constexpr std::string_view key = "a-test-key-of-at-least-32-bytes-long!!";
const sys_seconds now{std::chrono::seconds{1'790'000'000}};

link_grant grant() {
    link_grant g;
    g.nonce = new_link_nonce();
    g.verb = "case.receive";
    g.target = "AV-2026-0042";
    g.data = {{"case", "AV-2026-0042"}};
    g.person_email = "leder@eksempel.kommune.no";
    g.expires = now + default_link_lifetime;
    return g;
}

}  // namespace

TEST_CASE("a fresh link is valid until it expires, then says so", "[email][links]") {
    const auto g = grant();
    const auto token = link_token(g, key);
    const auto parts = parse_link_token(token);
    REQUIRE(parts);
    CHECK(parts->nonce == g.nonce);
    CHECK(parts->expires == g.expires);
    CHECK(check_link(*parts, g, key, now) == link_verdict::valid);
    CHECK(check_link(*parts, g, key, g.expires - std::chrono::seconds{1}) == link_verdict::valid);
    CHECK(check_link(*parts, g, key, g.expires) == link_verdict::expired);
    CHECK(check_link(*parts, g, key, now + std::chrono::days{15}) == link_verdict::expired);
}

TEST_CASE("the token holds no personal data and only URL-safe characters", "[email][links]") {
    const auto token = link_token(grant(), key);
    CHECK(token.find("leder") == std::string::npos);
    CHECK(token.find("AV-2026") == std::string::npos);
    for (const char c : token) {
        CAPTURE(c);
        CHECK(((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '.' || c == '-' || c == '_'));
    }
    CHECK(token.size() < 100);
}

TEST_CASE("changing any byte of the token or any field of the grant is detected",
          "[email][links]") {
    const auto g = grant();
    const auto token = link_token(g, key);

    SECTION("each character of the MAC, flipped") {
        const auto mac_start = token.rfind('.') + 1;
        for (std::size_t i = mac_start; i < token.size(); ++i) {
            auto t = token;
            t[i] = t[i] == 'A' ? 'B' : 'A';
            CAPTURE(i);
            const auto p = parse_link_token(t);
            REQUIRE(p);
            CHECK(check_link(*p, g, key, now) == link_verdict::tampered);
        }
    }
    SECTION("a later expiry written into the token") {
        auto p = *parse_link_token(token);
        p.expires += std::chrono::days{365};
        CHECK(check_link(p, g, key, now) == link_verdict::tampered);
        auto stored = g;
        stored.expires = p.expires;  // even when the stored grant is changed to match
        CHECK(check_link(p, stored, key, now) == link_verdict::tampered);
    }
    SECTION("a grant changed in the store") {
        struct row {
            const char* label;
            void (*change)(link_grant&);
        };
        const row rows[] = {
            {"verb", [](link_grant& x) { x.verb = "case.close"; }},
            {"target", [](link_grant& x) { x.target = "AV-2026-0043"; }},
            {"person", [](link_grant& x) { x.person_email = "annen@eksempel.kommune.no"; }},
            {"data", [](link_grant& x) { x.data["conclusion"] = "ferdig"; }},
        };
        for (const auto& r : rows) {
            CAPTURE(r.label);
            auto stored = g;
            r.change(stored);
            CHECK(check_link(*parse_link_token(token), stored, key, now) == link_verdict::tampered);
        }
    }
    SECTION("another key") {
        CHECK(check_link(*parse_link_token(token), g, "another-key-of-at-least-32-bytes!!!!",
                         now) == link_verdict::tampered);
    }
    SECTION("an expired and tampered link is reported as tampered") {
        auto p = *parse_link_token(token);
        p.mac[0] = p.mac[0] == 'A' ? 'B' : 'A';
        CHECK(check_link(p, g, key, now + std::chrono::days{30}) == link_verdict::tampered);
    }
}

TEST_CASE("tokens of the wrong shape are refused before any lookup", "[email][links]") {
    const auto token = link_token(grant(), key);
    for (const std::string& bad :
         {std::string(""), std::string("v1"), std::string("v2") + token.substr(2),
          token.substr(0, token.size() - 1), token + "A", std::string("v1.abc.123"),
          std::string("v1.ABC.1790000000.") + std::string(43, 'A'),
          std::string("v1.abc.-5.") + std::string(43, 'A'),
          std::string("v1.abc.12x.") + std::string(43, 'A'),
          std::string("v1.abc.123.") + std::string(42, 'A') + "/", std::string(300, 'a')}) {
        CAPTURE(bad);
        CHECK_FALSE(parse_link_token(bad));
    }
}

TEST_CASE("nonces are random, or the same for the same seed when derived", "[email][links]") {
    CHECK(new_link_nonce() != new_link_nonce());
    CHECK(new_link_nonce().size() == 26);
    CHECK(derive_link_nonce(key, "outbox:7:0") == derive_link_nonce(key, "outbox:7:0"));
    CHECK(derive_link_nonce(key, "outbox:7:0") != derive_link_nonce(key, "outbox:7:1"));
    CHECK(derive_link_nonce(key, "outbox:7:0") != derive_link_nonce("other-key", "outbox:7:0"));
}

TEST_CASE("the confirmation value is tied to the link and the key", "[email][links]") {
    CHECK(confirmation_value(key, "abc") == confirmation_value(key, "abc"));
    CHECK(confirmation_value(key, "abc") != confirmation_value(key, "abd"));
    CHECK(confirmation_value(key, "abc") != confirmation_value("other", "abc"));
}

TEST_CASE("encodings match RFC 4648 test vectors", "[email][links]") {
    CHECK(base64url("") == "");
    CHECK(base64url("f") == "Zg");
    CHECK(base64url("fo") == "Zm8");
    CHECK(base64url("foo") == "Zm9v");
    CHECK(base64url("foob") == "Zm9vYg");
    CHECK(base64url("\xfb\xff") == "-_8");
    CHECK(base32_lower("foobar") == "mzxw6ytboi");
    CHECK(base32_lower("f") == "my");
}

TEST_CASE("HMAC-SHA256 matches RFC 4231 test case 2", "[email][links]") {
    const auto mac = hmac_sha256("Jefe", "what do ya want for nothing?");
    static constexpr char hex[] = "0123456789abcdef";
    std::string h;
    for (const char c : mac) {
        h += hex[(static_cast<unsigned char>(c) >> 4) & 15];
        h += hex[static_cast<unsigned char>(c) & 15];
    }
    CHECK(h == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}
