#include "bot/dialog/filing_form.hpp"

#include <catch2/catch.hpp>
#include <map>
#include <string>

#include "tests/support/fake_ports.hpp"

namespace {

using kv::test::at_vik;
using kv::test::bot_harness;
using kv::test::flatten;
using kv::test::has;
using kv::test::monday_morning;
using kv::test::small_municipality;
namespace bot = kv::bot;

using form_values = std::map<std::string, std::string>;

struct teams_filing {
    bot_harness h{small_municipality(), monday_morning};
    const std::string kari = at_vik("kari");

    bot::decision say(const std::string& email, std::string text) {
        bot::inbound_event ev;
        ev.sender_email = email;
        ev.via = bot::channel::teams;
        ev.text = std::move(text);
        return h.world.handle(h.b, ev, h.now);
    }
    bot::decision submit(const std::string& email, form_values data) {
        bot::inbound_event ev;
        ev.sender_email = email;
        ev.via = bot::channel::teams;
        ev.action_verb = std::string(bot::form_submit_verb);
        ev.action_data = std::move(data);
        return h.world.handle(h.b, ev, h.now);
    }
};

const bot::action_input& input(const bot::message& m, const std::string& name) {
    for (const auto& a : m.actions) {
        for (const auto& in : a.inputs) {
            if (in.name == name) {
                return in;
            }
        }
    }
    FAIL("no input " << name);
    throw std::logic_error("unreachable");
}

form_values complete_form() {
    return {{"kind", "nestenuhell"},
            {"category", "tjeneste"},
            {"unit", "sykehjem"},
            {"date", "2026-11-23"},
            {"time", "08:30"},
            {"description", "Feil medisin lagt fram til beboer, oppdaget før utdeling"},
            {"immediate_action", "Riktig medisin lagt fram"}};
}

}  // namespace

TEST_CASE_METHOD(teams_filing, "in Teams «meld avvik» opens one form with every field, preset",
                 "[bot]") {
    const auto d = say(kari, "meld avvik");
    REQUIRE(d.replies.size() == 1);
    const auto& form = d.replies[0];
    REQUIRE(form.actions.size() == 1);
    CHECK(form.actions[0].verb == "draft.form_submit");
    CHECK(form.actions[0].form);
    CHECK(input(form, "kind").kind == bot::action_input::input_kind::choice);
    CHECK(input(form, "kind").value == "avvik");
    CHECK(input(form, "category").choices.size() == 3);
    CHECK(input(form, "category").value.empty());
    const auto& unit = input(form, "unit");
    CHECK(unit.value == "sykehjem");
    REQUIRE(unit.choices.size() == 5);  // the whole organisation, her own unit first
    CHECK(unit.choices[0].first == "sykehjem");
    CHECK(input(form, "date").kind == bot::action_input::input_kind::date);
    CHECK(input(form, "date").value == "2026-11-23");
    CHECK(input(form, "time").kind == bot::action_input::input_kind::time);
    CHECK(input(form, "time").value == "11:00");  // Oslo time, not UTC
    CHECK(input(form, "description").required);
    CHECK_FALSE(input(form, "immediate_action").required);
    CHECK_FALSE(d.conversation.has_value());  // the form holds its own state
    CHECK(h.world.repo.cases().empty());
}

TEST_CASE_METHOD(teams_filing, "on the console «meld avvik» still asks step by step", "[bot]") {
    const auto d = h.say(kari, "meld avvik");
    REQUIRE(d.replies.size() == 1);
    CHECK(has(d.replies[0].text, "Beskriv kort hva som skjedde."));
    CHECK(d.replies[0].actions.empty());
}

TEST_CASE_METHOD(teams_filing, "one press files the form: receipt first, leaders told", "[bot]") {
    const auto d = submit(kari, complete_form());
    REQUIRE(h.world.repo.cases().size() == 1);
    const auto& c = h.world.repo.cases()[0];
    CHECK(c.human_id == "AV-2026-0001");
    CHECK(c.kind == bot::case_kind::nestenuhell);
    CHECK(c.cat == bot::category::tjeneste);
    CHECK(c.unit_id == "sykehjem");
    CHECK(c.occurred == "2026-11-23 08:30");
    CHECK(c.immediate_action == "Riktig medisin lagt fram");
    CHECK(c.reporter_email == kari);
    REQUIRE(d.replies.size() == 1);
    CHECK(d.replies[0].subject_key == "AV-2026-0001");
    CHECK(has(d.replies[0].title, "AV-2026-0001"));
    CHECK(has(flatten(d.replies[0]), "Status: Ny"));
    CHECK(h.world.received(at_vik("leder.sol")).size() == 1);
}

TEST_CASE_METHOD(teams_filing, "an empty immediate action is stored as none", "[bot]") {
    auto form = complete_form();
    form["immediate_action"] = "  ";
    submit(kari, form);
    REQUIRE(h.world.repo.cases().size() == 1);
    CHECK(h.world.repo.cases()[0].immediate_action == "Ingen");
}

TEST_CASE_METHOD(teams_filing, "identity numbers typed in the form are removed before storing",
                 "[bot]") {
    auto form = complete_form();
    form["description"] = "Beboer 15076500565 fikk feil medisin";
    const auto d = submit(kari, form);
    REQUIRE(h.world.repo.cases().size() == 1);
    CHECK_FALSE(has(h.world.repo.cases()[0].description, "15076500565"));
    CHECK(has(h.world.repo.cases()[0].description, "fikk feil medisin"));
    REQUIRE(d.replies.size() == 2);
    CHECK(d.replies[0].subject_key == "AV-2026-0001");  // the receipt replaces the form
    CHECK(has(d.replies[1].text, "Jeg fjernet 1 personnummer"));
}

TEST_CASE_METHOD(teams_filing,
                 "a form with a missing or wrong field comes back with the typed values", "[bot]") {
    struct row {
        const char* label;
        const char* field;
        const char* value;
        const char* error;
    };
    const auto r = GENERATE(values<row>({
        {"no description", "description", "", "Beskriv hva som skjedde."},
        {"no category", "category", "", "Velg kategori."},
        {"unknown kind", "kind", "ulykke", "Velg type."},
        {"unknown unit", "unit", "ingensteds", "Velg enheten der det skjedde."},
        {"bad date", "date", "2026-02-30", "Skriv en gyldig dato og et gyldig klokkeslett."},
        {"bad time", "time", "25:00", "Skriv en gyldig dato og et gyldig klokkeslett."},
        {"in the future", "time", "11:30", "Tidspunktet er fram i tid."},
    }));
    CAPTURE(r.label);
    auto form = complete_form();
    form[r.field] = r.value;
    const auto d = submit(kari, form);
    CHECK(h.world.repo.cases().empty());
    REQUIRE(d.replies.size() == 1);
    CHECK(has(d.replies[0].text, r.error));
    CHECK(d.replies[0].actions.at(0).verb == "draft.form_submit");
    CHECK(input(d.replies[0], r.field).value == r.value);
    const std::string kept = r.field == std::string("description") ? "kind" : "description";
    CHECK(input(d.replies[0], kept).value == form[kept]);
    REQUIRE_FALSE(h.world.audit.empty());
    CHECK(h.world.audit.back().outcome == "invalid");
}

TEST_CASE_METHOD(teams_filing, "a form sent back for a missing field keeps no identity number",
                 "[bot]") {
    auto form = complete_form();
    form["category"] = "";
    form["immediate_action"] = "Ringte pårørende til 15076500565";
    const auto d = submit(kari, form);
    REQUIRE(d.replies.size() == 1);
    const auto& kept = input(d.replies[0], "immediate_action").value;
    CHECK_FALSE(has(kept, "15076500565"));
    CHECK(has(kept, "Ringte pårørende til"));
}
