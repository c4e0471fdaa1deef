#include "adapters/teams/connector/connector_client.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/adapters/teams/connector/scripted_transport.hpp"

using namespace kv::teams;
using namespace std::chrono_literals;
using json = nlohmann::json;
using status = connector_result::status;

namespace {

constexpr const char* service = "https://smba.trafficmanager.net/emea/";

struct fixture {
    test::scripted_transport transport;
    std::chrono::system_clock::time_point now =
        std::chrono::sys_days{std::chrono::year{2026} / 3 / 2};
    std::vector<std::chrono::milliseconds> slept;
    token_cache tokens{{test::token_url, "app-1", "secret"}, transport, [this] { return now; }};
    rate_limiter limiter;
    connector_client client{
        {"28:app-1", "Kvalitetsvakt", default_allowed_service_urls(), 4, 5000ms, 10000ms},
        tokens,
        transport,
        limiter,
        [this] { return now; },
        [this](std::chrono::milliseconds d) {
            slept.push_back(d);
            now += d;
        },
        [] { return 0.5; }};

    void reply(int status, std::string body = {},
               std::vector<std::pair<std::string, std::string>> headers = {}) {
        transport.replies.push_back({status, std::move(headers), std::move(body), {}});
    }
};

kv::bot::message card(std::size_t text_size = 10) {
    kv::bot::message m;
    m.title = "Avvik AV-2026-0001";
    m.text = std::string(text_size, 'x');
    m.actions.push_back({"case.receive", "Motta", {{"case", "AV-2026-0001"}}, {}});
    return m;
}

}  // namespace

TEST_CASE("a send goes to the encoded conversation path with our token", "[teams][connector]") {
    fixture f;
    f.reply(201, R"({"id":"1700000000001"})");
    const auto r =
        f.client.send(service, "19:abc@thread.tacv2;messageid=1", R"({"type":"message"})");
    CHECK(r.result == status::ok);
    CHECK(r.id == "1700000000001");
    const auto calls = f.transport.connector_calls();
    REQUIRE(calls.size() == 1);
    CHECK(calls[0].method == "POST");
    CHECK(calls[0].url ==
          "https://smba.trafficmanager.net/emea/v3/conversations/"
          "19%3Aabc%40thread.tacv2%3Bmessageid%3D1/activities");
    CHECK(test::header_of(calls[0], "Authorization") == "Bearer tok-1");
    CHECK(test::header_of(calls[0], "Content-Type") == "application/json; charset=utf-8");
    CHECK(calls[0].body == R"({"type":"message"})");
}

TEST_CASE("reply, update and get member use their paths and methods", "[teams][connector]") {
    fixture f;
    CHECK(f.client.reply(service, "a:1", "17", "{}").ok());
    f.reply(200, "{}");
    const auto u = f.client.update(service, "a:1", "18", "{}");
    CHECK(u.ok());
    CHECK(u.id == "18");
    f.reply(200, R"({"id":"29:u","name":"Kari","aadObjectId":"aad-1","email":"Kari@k.no",
                    "userPrincipalName":"kari@k.no","tenantId":"t1","userRole":"user"})");
    member_info m;
    CHECK(f.client.get_member(service, "a:1", "29:u", m).ok());
    CHECK(m.aad_object_id == "aad-1");
    CHECK(m.email == "Kari@k.no");
    CHECK(m.user_principal_name == "kari@k.no");
    CHECK(m.tenant_id == "t1");
    const auto calls = f.transport.connector_calls();
    REQUIRE(calls.size() == 3);
    CHECK(calls[0].url == std::string(service) + "v3/conversations/a%3A1/activities/17");
    CHECK(calls[1].method == "PUT");
    CHECK(calls[1].url == std::string(service) + "v3/conversations/a%3A1/activities/18");
    CHECK(calls[2].method == "GET");
    CHECK(calls[2].url == std::string(service) + "v3/conversations/a%3A1/members/29%3Au");
    CHECK(calls[2].body.empty());
}

TEST_CASE("a 1:1 conversation is created with the bot, one member and both tenant fields",
          "[teams][connector]") {
    fixture f;
    f.reply(201, R"({"id":"a:new"})");
    const auto r = f.client.create_personal_conversation(service, "tenant-1", "29:u");
    CHECK(r.ok());
    CHECK(r.id == "a:new");
    const auto calls = f.transport.connector_calls();
    REQUIRE(calls.size() == 1);
    CHECK(calls[0].url == std::string(service) + "v3/conversations");
    CHECK(json::parse(calls[0].body) ==
          json::parse(R"({"isGroup":false,"bot":{"id":"28:app-1","name":"Kvalitetsvakt"},
                          "members":[{"id":"29:u"}],"tenantId":"tenant-1",
                          "channelData":{"tenant":{"id":"tenant-1"}}})"));
}

TEST_CASE("no token is fetched or sent for a serviceUrl off the allow-list", "[teams][connector]") {
    fixture f;
    const auto r = f.client.send("https://evil.example/", "a:1", "{}");
    CHECK(r.result == status::not_allowed);
    CHECK(f.transport.calls.empty());
}

TEST_CASE("a 401 refreshes the token once and retries once", "[teams][connector]") {
    fixture f;
    SECTION("then succeeds") {
        f.reply(401, R"({"message":"Authorization has been denied for this request."})");
        CHECK(f.client.send(service, "a:1", "{}").ok());
        const auto calls = f.transport.connector_calls();
        REQUIRE(calls.size() == 2);
        CHECK(test::header_of(calls[0], "Authorization") == "Bearer tok-1");
        CHECK(test::header_of(calls[1], "Authorization") == "Bearer tok-2");
    }
    SECTION("and stops when the fresh token is refused too") {
        f.reply(401);
        f.reply(401);
        const auto r = f.client.send(service, "a:1", "{}");
        CHECK(r.result == status::retry_later);
        CHECK(r.http_status == 401);
        CHECK(f.transport.connector_calls().size() == 2);
        CHECK(f.tokens.fetch_count() == 2);
    }
}

TEST_CASE("429 waits the Retry-After it was given", "[teams][connector]") {
    fixture f;
    SECTION("short: slept through, then sent") {
        f.reply(429, "", {{"Retry-After", "2"}});
        CHECK(f.client.send(service, "a:1", "{}").ok());
        CHECK(f.slept == std::vector<std::chrono::milliseconds>{2000ms});
    }
    SECTION("long: handed back to the outbox") {
        f.reply(429, "", {{"Retry-After", "120"}});
        const auto r = f.client.send(service, "a:1", "{}");
        CHECK(r.result == status::retry_later);
        CHECK(r.retry_after == 120s);
        CHECK(f.transport.connector_calls().size() == 1);
    }
}

TEST_CASE("412, 503 and a PUT's 502/504 are retried with backoff", "[teams][connector]") {
    fixture f;
    f.reply(412);
    f.reply(503);
    f.reply(502);
    CHECK(f.client.update(service, "a:1", "5", "{}").ok());
    CHECK(f.slept == std::vector<std::chrono::milliseconds>{500ms, 1000ms, 2000ms});
    CHECK(f.transport.connector_calls().size() == 4);
}

TEST_CASE("a POST that met 502/504 is repeated at most once", "[teams][connector]") {
    fixture f;
    f.reply(502);
    f.reply(504);
    const auto r = f.client.send(service, "a:1", "{}");
    CHECK(r.result == status::retry_later);
    CHECK(r.http_status == 504);
    CHECK(f.transport.connector_calls().size() == 2);
}

TEST_CASE("persistent failures give up within the attempt budget", "[teams][connector]") {
    fixture f;
    for (int i = 0; i < 10; ++i) {
        f.reply(503);
    }
    const auto r = f.client.send(service, "a:1", "{}");
    CHECK(r.result == status::retry_later);
    CHECK(r.retry_after.has_value());
    CHECK(f.transport.connector_calls().size() == 4);
}

TEST_CASE("permanent answers are reported without retrying", "[teams][connector]") {
    struct row {
        int http;
        const char* body;
        status expected;
    };
    const row rows[] = {
        {403, R"({"errorCode":209,"message":"{\"subCode\":\"MessageWritesBlocked\"}"})",
         status::reference_dead},
        {403, R"({"error":{"code":"BotNotInConversationRoster"}})", status::reference_dead},
        {404, R"({"error":{"code":"ActivityNotFoundInConversation"}})", status::not_found},
        {400, R"({"error":{"code":"BadSyntax","message":"Could not parse tenant id"}})",
         status::failed},
    };
    for (const auto& r : rows) {
        CAPTURE(r.http, r.body);
        fixture f;
        f.reply(r.http, r.body);
        const auto res = f.client.send(service, "a:1", "{}");
        CHECK(res.result == r.expected);
        CHECK(f.transport.connector_calls().size() == 1);
    }
}

TEST_CASE("a token endpoint that refuses our credentials is not hammered", "[teams][connector]") {
    fixture f;
    f.transport.token_replies.push_back({401, {}, R"({"error":"invalid_client"})", {}});
    const auto r = f.client.send(service, "a:1", "{}");
    CHECK(r.result == status::retry_later);
    CHECK(r.retry_after == 300s);
    CHECK(f.transport.connector_calls().empty());
}

TEST_CASE("the client keeps each conversation to its rate", "[teams][connector]") {
    fixture f;
    for (int i = 0; i < 5; ++i) {
        CHECK(f.client.send(service, "a:1", "{}").ok());
    }
    CHECK(f.slept == std::vector<std::chrono::milliseconds>{1000ms, 1000ms});
}

TEST_CASE("a card refused as too large is sent again shorter, text kept in part",
          "[teams][connector]") {
    fixture f;
    f.reply(413, R"({"error":{"code":"MessageSizeTooBig","message":"Message size too large."}})");
    f.reply(413, R"({"error":{"code":"MessageSizeTooBig"}})");
    const auto r = f.client.send_message(service, "a:1", card(17000), {});
    CHECK(r.ok());
    const auto calls = f.transport.connector_calls();
    REQUIRE(calls.size() == 3);
    CHECK(calls[1].body.size() < calls[0].body.size());
    CHECK(calls[2].body.size() < calls[1].body.size());
    CHECK(teams_payload_bytes(calls[2].body) <= teams_payload_budget / 4);
    const json sent = json::parse(calls[2].body);
    CHECK(sent["attachments"][0]["content"]["body"][1]["text"].get<std::string>().find(
              "(forkortet") != std::string::npos);
    CHECK(sent["attachments"][0]["content"]["body"][2]["actions"].size() == 1);
}

TEST_CASE("update_message PUTs the card over the stored activity id", "[teams][connector]") {
    fixture f;
    f.reply(200, R"({"id":"1700"})");
    CHECK(f.client.update_message(service, "a:1", "1700", card(), {}).ok());
    const auto calls = f.transport.connector_calls();
    REQUIRE(calls.size() == 1);
    CHECK(calls[0].method == "PUT");
    CHECK(json::parse(calls[0].body)["id"] == "1700");
}
