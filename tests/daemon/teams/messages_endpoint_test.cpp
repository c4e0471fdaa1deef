#include "daemon/teams/messages_endpoint.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <vector>

using namespace kv::daemon;
using json = nlohmann::json;

namespace {

struct fixture {
    std::vector<kv::teams::inbound_activity> queued;
    std::vector<std::string> invoked;
    std::vector<std::string> auth_seen;  // "<header>|<serviceUrl>|<channelId>"
    router routes{{teams_messages_route(
        {[this](std::string_view h, std::string_view url, std::string_view ch) {
             auth_seen.push_back(std::string(h) + "|" + std::string(url) + "|" + std::string(ch));
             return kv::teams::auth_result{h == "Bearer good", "R8 bad signature"};
         },
         [this](kv::teams::inbound_activity a) { queued.push_back(std::move(a)); },
         [this](const kv::teams::inbound_activity& a) {
             invoked.push_back(a.verb);
             return std::string(
                 R"({"statusCode":200,"type":"application/vnd.microsoft.card.adaptive","value":{}})");
         }},
        1024)}};

    http_response post(std::string body, std::string auth = "Bearer good",
                       std::string method = "POST") {
        http_request r;
        r.method = std::move(method);
        r.target = r.path = "/api/messages";
        if (!auth.empty()) {
            r.headers.add("Authorization", auth);
        }
        r.body = std::move(body);
        return routes.handle(std::move(r));
    }
};

const std::string message =
    R"({"type":"message","id":"1","serviceUrl":"https://smba.trafficmanager.net/emea/",
        "channelId":"msteams","from":{"id":"29:u"},"recipient":{"id":"28:b"},
        "conversation":{"id":"a:1"},"text":"hjelp"})";

std::string invoke(const std::string& value) {
    return R"({"type":"invoke","name":"adaptiveCard/action","id":"f:1",
        "serviceUrl":"https://smba.trafficmanager.net/emea/","channelId":"msteams",
        "conversation":{"id":"a:1"})" +
           (value.empty() ? std::string() : ",\"value\":" + value) + "}";
}

}  // namespace

TEST_CASE("a message is answered 200 with no body and handled afterwards", "[teams][endpoint]") {
    fixture f;
    const auto r = f.post(message);
    CHECK(r.status == 200);
    CHECK(r.body.empty());
    REQUIRE(f.queued.size() == 1);
    CHECK(f.queued[0].text == "hjelp");
    CHECK(f.auth_seen ==
          std::vector<std::string>{"Bearer good|https://smba.trafficmanager.net/emea/|msteams"});
}

TEST_CASE("requests that are not a valid activity from Teams are refused", "[teams][endpoint]") {
    struct row {
        const char* label;
        std::string method, auth, body;
        int status;
    };
    const row rows[] = {
        {"GET", "GET", "Bearer good", message, 405},
        {"PUT", "PUT", "Bearer good", message, 405},
        {"no Authorization", "POST", "", message, 401},
        {"blank Authorization", "POST", "  ", message, 401},
        {"bad token", "POST", "Bearer bad", message, 401},
        {"not JSON", "POST", "Bearer good", "{\"type\":", 400},
        {"no type", "POST", "Bearer good", "{\"id\":\"1\"}", 400},
        {"over the body limit", "POST", "Bearer good", std::string(1025, ' '), 413},
    };
    for (const auto& r : rows) {
        CAPTURE(r.label);
        fixture f;
        const auto res = f.post(r.body, r.auth, r.method);
        CHECK(res.status == r.status);
        if (r.status == 401) {
            CHECK(res.body.empty());  // no detail for the caller
        }
        CHECK(f.queued.empty());
        CHECK(f.invoked.empty());
    }
}

TEST_CASE("a button press is answered with the invoke response", "[teams][endpoint]") {
    fixture f;
    const auto r = f.post(invoke(R"({"action":{"type":"Action.Execute","verb":"case.receive",
                                     "data":{"case":"AV-2026-0001"}},"trigger":"manual"})"));
    CHECK(r.status == 200);
    CHECK(r.content_type.find("application/json") == 0);
    CHECK(json::parse(r.body)["statusCode"] == 200);
    CHECK(f.invoked == std::vector<std::string>{"case.receive"});
    CHECK(f.queued.empty());
}

TEST_CASE("malformed and unknown invokes get the answers of the protocol", "[teams][endpoint]") {
    fixture f;
    SECTION("no value") {
        const auto r = f.post(invoke(""));
        CHECK(r.status == 200);
        CHECK(json::parse(r.body) ==
              json::parse(R"({"statusCode":400,"type":"application/vnd.microsoft.error",
                  "value":{"code":"BadRequest","message":"Missing value property"}})"));
    }
    SECTION("not Action.Execute") {
        const auto r = f.post(invoke(R"({"action":{"type":"Action.Submit"}})"));
        CHECK(json::parse(r.body)["value"]["code"] == "NotSupported");
    }
    SECTION("another invoke name") {
        const auto r = f.post(R"({"type":"invoke","name":"task/fetch","serviceUrl":"https://s/",
                                 "channelId":"msteams"})");
        CHECK(r.status == 501);
    }
    CHECK(f.invoked.empty());
}

TEST_CASE("unknown activity types are acknowledged and dropped", "[teams][endpoint]") {
    fixture f;
    const auto r =
        f.post(R"({"type":"messageReaction","serviceUrl":"https://s/","channelId":"msteams"})");
    CHECK(r.status == 200);
    CHECK(f.queued.empty());
}
