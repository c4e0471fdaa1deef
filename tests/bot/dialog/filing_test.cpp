#include "bot/dialog/filing.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "bot/domain/redaction.hpp"
#include "tests/support/fake_ports.hpp"

namespace {

using namespace std::chrono;
using kv::bot::case_state;
using kv::test::at_vik;
using kv::test::bot_harness;
using kv::test::flatten;
using kv::test::small_municipality;

using kv::test::monday_morning;

using kv::test::has;

using kv::test::fact;

bool offers(const kv::bot::message& m, const std::string& verb) {
    for (const auto& a : m.actions) {
        if (a.verb == verb) {
            return true;
        }
    }
    return false;
}

// A Norwegian fødselsnummer born `ddmmyy` with both check digits right: tries individual
// numbers until neither check digit comes out as the impossible 10.
std::string valid_fodselsnummer(const std::string& ddmmyy) {
    const auto check = [](const std::string& digits, const std::vector<int>& weights) {
        int sum = 0;
        for (std::size_t i = 0; i < weights.size(); ++i) {
            sum += (digits[i] - '0') * weights[i];
        }
        const int k = 11 - sum % 11;
        return k == 11 ? 0 : k;
    };
    for (int individual = 500; individual < 1000; ++individual) {
        std::string n = ddmmyy + std::to_string(individual);
        const int k1 = check(n, {3, 7, 6, 1, 8, 9, 4, 5, 2});
        if (k1 == 10) {
            continue;
        }
        n += static_cast<char>('0' + k1);
        const int k2 = check(n, {5, 4, 3, 2, 7, 6, 5, 4, 3, 2});
        if (k2 == 10) {
            continue;
        }
        return n + static_cast<char>('0' + k2);
    }
    FAIL("no valid number for " << ddmmyy);
    return {};
}

struct filing {
    bot_harness h{small_municipality(), monday_morning};
    const std::string kari = at_vik("kari");
};

}  // namespace

TEST_CASE("the test helper makes numbers the redaction accepts as fødselsnummer", "[bot]") {
    const auto n = valid_fodselsnummer("150385");
    CHECK(n.size() == 11);
    CHECK(kv::bot::is_valid_norwegian_id(n));
}

TEST_CASE_METHOD(filing, "the quick form asks only for what is missing and files on confirm",
                 "[bot]") {
    const auto first = h.say(kari, "avvik: Beboer falt på badet i natt, ingen synlige skader");
    REQUIRE(first.replies.size() == 1);
    CHECK(has(first.replies[0].text, "Hva ble gjort med en gang?"));
    CHECK_FALSE(first.case_write);
    const auto draft = h.conversation(kari);
    CHECK(draft.flow == "file");
    CHECK(draft.fields.at("unit") == "sykehjem");
    CHECK(draft.fields.at("occurred") == "2026-11-22 natt");
    CHECK(draft.fields.at("asking") == "immediate_action");

    const auto summary = h.say(kari, "Hjalp beboer opp og tilkalte sykepleier");
    REQUIRE(summary.replies.size() == 1);
    const auto& card = summary.replies[0];
    CHECK(card.title == "Stemmer dette?");
    // The person named the kind ("avvik:"), so only the category is a guess to confirm.
    CHECK(fact(card, "Type") == "Avvik");
    CHECK(fact(card, "Kategori") == "Tjeneste/bruker (gjettet – endre om feil)");
    CHECK(fact(card, "Enhet") == "Solsiden sykehjem");
    CHECK(fact(card, "Når") == "2026-11-22 natt");
    CHECK(fact(card, "Strakstiltak") == "Hjalp beboer opp og tilkalte sykepleier");
    CHECK(card.text == "Beboer falt på badet i natt, ingen synlige skader");
    std::vector<std::string> labels;
    for (const auto& a : card.actions) {
        labels.push_back(a.label);
    }
    CHECK(labels == std::vector<std::string>{"Send inn", "Endre type", "Endre kategori",
                                             "Endre sted", "Endre tidspunkt", "Avbryt"});
    CHECK(card.actions.front().verb == "draft.submit");

    const auto filed = h.press(kari, "draft.submit");
    REQUIRE(filed.case_write);
    const auto& c = *filed.case_write;
    CHECK(c.human_id == "AV-2026-0001");
    CHECK(c.state == case_state::ny);
    CHECK(c.unit_id == "sykehjem");
    CHECK(c.reporter_email == kari);
    CHECK(c.cat == kv::bot::category::tjeneste);
    CHECK(c.created_at == monday_morning);
    REQUIRE(filed.replies.size() == 1);
    CHECK(has(flatten(filed.replies), "AV-2026-0001"));
    CHECK(h.conversation(kari).empty());
    CHECK(h.world.repo.cases().size() == 1);

    for (const auto* leader : {"leder.sol", "nestleder.sol"}) {
        CAPTURE(leader);
        const auto& got = h.world.received(at_vik(leader));
        REQUIRE(got.size() == 1);
        CHECK(got[0].body.subject_key == "AV-2026-0001");
        CHECK(has(got[0].body.title, "AV-2026-0001"));
        CHECK(offers(got[0].body, "case.receive"));
        CHECK(has(flatten(got[0].body), "[Motta]"));
        CHECK_FALSE(got[0].urgent);
    }
    CHECK(h.world.received(kari).empty());
    CHECK(h.world.received(at_vik("helsesjef")).empty());
}

TEST_CASE("the quick form shows what it guessed and asks for what it could not", "[bot]") {
    struct row {
        std::string text;
        std::string kind;      // the summary's Type, or "?" for a question about it
        std::string category;  // the summary's Kategori, or "?"
    };
    const std::string guess = " (gjettet – endre om feil)";
    const row rows[] = {
        {"avvik: Beboer falt på badet i natt", "Avvik", "Tjeneste/bruker" + guess},
        {"avvik: Det var nesten brann på kjøkkenet i natt", "Nestenuhell" + guess, "?"},
        {"nestenuhell: Holdt på å gi feil dose i natt", "Nestenuhell", "Tjeneste/bruker" + guess},
        {"klage: Lang ventetid på telefonen i går", "Klage/synspunkt", "?"},
        {"meld: Jeg fikk en stikkskade i natt", "?", "HMS" + guess},
        {"forslag: Vi bør ha bedre lys i gangen i natt", "Forbedringsforslag", "?"},
    };
    for (const auto& r : rows) {
        CAPTURE(r.text);
        bot_harness h{small_municipality(), monday_morning};
        const auto kari = at_vik("kari");
        auto d = h.say(kari, r.text);
        if (r.kind == "?") {
            CHECK(has(flatten(d.replies), "Hva slags melding er dette?"));
            d = h.say(kari, "1");
        }
        if (r.category == "?") {
            CHECK(has(flatten(d.replies), "Hvilken kategori gjelder det?"));
            d = h.say(kari, "2");
        }
        CHECK(has(flatten(d.replies), "Hva ble gjort med en gang?"));
        const auto summary = h.say(kari, "ingen");
        REQUIRE(summary.replies.size() == 1);
        CHECK(fact(summary.replies[0], "Type") == (r.kind == "?" ? "Avvik" : r.kind));
        CHECK(fact(summary.replies[0], "Kategori") ==
              (r.category == "?" ? "Organisasjon/internt" : r.category));
    }
}

TEST_CASE_METHOD(filing, "changing a guessed field from the summary asks for it again", "[bot]") {
    h.say(kari, "avvik: Beboer falt på badet i natt");
    h.say(kari, "ingen");
    const auto asked = h.press(kari, "draft.change", {{"field", "category"}});
    CHECK(has(flatten(asked.replies), "Hvilken kategori gjelder det?"));
    const auto summary = h.press(kari, "flow.answer", {{"value", "hms"}});
    REQUIRE(summary.replies.size() == 1);
    CHECK(fact(summary.replies[0], "Kategori") == "HMS");
    const auto filed = h.press(kari, "draft.submit");
    REQUIRE(filed.case_write);
    CHECK(filed.case_write->cat == kv::bot::category::hms);
}

TEST_CASE_METHOD(filing, "a change button for a field the summary does not offer shows the summary",
                 "[bot]") {
    h.say(kari, "avvik: Beboer falt på badet i natt");
    h.say(kari, "ingen");
    for (const auto* field_name : {"description", "asking", ""}) {
        CAPTURE(field_name);
        const auto shown = h.press(kari, "draft.change", {{"field", field_name}});
        REQUIRE(shown.replies.size() == 1);
        CHECK(shown.replies[0].title == "Stemmer dette?");
        CHECK(h.conversation(kari).fields.at("asking") == "confirm");
    }
    CHECK(h.say(kari, "ja").case_write);
}

TEST_CASE_METHOD(filing, "a case button pressed in the middle of a filing keeps the draft",
                 "[bot]") {
    h.say(kari, "avvik: Beboer falt på badet i natt");
    h.say(kari, "ingen");
    REQUIRE(h.say(kari, "ja").case_write);
    h.say(kari, "avvik: Dørlåsen på medisinrommet virker ikke i dag kl 08:00");
    h.say(kari, "ingen");
    REQUIRE(h.conversation(kari).fields.at("asking") == "confirm");

    const auto refused = h.press(kari, "case.close", {{"case", "AV-2026-0001"}});
    CHECK(has(flatten(refused.replies), "ikke tilgang"));
    CHECK(h.conversation(kari).flow == "file");

    const auto asks = h.press(kari, "case.add_info", {{"case", "AV-2026-0001"}});
    CHECK(has(flatten(asks.replies), "Du holder på å melde en sak"));
    CHECK(h.conversation(kari).flow == "file");

    const auto filed = h.say(kari, "ja");
    REQUIRE(filed.case_write);
    CHECK(filed.case_write->human_id == "AV-2026-0002");
    CHECK(has(filed.case_write->description, "Dørlåsen"));
}

TEST_CASE_METHOD(filing, "each filed case takes the next number of the year", "[bot]") {
    for (const auto* expected : {"AV-2026-0001", "AV-2026-0002", "AV-2026-0003"}) {
        CAPTURE(expected);
        h.say(kari, "avvik: Beboer falt på badet i natt");
        h.say(kari, "ingen");
        const auto filed = h.say(kari, "ja");
        REQUIRE(filed.case_write);
        CHECK(filed.case_write->human_id == expected);
    }
}

TEST_CASE_METHOD(filing,
                 "the guided form asks one question at a time and repeats what it did "
                 "not understand",
                 "[bot]") {
    struct step {
        std::string answer;  // typed, or "=value" for pressing the choice with that value
        std::string expected_reply;
        std::size_t choices;
    };
    const std::vector<step> steps{
        {"meld avvik", "Beskriv kort hva som skjedde.", 0},
        {"Feil medisin ble gitt til beboer", "Hva slags melding er dette?", 4},
        {"banan", "Det forsto jeg ikke. Hva slags melding er dette?", 4},
        {"=avvik", "Hvilken kategori gjelder det?", 3},
        {"kanskje", "Det forsto jeg ikke. Hvilken kategori gjelder det?", 3},
        {"3", "Når skjedde det?", 0},
        {"i morgen", "Det forsto jeg ikke. Når skjedde det?", 0},
        {"i går kl 14", "Hva ble gjort med en gang?", 0},
        {"ingen", "Stemmer dette?", 6},
    };
    for (const auto& s : steps) {
        CAPTURE(s.answer);
        const auto d = s.answer.front() == '='
                           ? h.press(kari, "flow.answer", {{"value", s.answer.substr(1)}})
                           : h.say(kari, s.answer);
        REQUIRE(d.replies.size() == 1);
        CHECK(has(flatten(d.replies[0]), s.expected_reply));
        CHECK(d.replies[0].actions.size() == s.choices);
        CHECK_FALSE(d.case_write);
    }
    const auto draft = h.conversation(kari);
    CHECK(draft.fields.at("kind") == "avvik");
    CHECK(draft.fields.at("category") == "tjeneste");
    CHECK(draft.fields.at("occurred") == "2026-11-22 14:00");
    CHECK(draft.fields.at("immediate_action") == "Ingen");

    const auto filed = h.say(kari, "ja");
    REQUIRE(filed.case_write);
    CHECK(filed.case_write->description == "Feil medisin ble gitt til beboer");
    CHECK(filed.case_write->occurred == "2026-11-22 14:00");
}

TEST_CASE_METHOD(filing, "«avbryt» at any point of the guided form stores nothing", "[bot]") {
    const std::vector<std::string> answers{
        "meld avvik", "Feil medisin ble gitt til beboer", "1", "3", "i går", "ingen"};
    const auto stop_after = GENERATE(range(std::size_t{1}, std::size_t{7}));
    CAPTURE(stop_after);
    for (std::size_t i = 0; i < stop_after; ++i) {
        h.say(kari, answers[i]);
    }
    REQUIRE_FALSE(h.conversation(kari).empty());
    const auto d = h.say(kari, GENERATE(as<std::string>{}, "avbryt", "Avbryt", "cancel"));
    CHECK(flatten(d.replies) == "Avbrutt. Ingenting er lagret.\n");
    CHECK_FALSE(d.case_write);
    CHECK(d.events.empty());
    CHECK(d.notifications.empty());
    CHECK(h.conversation(kari).empty());
    CHECK(h.world.case_writes == 0);
    CHECK(h.world.repo.cases().empty());
}

TEST_CASE_METHOD(filing, "the cancel button on the summary stores nothing", "[bot]") {
    h.say(kari, "avvik: Beboer falt på badet i natt");
    h.say(kari, "ingen");
    const auto d = h.press(kari, "draft.cancel");
    CHECK(flatten(d.replies) == "Avbrutt. Ingenting er lagret.\n");
    CHECK_FALSE(d.case_write);
    CHECK(h.conversation(kari).empty());
    CHECK(h.world.repo.cases().empty());
}

TEST_CASE_METHOD(filing,
                 "a fødselsnummer is removed before anything is stored, a phone number "
                 "is kept",
                 "[bot]") {
    const std::string fnr = valid_fodselsnummer("150385");
    CAPTURE(fnr);
    const auto first =
        h.say(kari, "avvik: Beboer " + fnr + " falt på badet i natt, ring datter på 91234567");
    CHECK(has(flatten(first.replies), "Jeg fjernet 1 personnummer fra teksten"));
    CHECK_FALSE(has(h.conversation(kari).fields.at("description"), fnr));

    h.say(kari, "ingen");
    const auto filed = h.say(kari, "ja");
    REQUIRE(filed.case_write);
    CHECK(filed.case_write->description ==
          "Beboer [personnummer fjernet] falt på badet i natt, ring datter på 91234567");
    for (const auto& n : filed.notifications) {
        CHECK_FALSE(has(flatten(n.body), fnr));
    }
}

TEST_CASE_METHOD(filing, "a fødselsnummer typed as the immediate action is removed too", "[bot]") {
    const std::string fnr = valid_fodselsnummer("010190");
    h.say(kari, "avvik: Beboer falt på badet i natt");
    const auto d = h.say(kari, "Ringte lege om pasient " + fnr);
    CHECK(has(flatten(d.replies), "Jeg fjernet 1 personnummer"));
    CHECK(fact(d.replies.back(), "Strakstiltak") ==
          "Ringte lege om pasient [personnummer fjernet]");
}

TEST_CASE_METHOD(filing, "a message over the length limit is refused and stores nothing", "[bot]") {
    struct row {
        const char* label;
        bool in_a_draft;
        std::size_t length;
        bool refused;
    };
    const row rows[] = {
        {"idle, one over", false, 4001, true},
        {"idle, far over", false, 20000, true},
        {"idle, at the limit", false, 4000, false},
        {"in a draft, one over", true, 4001, true},
    };
    for (const auto& r : rows) {
        CAPTURE(r.label);
        bot_harness fresh{small_municipality(), monday_morning};
        if (r.in_a_draft) {
            fresh.say(kari, "meld avvik");
        }
        const auto before = fresh.conversation(kari);
        const auto d = fresh.say(kari, "avvik: " + std::string(r.length - 7, 'x'));
        CHECK(has(flatten(d.replies), "Meldingen er for lang") == r.refused);
        if (r.refused) {
            CHECK(flatten(d.replies) == "Meldingen er for lang (" + std::to_string(r.length) +
                                            " tegn). Skriv kortere, høyst 4000 tegn. Ingenting "
                                            "er lagret.\n");
            CHECK(d.stores_nothing());
            CHECK(d.notifications.empty());
            CHECK(fresh.conversation(kari).fields == before.fields);
        }
    }
}

TEST_CASE("a button press with oversized data is refused like long text", "[bot]") {
    bot_harness h{small_municipality(), monday_morning};
    const auto d = h.press(at_vik("leder.sol"), "case.close",
                           {{"case", "AV-2026-0001"}, {"conclusion", std::string(5000, 'x')}});
    CHECK(has(flatten(d.replies), "Meldingen er for lang"));
    CHECK(d.stores_nothing());
}

TEST_CASE("a sender the bot does not know gets a polite refusal and an audit record", "[bot]") {
    const auto sender = GENERATE(as<std::string>{}, "ukjent@example.com", at_vik("gammel"), "");
    CAPTURE(sender);
    bot_harness h{small_municipality(), monday_morning};
    const auto d = h.say(sender, "avvik: Beboer falt på badet");
    CHECK(has(flatten(d.replies), "Beklager, jeg kjenner deg ikke igjen"));
    CHECK(has(flatten(d.replies), "Sorry, I do not know you"));
    REQUIRE(d.audit.size() == 1);
    CHECK(d.audit[0].action == "denied:unknown_person");
    CHECK(d.audit[0].outcome == "denied");
    CHECK(d.audit[0].actor_email == sender);
    CHECK(d.stores_nothing());
    CHECK(d.notifications.empty());
}
