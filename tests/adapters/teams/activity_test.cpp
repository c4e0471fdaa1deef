#include "adapters/teams/activity.hpp"

#include <catch2/catch.hpp>

using namespace kv::teams;

namespace {

const char* personal_message = R"({
  "type": "message", "id": "1732100102123",
  "timestamp": "2025-11-20T10:55:02.123Z",
  "serviceUrl": "https://smba.trafficmanager.net/emea/", "channelId": "msteams",
  "from": { "id": "29:1Xy", "name": "Kari Nordmann", "aadObjectId": "6f1c-9a2b" },
  "conversation": { "conversationType": "personal", "tenantId": "0d3e", "id": "a:1Qh" },
  "recipient": { "id": "28:1111", "name": "Kvalitetsvakt" },
  "textFormat": "plain", "locale": "nb-NO", "text": "nytt avvik",
  "attachments": [ { "contentType": "text/html", "content": "<p>nytt avvik</p>" } ],
  "channelData": { "tenant": { "id": "0d3e" } }
})";

inbound_activity parse_ok(const std::string& body) {
    auto r = parse_activity(body);
    REQUIRE(r.activity);
    return *r.activity;
}

}  // namespace

TEST_CASE("a personal chat message gives its text and a full conversation reference",
          "[teams][activity]") {
    const auto a = parse_ok(personal_message);
    CHECK(a.kind == activity_kind::message);
    CHECK(a.text == "nytt avvik");
    CHECK(a.from.aad_object_id == "6f1c-9a2b");
    CHECK(a.tenant_id == "0d3e");
    const auto& ref = a.reference;
    CHECK(ref.service_url == "https://smba.trafficmanager.net/emea/");
    CHECK(ref.channel_id == "msteams");
    CHECK(ref.conversation_id == "a:1Qh");
    CHECK(ref.conversation_type == "personal");
    CHECK_FALSE(ref.is_group);
    CHECK(ref.bot.id == "28:1111");
    CHECK(ref.user.id == "29:1Xy");
    CHECK(ref.activity_id == "1732100102123");
    CHECK(ref.locale == "nb-NO");
    CHECK(activity_dedupe_key(a) == "teams:a:1Qh|1732100102123");
}

TEST_CASE("bodies that are not an activity are refused with a reason", "[teams][activity]") {
    struct row {
        const char* label;
        const char* body;
        const char* reason;
    };
    const row rows[] = {
        {"not JSON", "{\"type\":", "body is not a JSON object"},
        {"array", "[1,2]", "body is not a JSON object"},
        {"string", "\"message\"", "body is not a JSON object"},
        {"no type", "{\"id\":\"1\"}", "activity has no type"},
        {"type not a string", "{\"type\":3}", "activity has no type"},
        {"empty type", "{\"type\":\"\"}", "activity has no type"},
    };
    for (const auto& r : rows) {
        CAPTURE(r.label);
        const auto res = parse_activity(r.body);
        CHECK_FALSE(res.activity);
        CHECK(res.failure.reason == r.reason);
    }
}

TEST_CASE("only mentions of the bot are stripped from channel messages", "[teams][activity]") {
    const auto a = parse_ok(R"({
      "type": "message", "id": "1", "serviceUrl": "https://s/", "channelId": "msteams",
      "from": { "id": "29:u" }, "recipient": { "id": "28:bot", "name": "Kvalitetsvakt" },
      "conversation": { "id": "19:c@thread.tacv2;messageid=17", "conversationType": "channel",
                        "isGroup": true, "tenantId": "t" },
      "text": "<at>Kvalitetsvakt</at> avvik: <at>Per</at> falt i trappa",
      "entities": [
        { "type": "mention", "text": "<at>Kvalitetsvakt</at>", "mentioned": { "id": "28:bot" } },
        { "type": "mention", "text": "<at>Per</at>", "mentioned": { "id": "29:per" } },
        { "type": "clientInfo", "locale": "nb-NO" } ],
      "channelData": { "team": { "id": "19:team" }, "channel": { "id": "19:chan" } }
    })");
    CHECK(a.kind == activity_kind::message);
    CHECK(a.text == "avvik: <at>Per</at> falt i trappa");
    CHECK(a.reference.is_group);
    CHECK(a.reference.team_id == "19:team");
    CHECK(a.reference.team_channel_id == "19:chan");
}

TEST_CASE("an Action.Submit returns the verb, data and only the pressed button's inputs",
          "[teams][activity]") {
    const auto a = parse_ok(R"({
      "type": "message", "id": "2", "replyToId": "1700", "serviceUrl": "https://s/",
      "channelId": "msteams", "from": { "id": "29:u", "aadObjectId": "aad" },
      "recipient": { "id": "28:bot" }, "conversation": { "id": "a:1", "tenantId": "t" },
      "value": { "kv.verb": "case.close", "kv.slot": "3", "kv.subject": "AV-2026-0001",
                 "case": "AV-2026-0001", "i3.conclusion": "Rutine endret",
                 "i1.probability": "4", "count": 2 }
    })");
    CHECK(a.kind == activity_kind::card_submit);
    CHECK(a.verb == "case.close");
    CHECK(a.reply_to_id == "1700");
    CHECK(a.data == std::map<std::string, std::string>{{"case", "AV-2026-0001"},
                                                       {"conclusion", "Rutine endret"},
                                                       {"count", "2"},
                                                       {"kv.subject", "AV-2026-0001"}});
}

TEST_CASE("an Action.Execute invoke gives verb and data; refresh and bad invokes are told apart",
          "[teams][activity]") {
    const std::string head =
        R"({"type":"invoke","name":"adaptiveCard/action","id":"f:9","replyToId":"1700",
            "serviceUrl":"https://s/","channelId":"msteams","from":{"id":"29:u"},
            "recipient":{"id":"28:bot"},"conversation":{"id":"a:1","tenantId":"t"})";
    SECTION("manual press") {
        const auto a = parse_ok(head + R"(,"value":{"action":{"type":"Action.Execute",
            "verb":"case.assess","data":{"kv.slot":"1","case":"AV-2026-0001",
            "i1.probability":"3","i1.consequence":"4","i2.reason":"x"}},"trigger":"manual"}})");
        CHECK(a.kind == activity_kind::card_action);
        CHECK(a.invoke_error_code.empty());
        CHECK(a.verb == "case.assess");
        CHECK(a.data == std::map<std::string, std::string>{
                            {"case", "AV-2026-0001"}, {"consequence", "4"}, {"probability", "3"}});
        CHECK(activity_dedupe_key(a).rfind("teams:a:1|f:9|case.assess|", 0) == 0);
    }
    SECTION("automatic refresh") {
        const auto a = parse_ok(head + R"(,"value":{"action":{"type":"Action.Execute",
            "verb":"kv.refresh","data":{"kv.subject":"AV-2026-0001"}},"trigger":"automatic"}})");
        CHECK(a.kind == activity_kind::card_refresh);
        CHECK(a.data.at("kv.subject") == "AV-2026-0001");
    }
    SECTION("missing value") {
        CHECK(parse_ok(head + "}").invoke_error_code == "BadRequest");
    }
    SECTION("not Action.Execute") {
        CHECK(
            parse_ok(head + R"(,"value":{"action":{"type":"Action.Submit"}}})").invoke_error_code ==
            "NotSupported");
    }
}

TEST_CASE("the same press with other data is another dedupe key", "[teams][activity]") {
    const std::string head =
        R"({"type":"invoke","name":"adaptiveCard/action","id":"f:9","conversation":{"id":"a:1"},
            "value":{"action":{"type":"Action.Execute","verb":"v","data":)";
    const auto a = parse_ok(head + R"({"x":"1"}}}})");
    const auto b = parse_ok(head + R"({"x":"2"}}}})");
    const auto c = parse_ok(head + R"({ "x" : "1" }}}})");
    CHECK(activity_dedupe_key(a) != activity_dedupe_key(b));
    CHECK(activity_dedupe_key(a) == activity_dedupe_key(c));
}

TEST_CASE("installation, roster and other activity types are classified", "[teams][activity]") {
    struct row {
        const char* label;
        const char* body;
        activity_kind kind;
    };
    const row rows[] = {
        {"bot added", R"({"type":"conversationUpdate","recipient":{"id":"28:b"},
            "membersAdded":[{"id":"29:u"},{"id":"28:b"}]})",
         activity_kind::installed},
        {"bot removed", R"({"type":"conversationUpdate","recipient":{"id":"28:b"},
            "membersRemoved":[{"id":"28:b"}]})",
         activity_kind::uninstalled},
        {"member added", R"({"type":"conversationUpdate","recipient":{"id":"28:b"},
            "membersAdded":[{"id":"29:u"}],"channelData":{"eventType":"teamMemberAdded"}})",
         activity_kind::roster_changed},
        {"install add", R"({"type":"installationUpdate","action":"add"})",
         activity_kind::installed},
        {"install upgrade", R"({"type":"installationUpdate","action":"add-upgrade"})",
         activity_kind::installed},
        {"uninstall", R"({"type":"installationUpdate","action":"remove"})",
         activity_kind::uninstalled},
        {"uninstall upgrade", R"({"type":"installationUpdate","action":"remove-upgrade"})",
         activity_kind::uninstalled},
        {"legacy invoke", R"({"type":"invoke","value":{"kv.verb":"case.show"}})",
         activity_kind::legacy_invoke},
        {"task fetch", R"({"type":"invoke","name":"task/fetch"})", activity_kind::other_invoke},
        {"reaction", R"({"type":"messageReaction","reactionsAdded":[{"type":"like"}]})",
         activity_kind::ignored},
        {"typing", R"({"type":"typing"})", activity_kind::ignored},
        {"unknown", R"({"type":"somethingNew"})", activity_kind::ignored},
    };
    for (const auto& r : rows) {
        CAPTURE(r.label);
        CHECK(parse_ok(r.body).kind == r.kind);
    }
}

TEST_CASE("a message whose value is empty is read as text", "[teams][activity]") {
    const auto a = parse_ok(R"({"type":"message","text":"  hjelp ","value":{}})");
    CHECK(a.kind == activity_kind::message);
    CHECK(a.text == "hjelp");
}
