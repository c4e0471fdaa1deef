#include "daemon/store/message_json.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <optional>

#include "daemon/store/sqlite.hpp"

using namespace kv;
using namespace kv::daemon;

namespace {

bot::message sample_message() {
    bot::message m;
    m.title = "Nytt avvik AV-2026-0001";
    m.facts = {{"Enhet", "Helse og omsorg"}, {"Kategori", "Tjeneste"}};
    m.text = "Ola har meldt et avvik.\nSe og ta imot.";
    bot::action receive;
    receive.verb = "case.receive";
    receive.label = "Ta imot";
    receive.data = {{"case", "AV-2026-0001"}};
    bot::action assess;
    assess.verb = "case.assess";
    assess.label = "Vurder";
    assess.data = {{"case", "AV-2026-0001"}};
    assess.inputs = {{"probability",
                      "Sannsynlighet",
                      bot::action_input::input_kind::choice,
                      {{"1", "Lav"}, {"5", "Høy"}},
                      true},
                     {"due", "Frist", bot::action_input::input_kind::date, {}, false}};
    bot::action file;
    file.verb = "draft.form_submit";
    file.label = "Send inn";
    file.form = true;
    file.inputs = {{"time", "Klokkeslett", bot::action_input::input_kind::time, {}, true, "21:30"}};
    m.actions = {receive, assess, file};
    m.subject_key = "case:AV-2026-0001";
    return m;
}

constexpr std::string_view sample_json = R"json({
  "actions": [
    {"data": {"case": "AV-2026-0001"}, "form": false, "inputs": [], "label": "Ta imot",
     "verb": "case.receive"},
    {"data": {"case": "AV-2026-0001"}, "form": false,
     "inputs": [
       {"choices": [{"label": "Lav", "value": "1"}, {"label": "Høy", "value": "5"}],
        "kind": "choice", "label": "Sannsynlighet", "name": "probability", "required": true,
        "value": ""},
       {"choices": [], "kind": "date", "label": "Frist", "name": "due", "required": false,
        "value": ""}],
     "label": "Vurder", "verb": "case.assess"},
    {"data": {}, "form": true,
     "inputs": [{"choices": [], "kind": "time", "label": "Klokkeslett", "name": "time",
                 "required": true, "value": "21:30"}],
     "label": "Send inn", "verb": "draft.form_submit"}],
  "facts": [{"label": "Enhet", "value": "Helse og omsorg"},
            {"label": "Kategori", "value": "Tjeneste"}],
  "subject_key": "case:AV-2026-0001",
  "text": "Ola har meldt et avvik.\nSe og ta imot.",
  "title": "Nytt avvik AV-2026-0001"
})json";

// As rows were written before forms: no "form" on actions, no "value" on inputs.
constexpr std::string_view row_before_forms = R"json({
  "actions": [{"data": {"case": "AV-2026-0001"},
               "inputs": [{"choices": [], "kind": "date", "label": "Frist", "name": "due",
                           "required": false}],
               "label": "Vurder", "verb": "case.assess"}],
  "facts": [], "subject_key": "", "text": "", "title": "Nytt avvik"
})json";

}  // namespace

TEST_CASE("a message is stored as the documented JSON and reads back unchanged", "[store]") {
    const auto m = sample_message();
    CHECK(nlohmann::json::parse(message_to_json(m)) == nlohmann::json::parse(sample_json));

    const auto back = message_from_json(sample_json);
    CHECK(message_to_json(back) == message_to_json(m));
    REQUIRE(back.actions.size() == 3);
    CHECK(back.actions[1].inputs[0].choices[1].second == "Høy");
    CHECK(back.actions[1].inputs[1].kind == bot::action_input::input_kind::date);
    CHECK_FALSE(back.actions[1].inputs[1].required);
    // A form keeps its shape and the values it was sent with.
    CHECK(back.actions[2].form);
    CHECK(back.actions[2].inputs[0].kind == bot::action_input::input_kind::time);
    CHECK(back.actions[2].inputs[0].value == "21:30");

    const auto old = message_from_json(row_before_forms);
    REQUIRE(old.actions.size() == 1);
    CHECK_FALSE(old.actions[0].form);
    CHECK(old.actions[0].inputs[0].value.empty());
}

TEST_CASE("stored JSON that is not a message is reported, not guessed at", "[store]") {
    struct row {
        const char* label;
        std::string json;
        std::string message;
    };
    const row rows[] = {
        {"not JSON", "{", "stored message is not valid: "},
        {"missing title", R"({"facts":[],"text":"","actions":[],"subject_key":""})",
         "stored message is not valid: [json.exception.out_of_range.403] key 'title' not found"},
        {"unknown input kind",
         R"({"title":"t","facts":[],"text":"","subject_key":"","actions":[{"verb":"v","label":"l",
            "data":{},"inputs":[{"name":"n","label":"l","kind":"slider","choices":[],
            "required":true}]}]})",
         "stored message is not valid: unknown input kind 'slider'"},
    };
    for (const auto& r : rows) {
        CAPTURE(r.label);
        try {
            message_from_json(r.json);
            FAIL("accepted " << r.json);
        } catch (const store_error& e) {
            CHECK_THAT(e.what(), Catch::StartsWith(r.message));
            CHECK(e.code() == 0);
        }
    }
}

TEST_CASE("dialog state round-trips through JSON", "[store]") {
    const bot::conversation_state c{"file", {{"unit", "helse"}, {"what", "Fall i gangen"}}};
    const auto json = conversation_to_json(c);
    CHECK(nlohmann::json::parse(json) ==
          nlohmann::json::parse(
              R"({"flow": "file", "fields": {"unit": "helse", "what": "Fall i gangen"}})"));
    const auto back = conversation_from_json(json);
    CHECK(back.flow == "file");
    CHECK(back.fields == c.fields);
}

TEST_CASE("a stored dialog state reads back as the JSON parser reads it, escapes and all",
          "[store]") {
    // What the full parser makes of `json`, or nullopt when it refuses it.
    const auto parsed = [](const std::string& json) -> std::optional<bot::conversation_state> {
        try {
            const auto j = nlohmann::json::parse(json);
            bot::conversation_state c;
            j.at("flow").get_to(c.flow);
            j.at("fields").get_to(c.fields);
            return c;
        } catch (const std::exception&) {
            return std::nullopt;
        }
    };
    const std::string stored[] = {
        R"({"fields":{},"flow":""})",
        R"({"fields":{"description":"Beboer falt på badet","unit":"solbakken"},"flow":"file"})",
        R"({"fields":{"a":"1","a":"2"},"flow":"x"})",
        R"({"fields":{"q":"\"sitat\" \\ \/ \b\f\n\r\t"},"flow":"file"})",
        R"({"fields":{"u":"\u00e6\u00F8 \u0001 \ud83d\ude00 \u20ac"},"flow":"file"})",
        R"({"fields":{"emoji":"😀 ø"},"flow":"file"})",
        R"({"flow":"file","fields":{"unit":"helse"}})",        // other key order
        R"({ "fields": {"unit": "helse"}, "flow": "file" })",  // whitespace
        R"({"fields":{"lone":"\ud83d x"},"flow":"file"})",
        R"({"fields":{"low":"\ude00"},"flow":"file"})",
        R"({"fields":{"bad":"\x41"},"flow":"file"})",
        R"({"fields":{"short":"\u00e"},"flow":"file"})",
        R"({"fields":{"raw":"tab	here"},"flow":"file"})",
        "{\"fields\":{\"broken\":\"\xC3 halv\"},\"flow\":\"file\"}",
        "{\"fields\":{\"surrogate\":\"\xED\xA0\x80\"},\"flow\":\"file\"}",
        R"({"fields":{"n":1},"flow":"file"})",
        R"({"fields":{"unit":"helse"},"flow":"file"}x)",
        R"({"fields":{"unit":"helse"},"flow":"file")",
    };
    for (const auto& json : stored) {
        CAPTURE(json);
        const auto expected = parsed(json);
        if (expected) {
            const auto got = conversation_from_json(json);
            CHECK(got.flow == expected->flow);
            CHECK(got.fields == expected->fields);
        } else {
            CHECK_THROWS_AS(conversation_from_json(json), store_error);
        }
    }
    // And what the store writes reads back unchanged, whatever the text holds.
    const bot::conversation_state c{
        "file", {{"description", "Linje 1\nLinje 2 \"sitat\" æøå 😀 \x01"}, {"unit", "helse"}}};
    const auto back = conversation_from_json(conversation_to_json(c));
    CHECK(back.flow == c.flow);
    CHECK(back.fields == c.fields);
}

TEST_CASE("text with quotes, control characters and broken UTF-8 is stored as valid JSON",
          "[store]") {
    bot::message m;
    m.title = "Sitat \"her\" og \\ skråstrek";
    m.text = std::string{"Linje 1\nLinje 2\ttab \x01 bell\x7f æøå 😀 "} + "\xC3" + " halv" +
             "\xED\xA0\x80" + " surrogat" + "\xF5" + " utenfor";
    m.facts = {{"Nøkkel\r", "verdi\b\f"}};
    const auto stored = message_to_json(m);
    const auto parsed = nlohmann::json::parse(stored);  // throws if the JSON were not valid
    CHECK(parsed.at("title") == "Sitat \"her\" og \\ skråstrek");
    // Broken sequences become U+FFFD, exactly as nlohmann's replace handler writes them.
    nlohmann::json expected = m.text;
    CHECK(parsed.at("text").dump() ==
          expected.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    CHECK(message_from_json(stored).facts.at(0).value == "verdi\b\f");
}
