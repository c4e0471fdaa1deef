#include "daemon/calendar/feed_token.hpp"

#include <catch2/catch.hpp>

using namespace kv::daemon;

namespace {
const std::string secret = "a-link-secret-of-at-least-32-characters!";
}

TEST_CASE("a feed token matches its own feed and generation only", "[calendar]") {
    const feed_token_signer signer(secret);
    const auto token = signer.token(7, "person:kari@k.no", 1);
    const auto parsed = feed_token_signer::parse(token);
    REQUIRE(parsed);
    CHECK(parsed->key == 7);
    CHECK(parsed->mac.size() == 22);  // 16 bytes: 128 bits to guess
    CHECK(signer.matches(*parsed, "person:kari@k.no", 1));
    CHECK_FALSE(signer.matches(*parsed, "person:kari@k.no", 2));
    CHECK_FALSE(signer.matches(*parsed, "person:per@k.no", 1));
    CHECK_FALSE(feed_token_signer("another-secret-of-at-least-32-characters")
                    .matches(*parsed, "person:kari@k.no", 1));
}

TEST_CASE("tokens differ per feed and per generation", "[calendar]") {
    const feed_token_signer signer(secret);
    CHECK(signer.token(1, "person:a@k.no", 1) != signer.token(1, "person:a@k.no", 2));
    CHECK(signer.token(1, "person:a@k.no", 1) != signer.token(1, "person:b@k.no", 1));
}

TEST_CASE("a tampered token does not match", "[calendar]") {
    const feed_token_signer signer(secret);
    auto token = signer.token(3, "committee:ku-helse", 4);
    token.back() = token.back() == 'A' ? 'B' : 'A';
    const auto parsed = feed_token_signer::parse(token);
    REQUIRE(parsed);
    CHECK_FALSE(signer.matches(*parsed, "committee:ku-helse", 4));
}

TEST_CASE("text not shaped like a token is not parsed", "[calendar]") {
    const auto row = GENERATE(values<std::string>({
        "",
        "-AAAAAAAAAAAAAAAAAAAAAA",
        "0-AAAAAAAAAAAAAAAAAAAAAA",
        "x1-AAAAAAAAAAAAAAAAAAAAAA",
        "1-AAAAAAAAAAAAAAAAAAAAA",
        "1-AAAAAAAAAAAAAAAAAAAAAAA",
        "1-AAAAAAAAAAAAAAAAAAAA.A",
        "1AAAAAAAAAAAAAAAAAAAAAAA",
        "99999999999999999999-AAAAAAAAAAAAAAAAAAAAAA",
    }));
    CAPTURE(row);
    CHECK_FALSE(feed_token_signer::parse(row));
}

TEST_CASE("without a secret, feeds are off", "[calendar]") {
    const feed_token_signer signer("");
    CHECK_FALSE(signer.enabled());
    CHECK_FALSE(signer.matches({1, "AAAAAAAAAAAAAAAAAAAAAA"}, "person:a@k.no", 1));
    CHECK_THROWS_AS(signer.token(1, "person:a@k.no", 1), std::logic_error);
}

TEST_CASE("feed URLs are built on the public base URL", "[calendar]") {
    CHECK(calendar_feed_url("https://kv.k.no", "1-abc") == "https://kv.k.no/calendar/1-abc.ics");
    CHECK(calendar_event_url("https://kv.k.no", "1-abc", "ku-helse-mote", "20270302") ==
          "https://kv.k.no/calendar/event/1-abc.ku-helse-mote.20270302.ics");
}
