#include "adapters/teams/connector/retry_policy.hpp"

#include <catch2/catch.hpp>

#include "adapters/teams/connector/rate_limiter.hpp"
#include "adapters/teams/connector/service_url_policy.hpp"

using namespace kv::teams;
using namespace std::chrono_literals;

TEST_CASE("connector answers are classified as reference section 5.2 says", "[teams][retry]") {
    struct row {
        int status;
        const char* body;
        reply_class cls;
    };
    const row rows[] = {
        {200, "", reply_class::success},
        {201, "", reply_class::success},
        {202, "", reply_class::success},
        {429, "", reply_class::retry},
        {412, "", reply_class::retry},
        {503, "", reply_class::retry},
        {502, "", reply_class::retry_gateway},
        {504, "", reply_class::retry_gateway},
        {0, "", reply_class::retry_gateway},
        {401, R"({"message":"Authorization has been denied for this request."})",
         reply_class::unauthorized},
        {403,
         R"({"errorCode":209,"message":"{\"subCode\":\"MessageWritesBlocked\",\"details\":\"x\"}"})",
         reply_class::reference_dead},
        {403, R"({"error":{"code":"BotNotInConversationRoster","message":"x"}})",
         reply_class::reference_dead},
        {403, R"({"error":{"code":"Forbidden","message":"x"}})", reply_class::permanent},
        {404, R"({"error":{"code":"ActivityNotFoundInConversation"}})", reply_class::not_found},
        {413, R"({"error":{"code":"MessageSizeTooBig"}})", reply_class::too_large},
        {400, R"({"error":{"code":"BadSyntax"}})", reply_class::permanent},
        {500, "", reply_class::permanent},
    };
    for (const auto& r : rows) {
        CAPTURE(r.status, r.body);
        CHECK(classify_reply({r.status, {}, r.body, {}}) == r.cls);
    }
}

TEST_CASE("Retry-After is read as seconds or as an HTTP date", "[teams][retry]") {
    const auto now = std::chrono::sys_days{std::chrono::year{2015} / 10 / 21} + 7h + 27min + 30s;
    auto with = [](const char* v) { return http_reply{429, {{"retry-after", v}}, "", {}}; };
    CHECK(retry_after(with("3"), now) == 3s);
    CHECK(retry_after(with(" 120 "), now) == 120s);
    CHECK(retry_after(with("Wed, 21 Oct 2015 07:28:00 GMT"), now) == 30s);
    CHECK(retry_after(with("Wed, 21 Oct 2015 07:00:00 GMT"), now) == 0s);
    CHECK_FALSE(retry_after(with("soon"), now));
    CHECK_FALSE(retry_after(with("-1"), now));
    CHECK_FALSE(retry_after(with("Wed, 21 Foo 2015 07:28:00 GMT"), now));
    CHECK_FALSE(retry_after(http_reply{429, {}, "", {}}, now));
}

TEST_CASE("backoff doubles from half a second to 20 s with 20% jitter", "[teams][retry]") {
    CHECK(backoff_delay(0, 0.5) == 500ms);
    CHECK(backoff_delay(1, 0.5) == 1000ms);
    CHECK(backoff_delay(0, 0.0) == 400ms);
    CHECK(backoff_delay(0, 0.999999).count() == 599);
    CHECK(backoff_delay(10, 0.5) == 20000ms);
}

TEST_CASE("each conversation gets a burst of 3 and then one send a second", "[teams][rate]") {
    rate_limiter limiter;
    const auto t0 = std::chrono::system_clock::time_point{} + 1000h;
    for (int i = 0; i < 3; ++i) {
        CHECK(limiter.try_acquire("a:1", t0) == 0ms);
    }
    CHECK(limiter.try_acquire("a:1", t0) == 1000ms);
    CHECK(limiter.try_acquire("a:2", t0) == 0ms);  // another conversation is not held up
    CHECK(limiter.try_acquire("a:1", t0 + 500ms) == 500ms);
    CHECK(limiter.try_acquire("a:1", t0 + 1000ms) == 0ms);
}

TEST_CASE("all conversations together stay under 25 requests a second", "[teams][rate]") {
    rate_limiter limiter;
    const auto t0 = std::chrono::system_clock::time_point{} + 1000h;
    for (int i = 0; i < 25; ++i) {
        CHECK(limiter.try_acquire("a:" + std::to_string(i), t0) == 0ms);
    }
    CHECK(limiter.try_acquire("a:new", t0) == 40ms);
    CHECK(limiter.try_acquire("a:new", t0 + 40ms) == 0ms);
}

TEST_CASE("only allow-listed service URLs may receive our token", "[teams][serviceurl]") {
    const service_url_policy defaults(default_allowed_service_urls());
    const service_url_policy local(
        {"http://127.0.0.1:3979/", "https://smba.trafficmanager.net/emea/"});
    struct row {
        const service_url_policy* policy;
        const char* url;
        bool allowed;
    };
    const row rows[] = {
        {&defaults, "https://smba.trafficmanager.net/emea/", true},
        {&defaults, "https://smba.trafficmanager.net/teams/", true},
        {&defaults, "https://SMBA.trafficmanager.net/amer", true},
        {&defaults, "https://smba.infra.gcc.teams.microsoft.com/gcc/", true},
        {&defaults, "http://smba.trafficmanager.net/emea/", false},
        {&defaults, "https://smba.trafficmanager.net.evil.example/emea/", false},
        {&defaults, "https://evil.example/smba.trafficmanager.net/", false},
        {&defaults, "https://smba.trafficmanager.net@evil.example/", false},
        {&defaults, "https://smba.trafficmanager.net:8443/emea/", false},
        {&defaults, "ftp://smba.trafficmanager.net/", false},
        {&defaults, "", false},
        {&local, "http://127.0.0.1:3979/", true},
        {&local, "http://127.0.0.1:3979", true},
        {&local, "http://127.0.0.1:3980/", false},
        {&local, "https://smba.trafficmanager.net/emea/x", true},
        {&local, "https://smba.trafficmanager.net/emeax/", false},
        {&local, "https://smba.trafficmanager.net/teams/", false},
        {&local, "https://smba.trafficmanager.net/emea/../teams/", false},
    };
    for (const auto& r : rows) {
        CAPTURE(r.url);
        CHECK(r.policy->allows(r.url) == r.allowed);
    }
}
