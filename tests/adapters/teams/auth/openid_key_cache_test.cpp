#include "adapters/teams/auth/openid_key_cache.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <thread>
#include <vector>

#include "tests/adapters/teams/auth/auth_fixture.hpp"

using namespace std::chrono_literals;
using kv::test::auth_fixture;
using kv::test::key_one;
using kv::test::key_two;
using kv::test::rejected_as;
using kv::test::signed_token;

TEST_CASE_METHOD(auth_fixture, "keys are fetched once and then served from the cache for 24 h",
                 "[teams][auth][keys]") {
    const std::string t = token();
    for (int i = 0; i < 5; ++i) {
        REQUIRE(check_token(t).ok);
    }
    CHECK(metadata_fetches() == 1);
    CHECK(net.calls(jwks_url) == 1);
    now += 23h + 59min;
    CHECK(check_token(token()).ok);
    CHECK(metadata_fetches() == 1);
    now += 1min;
    CHECK(check_token(token()).ok);
    CHECK(metadata_fetches() == 2);
    CHECK(net.calls(jwks_url) == 2);
}

TEST_CASE_METHOD(auth_fixture, "the refresh interval is configurable in hours",
                 "[teams][auth][keys]") {
    settings.key_refresh = 2h;
    REQUIRE(check_token(token()).ok);
    now += 2h;
    REQUIRE(check_token(token()).ok);
    CHECK(metadata_fetches() == 2);
}

TEST_CASE_METHOD(auth_fixture, "the JWKS is read from the jwks_uri the metadata names",
                 "[teams][auth][keys]") {
    const std::string moved = "https://keys.test/other/keys";
    net.serve_json(metadata_url, {{"issuer", "https://api.botframework.com"}, {"jwks_uri", moved}});
    net.serve_json(moved, {{"keys", {key_two().jwk("k7")}}});
    CHECK(check_token(signed_token(key_two(), header("k7"), claims())).ok);
    CHECK(net.calls(moved) == 1);
    CHECK(net.calls(jwks_url) == 0);
}

TEST_CASE_METHOD(auth_fixture, "an unknown kid refreshes the keys at most once an hour",
                 "[teams][auth][keys]") {
    REQUIRE(check_token(token()).ok);
    const std::string bogus = signed_token(key_two(), header("bogus"), claims());
    for (int i = 0; i < 20; ++i) {
        CHECK(rejected_as(check_token(bogus), "R5"));
        now += 1min;
    }
    CHECK(metadata_fetches() == 1);  // the first fetch was 20 min ago: nothing more yet
    now += 40min;
    CHECK(rejected_as(check_token(bogus), "R5"));
    CHECK(metadata_fetches() == 2);
    CHECK(rejected_as(check_token(bogus), "R5"));
    CHECK(metadata_fetches() == 2);
}

TEST_CASE_METHOD(auth_fixture, "a key rolled over is picked up and the dropped key refused",
                 "[teams][auth][keys]") {
    REQUIRE(check_token(token()).ok);
    // Microsoft publishes the new key next to the old one, then signs with it.
    publish({key_one().jwk("k1"), key_two().jwk("k2")});
    const std::string with_k2 = signed_token(key_two(), header("k2"), claims());
    now += 30min;
    CHECK(rejected_as(check_token(with_k2), "R5"));  // refreshed < 1 h ago: not yet
    now += 30min;
    CHECK(check_token(signed_token(key_two(), header("k2"), claims())).ok);
    CHECK(metadata_fetches() == 2);
    // Later the old key is dropped; the next scheduled refresh stops accepting it.
    publish({key_two().jwk("k2")});
    now += 24h;
    CHECK(rejected_as(check_token(token()), "R5"));
    CHECK(check_token(signed_token(key_two(), header("k2"), claims())).ok);
}

TEST_CASE_METHOD(auth_fixture, "a metadata outage keeps the last good keys in service",
                 "[teams][auth][keys]") {
    REQUIRE(check_token(token()).ok);
    net.serve(metadata_url, 503, "");
    now += 25h;
    CHECK(check_token(token()).ok);  // refresh due and failing: cached keys still serve
    CHECK(metadata_fetches() == 2);
    CHECK(check_token(token()).ok);  // and the failure is not retried on every request
    CHECK(metadata_fetches() == 2);
    // Backoff: 30 s, then 60 s.
    now += 30s;
    CHECK(check_token(token()).ok);
    CHECK(metadata_fetches() == 3);
    now += 59s;
    CHECK(check_token(token()).ok);
    CHECK(metadata_fetches() == 3);
    now += 1s;
    CHECK(check_token(token()).ok);
    CHECK(metadata_fetches() == 4);
    // Back up again: the next attempt succeeds and the schedule returns to 24 h.
    net.serve_json(metadata_url, {{"jwks_uri", jwks_url}});
    now += 2min;
    CHECK(check_token(token()).ok);
    CHECK(metadata_fetches() == 5);
    now += 1h;
    CHECK(check_token(token()).ok);
    CHECK(metadata_fetches() == 5);
}

TEST_CASE_METHOD(auth_fixture, "the retry backoff of a failing refresh is capped at 15 minutes",
                 "[teams][auth][keys]") {
    net.serve(metadata_url, 500, "");
    CHECK(rejected_as(check_token(token()), "R14"));
    int fetches = metadata_fetches();
    for (int i = 0; i < 12; ++i) {
        now += 15min;
        CHECK(rejected_as(check_token(token()), "R14"));
        CHECK(metadata_fetches() == ++fetches);
    }
    now += 14min;
    CHECK(rejected_as(check_token(token()), "R14"));
    CHECK(metadata_fetches() == fetches);
    // Recovery after the outage: keys load and requests pass again.
    net.serve_json(metadata_url, {{"jwks_uri", jwks_url}});
    now += 1min;
    CHECK(check_token(token()).ok);
}

TEST_CASE_METHOD(auth_fixture, "keys not refreshed for 7 days are no longer used",
                 "[teams][auth][keys]") {
    REQUIRE(check_token(token()).ok);
    net.serve(jwks_url, 500, "");
    now += 7 * 24h - 1min;
    CHECK(check_token(token()).ok);
    now += 1min;
    CHECK(rejected_as(check_token(token()), "R14"));
}

TEST_CASE_METHOD(auth_fixture, "concurrent requests share one refresh (single flight)",
                 "[teams][auth][keys]") {
    const std::string t = token();
    net.close_gate();
    std::atomic<int> accepted{0};
    std::vector<std::thread> threads;
    threads.emplace_back([&] { accepted += check_token(t).ok ? 1 : 0; });
    net.wait_for_calls(1);  // the first thread is now fetching
    for (int i = 0; i < 7; ++i) {
        threads.emplace_back([&] { accepted += check_token(t).ok ? 1 : 0; });
    }
    std::this_thread::sleep_for(50ms);  // let the others reach the wait
    net.open_gate();
    for (auto& th : threads) {
        th.join();
    }
    CHECK(accepted == 8);
    CHECK(metadata_fetches() == 1);
    CHECK(net.calls(jwks_url) == 1);
}
