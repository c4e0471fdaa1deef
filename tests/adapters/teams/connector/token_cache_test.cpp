#include "adapters/teams/connector/token_cache.hpp"

#include <catch2/catch.hpp>

#include <thread>

#include "tests/adapters/teams/connector/scripted_transport.hpp"

using namespace kv::teams;
using namespace std::chrono_literals;
using test::scripted_transport;

namespace {

struct fixture {
    scripted_transport transport;
    std::chrono::system_clock::time_point now =
        std::chrono::sys_days{std::chrono::year{2026} / 3 / 2};
    token_cache cache{
        {test::token_url, "app-1", "s3cr&t=", "https://api.botframework.com/.default"},
        transport,
        [this] { return now; }};
};

}  // namespace

TEST_CASE("the token request is a client-credentials form for the Bot Framework scope",
          "[teams][token]") {
    fixture f;
    const auto t = f.cache.get();
    REQUIRE(t.result == token_result::status::ok);
    CHECK(t.token == "tok-1");
    REQUIRE(f.transport.calls.size() == 1);
    const auto& c = f.transport.calls[0];
    CHECK(c.method == "POST");
    CHECK(c.url == test::token_url);
    CHECK(test::header_of(c, "Content-Type") == "application/x-www-form-urlencoded");
    CHECK(c.body ==
          "grant_type=client_credentials&client_id=app-1&client_secret=s3cr%26t%3D"
          "&scope=https%3A%2F%2Fapi.botframework.com%2F.default");
}

TEST_CASE("a token is reused until five minutes before it expires", "[teams][token]") {
    fixture f;
    CHECK(f.cache.get().token == "tok-1");
    f.now += 3600s - 300s - 1s;
    CHECK(f.cache.get().token == "tok-1");
    f.now += 1s;
    CHECK(f.cache.get().token == "tok-2");
    CHECK(f.cache.fetch_count() == 2);
}

TEST_CASE("after a 401 the token is refreshed once, however many callers saw it",
          "[teams][token]") {
    fixture f;
    const auto first = f.cache.get().token;
    CHECK(f.cache.refresh_after_rejection(first).token == "tok-2");
    CHECK(f.cache.refresh_after_rejection(first).token == "tok-2");  // already replaced
    CHECK(f.cache.fetch_count() == 2);
}

TEST_CASE("callers arriving during a fetch wait for it instead of fetching again",
          "[teams][token]") {
    fixture f;
    std::vector<std::thread> threads;
    std::vector<std::string> got(8);
    for (std::size_t i = 0; i < got.size(); ++i) {
        threads.emplace_back([&, i] { got[i] = f.cache.get().token; });
    }
    for (auto& t : threads) {
        t.join();
    }
    CHECK(f.cache.fetch_count() == 1);
    for (const auto& g : got) {
        CHECK(g == "tok-1");
    }
}

TEST_CASE("token endpoint failures are told apart and never cached", "[teams][token]") {
    fixture f;
    SECTION("bad secret: a configuration error") {
        f.transport.token_replies.push_back(
            {401, {}, R"({"error":"invalid_client","error_description":"AADSTS7000215"})", {}});
        const auto t = f.cache.get();
        CHECK(t.result == token_result::status::rejected);
        CHECK(t.error == "token endpoint refused the credentials (HTTP 401)");
        CHECK(t.error.find("s3cr") == std::string::npos);
    }
    SECTION("outage: transient") {
        f.transport.token_replies.push_back({503, {}, "", {}});
        CHECK(f.cache.get().result == token_result::status::unavailable);
    }
    SECTION("garbage: transient") {
        f.transport.token_replies.push_back({200, {}, "{\"access_token\":5}", {}});
        CHECK(f.cache.get().result == token_result::status::unavailable);
    }
    SECTION("unreachable") {
        f.transport.token_replies.push_back({0, {}, "", "connection refused"});
        CHECK(f.cache.get().error == "token endpoint unreachable: connection refused");
    }
    CHECK(f.cache.get().token == "tok-1");  // the next call fetches again
}
