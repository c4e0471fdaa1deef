#include "adapters/teams/card.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <set>

#include "adapters/teams/activity.hpp"

using namespace kv::teams;
using json = nlohmann::json;
namespace bot = kv::bot;

namespace {

bot::message case_card() {
    bot::message m;
    m.title = "Avvik AV-2026-0001";
    m.facts = {{"Status", "Ny"}, {"Enhet", "Sykehjem"}};
    m.text = "Beboer falt i gangen.";
    m.subject_key = "AV-2026-0001";
    m.actions.push_back({"case.receive", "Motta", {{"case", "AV-2026-0001"}}, {}});
    bot::action assess{"case.assess", "Risikovurder", {{"case", "AV-2026-0001"}}, {}};
    assess.inputs.push_back({"probability",
                             "Sannsynlighet",
                             bot::action_input::input_kind::choice,
                             {{"1", "1 – svært lite sannsynlig"}, {"5", "5 – svært sannsynlig"}}});
    assess.inputs.push_back({"consequence",
                             "Konsekvens",
                             bot::action_input::input_kind::choice,
                             {{"1", "1"}, {"5", "5"}}});
    m.actions.push_back(assess);
    bot::action close{"case.close", "Lukk", {{"case", "AV-2026-0001"}}, {}};
    close.inputs.push_back({"conclusion", "Begrunnelse", bot::action_input::input_kind::text, {}});
    close.inputs.push_back({"note", "Merknad", bot::action_input::input_kind::text, {}, false});
    m.actions.push_back(close);
    bot::action measure{"case.add_measure", "Nytt tiltak", {{"case", "AV-2026-0001"}}, {}};
    measure.inputs.push_back({"due", "Frist", bot::action_input::input_kind::date, {}});
    measure.inputs.push_back(
        {"responsible", "Ansvarlig", bot::action_input::input_kind::person, {}});
    m.actions.push_back(measure);
    return m;
}

void collect_ids(const json& j, std::vector<std::string>& ids) {
    if (j.is_object()) {
        if (j.contains("id") && j.contains("type") &&
            j["type"].get<std::string>().rfind("Input.", 0) == 0) {
            ids.push_back(j["id"]);
        }
        for (const auto& [k, v] : j.items()) {
            collect_ids(v, ids);
        }
    } else if (j.is_array()) {
        for (const auto& v : j) {
            collect_ids(v, ids);
        }
    }
}

}  // namespace

TEST_CASE("a case message becomes an Adaptive Card 1.5 with facts and executable buttons",
          "[teams][card]") {
    const json c = json::parse(render_card(case_card()));
    CHECK(c["type"] == "AdaptiveCard");
    CHECK(c["version"] == "1.5");
    CHECK(c["body"][0]["text"] == "Avvik AV-2026-0001");
    CHECK(c["body"][1]["type"] == "FactSet");
    CHECK(c["body"][1]["facts"][1] == json{{"title", "Enhet"}, {"value", "Sykehjem"}});
    CHECK(c["body"][2]["text"] == "Beboer falt i gangen.");
    const json& set = c["body"][3];
    REQUIRE(set["type"] == "ActionSet");
    REQUIRE(set["actions"].size() == 4);
    const json& receive = set["actions"][0];
    CHECK(receive["type"] == "Action.Execute");
    CHECK(receive["verb"] == "case.receive");
    CHECK(receive["data"]["case"] == "AV-2026-0001");
    CHECK(receive["fallback"]["type"] == "Action.Submit");
    CHECK(receive["fallback"]["data"]["kv.verb"] == "case.receive");
    CHECK(receive["fallback"]["data"]["case"] == "AV-2026-0001");
    CHECK_FALSE(c.contains("refresh"));
}

TEST_CASE("inputs get unique ids per button, their kind and their required mark", "[teams][card]") {
    const json c = json::parse(render_card(case_card()));
    std::vector<std::string> ids;
    collect_ids(c, ids);
    CHECK(ids == std::vector<std::string>{"i1.probability", "i1.consequence", "i2.conclusion",
                                          "i2.note", "i3.due", "i3.responsible"});
    const json& assess = c["body"][3]["actions"][1];
    CHECK(assess["type"] == "Action.ShowCard");
    CHECK(assess["title"] == "Risikovurder");
    const json& prob = assess["card"]["body"][0];
    CHECK(prob["type"] == "Input.ChoiceSet");
    CHECK(prob["isRequired"] == true);
    CHECK(prob["label"] == "Sannsynlighet");
    CHECK(prob["choices"][0] == json{{"title", "1 – svært lite sannsynlig"}, {"value", "1"}});
    CHECK(prob["placeholder"] == "Velg …");  // nothing looks chosen before the leader chooses
    const json& inner = assess["card"]["body"][2];
    CHECK(inner["type"] == "ActionSet");
    CHECK(inner["actions"][0]["type"] == "Action.Execute");
    CHECK(inner["actions"][0]["verb"] == "case.assess");
    CHECK(inner["actions"][0]["fallback"]["type"] == "Action.Submit");
    const json& close = c["body"][3]["actions"][2]["card"]["body"];
    CHECK(close[0]["type"] == "Input.Text");
    CHECK(close[0]["isRequired"] == true);
    CHECK(close[0].contains("errorMessage"));
    CHECK(close[1]["isRequired"] == false);
    const json& measure = c["body"][3]["actions"][3]["card"]["body"];
    CHECK(measure[0]["type"] == "Input.Date");
    CHECK(measure[1]["style"] == "Email");
}

TEST_CASE("a press on a rendered button parses back to the verb, data and its inputs",
          "[teams][card]") {
    const json c = json::parse(render_card(case_card()));
    json data = c["body"][3]["actions"][1]["card"]["body"][2]["actions"][0]["data"];
    // Teams merges every input of the card into data.
    data["i1.probability"] = "3";
    data["i1.consequence"] = "5";
    data["i2.conclusion"] = "";
    const json invoke = {
        {"type", "invoke"},
        {"name", "adaptiveCard/action"},
        {"id", "f:1"},
        {"conversation", {{"id", "a:1"}}},
        {"value",
         {{"action", {{"type", "Action.Execute"}, {"verb", "case.assess"}, {"data", data}}},
          {"trigger", "manual"}}}};
    const auto a = parse_activity(invoke.dump()).activity;
    REQUIRE(a);
    CHECK(a->verb == "case.assess");
    CHECK(a->data == std::map<std::string, std::string>{{"case", "AV-2026-0001"},
                                                        {"consequence", "5"},
                                                        {"kv.subject", "AV-2026-0001"},
                                                        {"probability", "3"}});
    // The Action.Submit fallback of the same button gives the same event.
    json submit_value =
        c["body"][3]["actions"][1]["card"]["body"][2]["actions"][0]["fallback"]["data"];
    submit_value["i1.probability"] = "3";
    submit_value["i1.consequence"] = "5";
    const json message = {{"type", "message"}, {"id", "2"}, {"value", submit_value}};
    const auto s = parse_activity(message.dump()).activity;
    REQUIRE(s);
    CHECK(s->kind == activity_kind::card_submit);
    CHECK(s->verb == a->verb);
    CHECK(s->data == a->data);
}

TEST_CASE("the refresh lists the people allowed to act, at most 60", "[teams][card]") {
    card_options o;
    for (int i = 0; i < 75; ++i) {
        o.actor_user_ids.push_back("29:u" + std::to_string(i));
    }
    const json c = json::parse(render_card(case_card(), o));
    REQUIRE(c.contains("refresh"));
    CHECK(c["refresh"]["userIds"].size() == 60);
    CHECK(c["refresh"]["userIds"][59] == "29:u59");
    CHECK(c["refresh"]["action"]["type"] == "Action.Execute");
    CHECK(c["refresh"]["action"]["verb"] == "kv.refresh");
    CHECK(c["refresh"]["action"]["data"]["kv.subject"] == "AV-2026-0001");

    bot::message info = case_card();
    info.actions.clear();
    CHECK_FALSE(json::parse(render_card(info, o)).contains("refresh"));
}

TEST_CASE("invoke responses have the shapes Teams expects", "[teams][card]") {
    const json card = json::parse(invoke_card_response(case_card()));
    CHECK(card["statusCode"] == 200);
    CHECK(card["type"] == "application/vnd.microsoft.card.adaptive");
    CHECK(card["value"]["type"] == "AdaptiveCard");
    CHECK(json::parse(invoke_message_response("Ferdig")) ==
          json{{"statusCode", 200},
               {"type", "application/vnd.microsoft.activity.message"},
               {"value", "Ferdig"}});
    CHECK(json::parse(invoke_error_response(400, "BadRequest", "Missing value property")) ==
          json{{"statusCode", 400},
               {"type", "application/vnd.microsoft.error"},
               {"value", {{"code", "BadRequest"}, {"message", "Missing value property"}}}});
}

TEST_CASE("the outbound activity carries the card; an update carries the id it replaces",
          "[teams][card]") {
    const json a = json::parse(render_message_activity(case_card(), {}, {"28:bot", "a:1Qh", ""}));
    CHECK(a["type"] == "message");
    CHECK(a["from"]["id"] == "28:bot");
    CHECK(a["conversation"]["id"] == "a:1Qh");
    CHECK_FALSE(a.contains("id"));
    CHECK(a["attachments"][0]["contentType"] == "application/vnd.microsoft.card.adaptive");
    CHECK(a["attachments"][0]["content"]["version"] == "1.5");
    const json u =
        json::parse(render_message_activity(case_card(), {}, {"28:bot", "a:1Qh", "1700"}));
    CHECK(u["id"] == "1700");
}

TEST_CASE("Teams counts payload size in UTF-16", "[teams][card]") {
    CHECK(teams_payload_bytes("abc") == 6);
    CHECK(teams_payload_bytes("æøå") == 6);               // 2 bytes each in UTF-8, 1 unit each
    CHECK(teams_payload_bytes("\xF0\x9F\x98\x80") == 4);  // one emoji: a surrogate pair
}

TEST_CASE("a message over the size limit is shortened, never dropped", "[teams][card]") {
    bot::message m = case_card();
    m.text = std::string(30000, 'x') + "æ";
    m.facts.push_back({"Beskrivelse", std::string(20000, 'y')});
    const std::string body = render_message_activity(m, {}, {"28:bot", "a:1", ""});
    CHECK(teams_payload_bytes(body) <= teams_payload_budget);
    const json a = json::parse(body);  // still valid UTF-8 and JSON
    const json& card = a["attachments"][0]["content"];
    CHECK(card["body"][0]["text"] == "Avvik AV-2026-0001");
    CHECK(card["body"][1]["facts"].size() == 3);
    CHECK(card["body"][1]["facts"][2]["value"].get<std::string>().find("(forkortet") !=
          std::string::npos);
    CHECK(card["body"][2]["text"].get<std::string>().rfind("xxxx", 0) == 0);
    CHECK(card["body"][2]["text"].get<std::string>().find("(forkortet") != std::string::npos);
    CHECK(card["body"][3]["actions"].size() == 4);

    const bot::message small = case_card();
    CHECK(fit_to_size(small, {}).text == small.text);
}

TEST_CASE("multi-byte text is cut at a character boundary", "[teams][card]") {
    bot::message m;
    m.title = "T";
    m.text = std::string(40000, 'x');
    for (int i = 0; i < 5000; ++i) {
        m.text += "ø";
    }
    const auto fitted = fit_to_size(m, {}, 20000);
    CHECK(teams_payload_bytes(render_card(fitted)) <= 20000);
    CHECK_NOTHROW(json::parse(render_card(fitted)));
}

TEST_CASE("the welcome explains in Norwegian how to file a deviation", "[teams][card]") {
    const auto w = welcome_message();
    CHECK(w.title == "Hei! Jeg er Kvalitetsvakt");
    CHECK(w.text.find("avvik:") != std::string::npos);
    CHECK(w.text.find("meld avvik") != std::string::npos);
    CHECK(w.text.find("hjelp") != std::string::npos);
}

namespace {

bot::message filing_form() {
    bot::message m;
    m.title = "Meld avvik";
    m.text = "Fyll ut og trykk «Send inn».";
    bot::action submit{"draft.form_submit", "Send inn", {}, {}};
    submit.form = true;
    bot::action_input kind{"kind",
                           "Type",
                           bot::action_input::input_kind::choice,
                           {{"avvik", "Avvik"}, {"nestenuhell", "Nestenuhell"}}};
    kind.value = "avvik";
    bot::action_input date{"date", "Dato", bot::action_input::input_kind::date, {}};
    date.value = "2026-11-23";
    bot::action_input time{"time", "Klokkeslett", bot::action_input::input_kind::time, {}};
    time.value = "11:00";
    bot::action_input what{"description", "Hva skjedde?", bot::action_input::input_kind::text, {}};
    bot::action_input immediate{
        "immediate_action", "Strakstiltak", bot::action_input::input_kind::text, {}};
    immediate.required = false;
    submit.inputs = {kind, date, time, what, immediate};
    m.actions.push_back(submit);
    m.actions.push_back({"draft.cancel", "Avbryt", {}, {}});
    return m;
}

}  // namespace

TEST_CASE("a form shows its inputs in the card, preset, above a button that submits them",
          "[teams][card]") {
    const json c = json::parse(render_card(filing_form()));
    const json& body = c["body"];
    REQUIRE(body.size() == 8);  // title, text, five inputs, the buttons
    CHECK(body[2]["type"] == "Input.ChoiceSet");
    CHECK(body[2]["id"] == "i0.kind");
    CHECK(body[2]["value"] == "avvik");
    CHECK_FALSE(body[2].contains("placeholder"));  // a preset choice needs none
    CHECK(body[3]["type"] == "Input.Date");
    CHECK(body[3]["value"] == "2026-11-23");
    CHECK(body[4]["type"] == "Input.Time");
    CHECK(body[4]["value"] == "11:00");
    CHECK(body[5]["type"] == "Input.Text");
    CHECK(body[5]["isMultiline"] == true);
    CHECK(body[5]["isRequired"] == true);
    CHECK_FALSE(body[5].contains("value"));
    CHECK(body[6]["isRequired"] == false);
    const json& buttons = body[7];
    REQUIRE(buttons["type"] == "ActionSet");
    REQUIRE(buttons["actions"].size() == 2);
    CHECK(buttons["actions"][0]["type"] == "Action.Execute");
    CHECK(buttons["actions"][0]["verb"] == "draft.form_submit");
    CHECK(buttons["actions"][0]["fallback"]["type"] == "Action.Submit");
    CHECK(buttons["actions"][1]["verb"] == "draft.cancel");
}

TEST_CASE("one press on a form, by Action.Execute or by Action.Submit, returns every input",
          "[teams][card]") {
    const json c = json::parse(render_card(filing_form()));
    const json& button = c["body"][7]["actions"][0];
    const json typed = {{"i0.kind", "nestenuhell"},
                        {"i0.date", "2026-11-22"},
                        {"i0.time", "21:15"},
                        {"i0.description", "Feil medisin lagt fram"},
                        {"i0.immediate_action", ""}};
    json data = button["data"];
    data.update(typed);
    const json invoke = {
        {"type", "invoke"},
        {"name", "adaptiveCard/action"},
        {"id", "f:9"},
        {"conversation", {{"id", "a:1"}}},
        {"value",
         {{"action", {{"type", "Action.Execute"}, {"verb", "draft.form_submit"}, {"data", data}}},
          {"trigger", "manual"}}}};
    const auto a = parse_activity(invoke.dump()).activity;
    REQUIRE(a);
    CHECK(a->kind == activity_kind::card_action);
    CHECK(a->verb == "draft.form_submit");
    const std::map<std::string, std::string> expected{{"date", "2026-11-22"},
                                                      {"description", "Feil medisin lagt fram"},
                                                      {"immediate_action", ""},
                                                      {"kind", "nestenuhell"},
                                                      {"time", "21:15"}};
    CHECK(a->data == expected);
    json value = button["fallback"]["data"];
    value.update(typed);
    const auto s =
        parse_activity(json{{"type", "message"}, {"id", "3"}, {"value", value}}.dump()).activity;
    REQUIRE(s);
    CHECK(s->kind == activity_kind::card_submit);
    CHECK(s->verb == "draft.form_submit");
    CHECK(s->data == expected);
}
