#include "bot/dialog/commands.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "tests/support/fake_ports.hpp"

namespace {

using namespace std::chrono;
using kv::bot::case_state;
using kv::bot::language;
using kv::test::at_vik;
using kv::test::bot_harness;
using kv::test::flatten;
using kv::test::small_municipality;

using kv::test::monday_morning;

using kv::test::has;

std::vector<std::string> fact_labels(const kv::bot::message& m) {
    std::vector<std::string> out;
    for (const auto& f : m.facts) {
        out.push_back(f.label);
    }
    return out;
}

// Four cases: 0001 and 0002 by kari and 0003 by per at Solsiden sykehjem, 0004 by tone in
// Hjemmetjenesten; 0002 is closed.
struct four_cases {
    bot_harness h{small_municipality(), monday_morning};

    four_cases() {
        for (const auto* who : {"kari", "kari", "per", "tone"}) {
            h.say(at_vik(who), "avvik: Beboer falt på badet i natt");
            h.say(at_vik(who), "ingen");
            h.say(at_vik(who), "ja");
        }
        REQUIRE(h.world.repo.cases().size() == 4);
        auto closed = *h.world.repo.find_case("AV-2026-0002");
        closed.state = case_state::lukket;
        h.world.repo.store_case(closed);
    }
};

}  // namespace

TEST_CASE_METHOD(four_cases, "«mine saker» lists only the cases the person reported", "[bot]") {
    struct row {
        const char* who;
        std::vector<std::string> listed;
    };
    const row rows[] = {
        {"kari", {"AV-2026-0001", "AV-2026-0002"}},
        {"per", {"AV-2026-0003"}},
        {"tone", {"AV-2026-0004"}},
        {"leder.sol", {}},
    };
    for (const auto& r : rows) {
        CAPTURE(r.who);
        const auto d = h.say(at_vik(r.who), "mine saker");
        REQUIRE(d.replies.size() == 1);
        CHECK(d.replies[0].title == "Dine saker");
        CHECK(fact_labels(d.replies[0]) == r.listed);
        CHECK(d.replies[0].actions.size() == r.listed.size());
        CHECK(has(d.replies[0].text, "Du har ikke meldt noen saker ennå") == r.listed.empty());
        CHECK(d.stores_nothing());
    }
    const auto one = h.say(at_vik("kari"), "Mine saker");
    CHECK(one.replies.at(0).facts.at(1).value == "Avvik · Tjeneste/bruker · Lukket");
}

TEST_CASE_METHOD(four_cases, "«til behandling» lists open cases in the units a leader leads",
                 "[bot]") {
    struct row {
        const char* who;
        std::vector<std::string> listed;
    };
    const row rows[] = {
        {"leder.sol", {"AV-2026-0001", "AV-2026-0003"}},
        {"nestleder.sol", {"AV-2026-0001", "AV-2026-0003"}},
        {"leder.hjem", {"AV-2026-0004"}},
        {"helsesjef", {"AV-2026-0001", "AV-2026-0003", "AV-2026-0004"}},
        {"radmann", {"AV-2026-0001", "AV-2026-0003", "AV-2026-0004"}},
        {"rektor", {}},
    };
    for (const auto& r : rows) {
        CAPTURE(r.who);
        const auto d = h.say(at_vik(r.who), "til behandling");
        REQUIRE(d.replies.size() == 1);
        CHECK(d.replies[0].title == "Til behandling");
        CHECK(fact_labels(d.replies[0]) == r.listed);
        CHECK(has(d.replies[0].text, "Ingen åpne saker i dine enheter.") == r.listed.empty());
    }
}

TEST_CASE_METHOD(four_cases, "a case that may be reportable stands out in the leader's list",
                 "[bot]") {
    auto c = *h.world.repo.find_case("AV-2026-0003");
    c.authority = kv::bot::authority_flag::pending;
    h.world.repo.store_case(c);
    const auto d = h.say(at_vik("leder.sol"), "til behandling");
    CHECK(d.replies.at(0).facts.at(1).value ==
          "Avvik · Tjeneste/bruker · Ny · Solsiden sykehjem · KAN VÆRE MELDEPLIKTIG");
    CHECK(d.replies.at(0).facts.at(0).value == "Avvik · Tjeneste/bruker · Ny · Solsiden sykehjem");
}

TEST_CASE("the list of cases to handle is refused for staff", "[bot]") {
    auto [text, who, reply] = GENERATE(table<std::string, std::string, std::string>({
        {"til behandling", "kari",
         "Dette er for ledere. Skriv «hjelp» for å se hva du kan gjøre.\n"},
        {"Til behandling", "psu.leder",
         "Dette er for ledere. Skriv «hjelp» for å se hva du kan gjøre.\n"},
        {"to handle", "john", "This is for leaders. Type «help» to see what you can do.\n"},
    }));
    CAPTURE(text, who);
    bot_harness h{small_municipality(), monday_morning};
    const auto d = h.say(at_vik(who), text);
    CHECK(flatten(d.replies) == reply);
    CHECK(d.stores_nothing());
}

TEST_CASE_METHOD(four_cases,
                 "typed leader commands from staff are refused and logged like "
                 "buttons",
                 "[bot]") {
    auto [text, who, action] = GENERATE(table<std::string, std::string, std::string>({
        {"motta AV-2026-0001", "per", "denied:case.receive"},
        {"lukk AV-2026-0001 Ferdig", "kari", "denied:case.close"},
        {"risikovurder AV-2026-0003", "kari", "denied:case.assess"},
        {"videresend AV-2026-0001", "tone", "denied:case.forward"},
    }));
    CAPTURE(text, who);
    const auto d = h.say(at_vik(who), text);
    CHECK(has(flatten(d.replies), "Beklager, du har ikke tilgang til å gjøre dette i sak"));
    CHECK_FALSE(d.case_write);
    CHECK(d.events.empty());
    REQUIRE(d.audit.size() == 1);
    CHECK(d.audit[0].action == action);
    CHECK(d.audit[0].outcome == "denied");
}

TEST_CASE("help shows leader commands to leaders only", "[bot]") {
    auto [who, leader] = GENERATE(table<std::string, bool>({
        {"kari", false},
        {"tone", false},
        {"psu.leder", false},
        {"leder.sol", true},
        {"nestleder.sol", true},
        {"helsesjef", true},
        {"rektor", true},
    }));
    CAPTURE(who);
    bot_harness h{small_municipality(), monday_morning};
    const auto d = h.say(at_vik(who), GENERATE(as<std::string>{}, "hjelp", "?", "Hjelp"));
    REQUIRE(d.replies.size() == 1);
    const auto labels = fact_labels(d.replies[0]);
    const auto shows = [&](const std::string& usage) {
        return std::find(labels.begin(), labels.end(), usage) != labels.end();
    };
    CHECK(d.replies[0].title == "Dette kan du skrive:");
    CHECK(shows("avvik: <hva skjedde>"));
    CHECK(shows("meld avvik"));
    CHECK(shows("mine saker"));
    CHECK(shows("til behandling") == leader);
    CHECK(shows("motta <saksnr>") == leader);
    CHECK(shows("lukk <saksnr> <konklusjon>") == leader);
}

TEST_CASE("text the bot does not understand gets the help", "[bot]") {
    const auto text =
        GENERATE(as<std::string>{}, "hei", "hva skjer?", "avviksmelding", "mine", "12345");
    CAPTURE(text);
    bot_harness h{small_municipality(), monday_morning};
    const auto d = h.say(at_vik("kari"), text);
    REQUIRE(d.replies.size() == 1);
    CHECK(d.replies[0].title == "Det forsto jeg ikke. Dette kan du skrive:");
    CHECK_FALSE(d.replies[0].facts.empty());
    CHECK(d.stores_nothing());
}

TEST_CASE("blank text is ignored and «avbryt» with nothing going on says so", "[bot]") {
    bot_harness h{small_municipality(), monday_morning};
    const auto blank = h.say(at_vik("kari"), "   ");
    CHECK(blank.replies.empty());
    CHECK(blank.stores_nothing());
    const auto cancel = h.say(at_vik("kari"), "avbryt");
    CHECK(flatten(cancel.replies) == "Det er ingenting å avbryte.\n");
    CHECK(cancel.stores_nothing());
}

TEST_CASE("a person who prefers English is answered in English", "[bot]") {
    bot_harness h{small_municipality(), monday_morning};
    const auto john = at_vik("john");
    const auto help = h.say(john, "help");
    CHECK(help.replies.at(0).title == "This is what you can type:");

    const auto asked = h.say(john, "report: Resident fell in the bathroom last night");
    CHECK(has(flatten(asked.replies), "What was done at once?"));
    const auto summary = h.say(john, "none");
    REQUIRE(summary.replies.size() == 1);
    CHECK(summary.replies[0].title == "Is this right?");
    CHECK(fact_labels(summary.replies[0]) ==
          std::vector<std::string>{"Kind", "Category", "Unit", "When", "Immediate action"});
    CHECK(summary.replies[0].facts[1].value == "Service/user (guessed – change if wrong)");
    CHECK(summary.replies[0].facts[3].value == "2026-11-22 natt");
    const auto filed = h.say(john, "yes");
    REQUIRE(filed.case_write);
    CHECK(filed.replies.at(0).title == "Thank you! Your report is registered as AV-2026-0001");
    // The leaders read the case in their own language.
    const auto& leader = h.world.received(at_vik("leder.sol"));
    REQUIRE(leader.size() == 1);
    CHECK(leader[0].body.title == "Ny sak AV-2026-0001 (Avvik) – Solsiden sykehjem");
}

TEST_CASE("«språk» sets the language a person is answered in", "[bot]") {
    bot_harness h{small_municipality(), monday_morning};
    const auto kari = at_vik("kari");

    const auto to_en = h.say(kari, "språk en");
    REQUIRE(to_en.preferences);
    CHECK(to_en.preferences->email == kari);
    CHECK(to_en.preferences->lang == language::en);
    CHECK(flatten(to_en.replies) == "I will use English from now on.\n");
    CHECK(h.world.dir.find_person(kari)->lang == language::en);
    CHECK(h.say(kari, "hjelp").replies.at(0).title == "This is what you can type:");

    const auto to_nb = h.say(kari, "language norsk");
    REQUIRE(to_nb.preferences);
    CHECK(to_nb.preferences->lang == language::nb);
    CHECK(flatten(to_nb.replies) == "Jeg snakker norsk med deg fra nå.\n");
    CHECK(h.say(kari, "help").replies.at(0).title == "Dette kan du skrive:");

    const auto unknown = h.say(kari, "språk fransk");
    CHECK_FALSE(unknown.preferences);
    CHECK(flatten(unknown.replies) == "Velg «språk nb» (norsk) eller «språk en» (English).\n");
    CHECK(unknown.stores_nothing());
}

TEST_CASE_METHOD(four_cases, "typed case commands act on the named case", "[bot]") {
    struct row {
        const char* who;
        const char* text;
        const char* reply;
    };
    const row rows[] = {
        {"kari", "sak av-2026-1", "AV-2026-0001 – Solsiden sykehjem"},
        {"kari", "sak", "Skriv saksnummeret, f.eks. «sak AV-2026-0001»."},
        {"kari", "sak AV-2026-0042", "Fant ikke saken AV-2026-0042."},
        {"leder.sol", "motta AV-2026-0003", "AV-2026-0003: du har mottatt saken"},
        {"kari", "tillegg AV-2026-0001 Beboeren hadde nye sko",
         "AV-2026-0001: informasjonen er lagt til"},
    };
    for (const auto& r : rows) {
        CAPTURE(r.who, r.text);
        const auto d = h.say(at_vik(r.who), r.text);
        CHECK(has(flatten(d.replies), r.reply));
    }
    CHECK(h.world.repo.find_case("AV-2026-0003")->state == case_state::mottatt);
    CHECK(has(h.world.repo.find_case("AV-2026-0001")->description,
              "(Kari Nordmann): Beboeren hadde nye sko"));
}
