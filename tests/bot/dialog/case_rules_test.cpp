#include "bot/dialog/case_rules.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "tests/support/fake_ports.hpp"

namespace {

using namespace std::chrono;
using kv::bot::authority_flag;
using kv::bot::case_state;
using kv::bot::category;
using kv::bot::deviation_case;
using kv::bot::measure_state;
using kv::test::at_vik;
using kv::test::bot_harness;
using kv::test::flatten;
using kv::test::small_municipality;

using kv::test::monday_morning;

using kv::test::has;

using kv::test::fact;

std::vector<std::string> choice_values(const kv::bot::message& m) {
    std::vector<std::string> out;
    for (const auto& a : m.actions) {
        if (a.verb == "flow.answer") {
            out.push_back(a.data.at("value"));
        }
    }
    return out;
}

// Kari at Solsiden sykehjem has filed AV-2026-0001, a fall (tjeneste); nobody has acted yet.
struct filed_case {
    bot_harness h{small_municipality(), monday_morning};
    const std::string id = "AV-2026-0001";
    const std::string kari = at_vik("kari");
    const std::string leader = at_vik("leder.sol");

    filed_case() {
        h.say(kari, "avvik: Beboer falt på badet i natt, ingen synlige skader");
        h.say(kari, "Hjalp beboer opp");
        h.say(kari, "ja");
        REQUIRE(h.world.repo.find_case(id));
        h.world.inbox.clear();
        h.world.audit.clear();
    }

    deviation_case stored() const { return *h.world.repo.find_case(id); }
    void change(const std::function<void(deviation_case&)>& edit) {
        auto c = stored();
        edit(c);
        h.world.repo.store_case(c);
    }
    kv::bot::decision press(const std::string& who, const std::string& verb,
                            std::map<std::string, std::string> data = {}) {
        data["case"] = id;
        return h.press(who, verb, std::move(data));
    }
    kv::bot::decision pick(const std::string& who, const std::string& value) {
        return h.press(who, "flow.answer", {{"value", value}});
    }
};

}  // namespace

TEST_CASE_METHOD(filed_case, "receiving a case marks it received and tells the reporter", "[bot]") {
    const auto d = press(leader, "case.receive");
    REQUIRE(d.case_write);
    CHECK(d.case_write->state == case_state::mottatt);
    CHECK(d.case_write->updated_at == monday_morning);
    CHECK(stored().state == case_state::mottatt);
    REQUIRE(d.events.size() == 1);
    CHECK(d.events[0].kind == "received");
    CHECK(d.events[0].actor_email == leader);
    REQUIRE(d.audit.size() == 1);
    CHECK(d.audit[0].action == "case.receive");
    CHECK(d.audit[0].outcome == "ok");
    CHECK(has(flatten(d.replies), "AV-2026-0001: du har mottatt saken"));

    const auto& told = h.world.received(kari);
    REQUIRE(told.size() == 1);
    CHECK(told[0].body.title == "AV-2026-0001: saken din er mottatt av Sol Leder");
    CHECK(fact(told[0].body, "Status") == "Mottatt");

    const auto again = press(leader, "case.receive");
    CHECK(flatten(again.replies) == "Saken er allerede mottatt.\n");
    CHECK_FALSE(again.case_write);
}

TEST_CASE(
    "assessing without inputs asks probability, then consequence, "
    "then records the risk",
    "[bot]") {
    struct row {
        const char* label;
        std::string probability;  // typed, or "=value" for the pressed choice
        std::string consequence;
        int score;
        std::string risk_fact;
    };
    const row rows[] = {
        {"pressed choices", "=2", "=3", 6, "6 (gul; sannsynlighet lav, konsekvens middels)"},
        {"typed numbers", "1", "2", 2, "2 (grønn; sannsynlighet svært lav, konsekvens lav)"},
        {"typed names", "svært høy", "middels", 15,
         "15 (rød; sannsynlighet svært høy, konsekvens middels)"},
    };
    for (const auto& r : rows) {
        CAPTURE(r.label);
        filed_case f;
        const auto answer = [&](const std::string& a) {
            return a.front() == '=' ? f.pick(f.leader, a.substr(1)) : f.h.say(f.leader, a);
        };
        const auto asked_p = f.press(f.leader, "case.assess");
        CHECK_FALSE(asked_p.case_write);
        REQUIRE(asked_p.replies.size() == 1);
        CHECK(has(asked_p.replies[0].text, "Hvor sannsynlig er det at dette skjer igjen?"));
        CHECK(choice_values(asked_p.replies[0]) ==
              std::vector<std::string>{"1", "2", "3", "4", "5"});

        const auto wrong = f.h.say(f.leader, "kanskje");
        CHECK(has(flatten(wrong.replies), "Det forsto jeg ikke. Hvor sannsynlig"));

        const auto asked_c = answer(r.probability);
        CHECK_FALSE(asked_c.case_write);
        REQUIRE(asked_c.replies.size() == 1);
        CHECK(has(asked_c.replies[0].text, "Hvor alvorlig er konsekvensen?"));
        CHECK(choice_values(asked_c.replies[0]).size() == 5);

        const auto done = answer(r.consequence);
        REQUIRE(done.case_write);
        REQUIRE(done.case_write->risk);
        CHECK(done.case_write->risk->score() == r.score);
        CHECK(done.case_write->state == case_state::under_behandling);
        CHECK(fact(done.replies.at(0), "Risiko") == r.risk_fact);
        CHECK(f.h.conversation(f.leader).empty());
        REQUIRE(f.h.world.received(f.kari).size() == 1);
        CHECK(f.h.world.received(f.kari)[0].body.title ==
              "AV-2026-0001: saken din er risikovurdert og under behandling");
    }
}

TEST_CASE_METHOD(filed_case, "a leader in the middle of an action can cancel it", "[bot]") {
    press(leader, "case.assess");
    const auto d = h.say(leader, "avbryt");
    CHECK(flatten(d.replies) == "Avbrutt. Ingenting er lagret.\n");
    CHECK_FALSE(d.case_write);
    CHECK(h.conversation(leader).empty());
    CHECK_FALSE(stored().risk);
}

TEST_CASE_METHOD(filed_case, "adding a measure asks text, responsible and due date, checking each",
                 "[bot]") {
    struct step {
        std::string answer;
        std::string expected_reply;
    };
    const std::vector<step> steps{
        {"Sklimatte på badet", "Hvem er ansvarlig?"},
        {"ola.ukjent", "Det forsto jeg ikke. Hvem er ansvarlig?"},
        {"gammel", "Det forsto jeg ikke. Hvem er ansvarlig?"},
        {"per", "Frist?"},
        {"01.11.2026", "Det forsto jeg ikke. Frist?"},
        {"22.11.2026", "Det forsto jeg ikke. Frist?"},
        {"31.02.2027", "Det forsto jeg ikke. Frist?"},
        {"snart", "Det forsto jeg ikke. Frist?"},
    };
    const auto first = press(leader, "case.add_measure");
    CHECK(has(flatten(first.replies), "Hvilket tiltak skal gjøres?"));
    for (const auto& s : steps) {
        CAPTURE(s.answer);
        const auto d = h.say(leader, s.answer);
        CHECK(has(flatten(d.replies), s.expected_reply));
        CHECK_FALSE(d.case_write);
    }
    const auto done = h.say(leader, "15.12.2026");
    REQUIRE(done.case_write);
    REQUIRE(done.case_write->measures.size() == 1);
    const auto& m = done.case_write->measures[0];
    CHECK(m.number == 1);
    CHECK(m.text == "Sklimatte på badet");
    CHECK(m.responsible_email == at_vik("per"));
    CHECK(m.due_date == "2026-12-15");
    CHECK(m.state == measure_state::open);
    CHECK(done.case_write->state == case_state::under_behandling);

    const auto& per = h.world.received(at_vik("per"));
    REQUIRE(per.size() == 1);
    CHECK(per[0].body.title == "AV-2026-0001: du er ansvarlig for tiltak 1, frist 2026-12-15");
    CHECK(h.world.received(kari).size() == 1);

    const auto today = press(
        leader, "case.add_measure",
        {{"text", "Gå gjennom rutinen"}, {"responsible", at_vik("kari")}, {"due", "2026-11-23"}});
    REQUIRE(today.case_write);
    CHECK(today.case_write->measures.size() == 2);
    CHECK(today.case_write->measures[1].number == 2);
}

TEST_CASE_METHOD(filed_case, "forwarding asks unit and reason and tells the new unit's leaders",
                 "[bot]") {
    const auto asked_unit = press(leader, "case.forward");
    REQUIRE(asked_unit.replies.size() == 1);
    CHECK(has(asked_unit.replies[0].text, "Hvilken enhet skal saken videresendes til?"));
    CHECK(choice_values(asked_unit.replies[0]) ==
          std::vector<std::string>{"kommune", "helse", "hjemme", "skole"});

    const auto asked_reason = pick(leader, "hjemme");
    CHECK(has(flatten(asked_reason.replies), "Hvorfor videresendes saken?"));
    const auto empty_reason = pick(leader, "  ");
    CHECK(has(flatten(empty_reason.replies), "Det forsto jeg ikke. Hvorfor videresendes saken?"));
    CHECK_FALSE(empty_reason.case_write);

    const auto done = h.say(leader, "Beboeren bor hjemme og får hjemmetjenester");
    REQUIRE(done.case_write);
    CHECK(done.case_write->unit_id == "hjemme");
    CHECK(stored().unit_id == "hjemme");
    REQUIRE(done.events.size() == 1);
    CHECK(done.events[0].kind == "forwarded");

    const auto& new_leader = h.world.received(at_vik("leder.hjem"));
    REQUIRE(new_leader.size() == 1);
    CHECK(has(new_leader[0].body.title, "videresendt til Hjemmetjenesten fra Solsiden sykehjem"));
    CHECK(h.world.received(at_vik("nestleder.sol")).empty());
    REQUIRE(h.world.received(kari).size() == 1);
    CHECK(h.world.received(kari)[0].body.title ==
          "AV-2026-0001: saken din er videresendt til Hjemmetjenesten");

    const auto old_leader = press(leader, "case.receive");
    CHECK(has(flatten(old_leader.replies), "du har ikke tilgang"));
}

TEST_CASE("a case cannot be closed while something is still unfinished", "[bot]") {
    const auto open_measure = [](deviation_case& c) {
        c.measures.push_back({1, "Sklimatte", at_vik("per"), "2026-12-15", measure_state::open,
                              std::nullopt, "", std::nullopt});
    };
    struct row {
        const char* label;
        std::function<void(deviation_case&)> setup;
        std::string refusal;
    };
    const row rows[] = {
        {"not received", [](deviation_case&) {}, "Saken må mottas før den kan lukkes.\n"},
        {"measure open",
         [&](deviation_case& c) {
             c.state = case_state::under_behandling;
             open_measure(c);
         },
         "Saken har tiltak som ikke er utført.\n"},
        {"measure not evaluated",
         [&](deviation_case& c) {
             c.state = case_state::under_behandling;
             open_measure(c);
             c.measures[0].state = measure_state::done;
             c.measures[0].done_at = monday_morning;
         },
         "Effekten av alle tiltak må vurderes før saken lukkes.\n"},
        {"reporting duty pending",
         [](deviation_case& c) {
             c.state = case_state::under_behandling;
             c.authority = authority_flag::pending;
         },
         "Meldeplikten må vurderes før saken lukkes.\n"},
        {"already closed", [](deviation_case& c) { c.state = case_state::lukket; },
         "Saken er lukket.\n"},
    };
    for (const auto& r : rows) {
        CAPTURE(r.label);
        filed_case f;
        f.change(r.setup);
        const auto d = f.press(f.leader, "case.close", {{"conclusion", "Ferdig"}});
        CHECK(flatten(d.replies) == r.refusal);
        CHECK_FALSE(d.case_write);
        CHECK(d.events.empty());
        REQUIRE(d.audit.size() == 1);
        CHECK(d.audit[0].outcome == "invalid");
        CHECK(f.stored().conclusion.empty());
    }
}

TEST_CASE_METHOD(filed_case, "a case runs from received to closed through a measure", "[bot]") {
    press(leader, "case.receive");
    press(leader, "case.add_measure",
          {{"text", "Sklimatte på badet"}, {"responsible", "per"}, {"due", "15.12.2026"}});
    h.world.inbox.clear();

    const auto other = press(at_vik("tone"), "case.measure_done", {{"measure", "1"}});
    CHECK(has(flatten(other.replies), "du har ikke tilgang"));
    CHECK_FALSE(other.case_write);

    const auto early = press(leader, "case.evaluate", {{"measure", "1"}});
    CHECK(flatten(early.replies) == "Tiltaket må være utført før effekten vurderes.\n");

    const auto done = press(at_vik("per"), "case.measure_done", {{"measure", "1"}});
    REQUIRE(done.case_write);
    CHECK(done.case_write->measures[0].state == measure_state::done);
    CHECK(done.case_write->measures[0].done_at == monday_morning);
    for (const auto* l : {"leder.sol", "nestleder.sol"}) {
        CAPTURE(l);
        REQUIRE(h.world.received(at_vik(l)).size() == 1);
        CHECK(h.world.received(at_vik(l))[0].body.title ==
              "AV-2026-0001: tiltak 1 er utført – vurder effekten");
    }
    const auto twice = press(at_vik("per"), "case.measure_done", {{"measure", "1"}});
    CHECK(flatten(twice.replies) == "Tiltaket er allerede utført.\n");

    const auto asked_effect = press(leader, "case.evaluate", {{"measure", "1"}});
    CHECK(has(flatten(asked_effect.replies), "Hvilken effekt hadde tiltaket?"));
    const auto evaluated = h.say(leader, "Ingen nye fall på badet");
    REQUIRE(evaluated.case_write);
    CHECK(evaluated.case_write->measures[0].effect == "Ingen nye fall på badet");
    CHECK(evaluated.case_write->measures[0].evaluated_at == monday_morning);

    const auto asked_conclusion = press(leader, "case.close");
    CHECK(has(flatten(asked_conclusion.replies), "Skriv en kort konklusjon for saken."));
    CHECK_FALSE(asked_conclusion.case_write);
    const auto closed = h.say(leader, "Sklimatte montert og rutine oppdatert");
    REQUIRE(closed.case_write);
    CHECK(closed.case_write->state == case_state::lukket);
    CHECK(closed.case_write->conclusion == "Sklimatte montert og rutine oppdatert");
    CHECK(fact(closed.replies.at(0), "Konklusjon") == "Sklimatte montert og rutine oppdatert");
    CHECK(closed.replies.at(0).actions.empty());
    REQUIRE_FALSE(h.world.received(kari).empty());
    CHECK(h.world.received(kari).back().body.title == "AV-2026-0001: saken din er lukket");
}

TEST_CASE("only leaders of the case's unit or a unit above it may act on it", "[bot]") {
    struct row {
        const char* who;
        const char* verb;
        bool allowed;
    };
    const row rows[] = {
        {"kari", "case.receive", false},       {"per", "case.receive", false},
        {"per", "case.close", false},          {"john", "case.assess", false},
        {"leder.hjem", "case.receive", false}, {"tone", "case.forward", false},
        {"rektor", "case.receive", false},     {"psu.leder", "case.receive", false},
        {"leder.sol", "case.receive", true},   {"nestleder.sol", "case.receive", true},
        {"helsesjef", "case.receive", true},   {"radmann", "case.receive", true},
    };
    for (const auto& r : rows) {
        CAPTURE(r.who, r.verb);
        filed_case f;
        const auto d = f.press(at_vik(r.who), r.verb);
        if (r.allowed) {
            CHECK(d.case_write);
            CHECK(f.stored().state == case_state::mottatt);
            continue;
        }
        CHECK_FALSE(d.case_write);
        CHECK(d.events.empty());
        CHECK(d.notifications.empty());
        CHECK(f.stored().state == case_state::ny);
        REQUIRE(d.audit.size() == 1);
        CHECK(d.audit[0].action == std::string("denied:") + r.verb);
        CHECK(d.audit[0].target == "AV-2026-0001");
        CHECK(d.audit[0].outcome == "denied");
        CHECK(d.audit[0].actor_email == at_vik(r.who));
        const std::string reply = flatten(d.replies);
        CHECK(has(reply, r.who == std::string("john")
                             ? "Sorry, you are not allowed to do this on case AV-2026-0001."
                             : "Beklager, du har ikke tilgang til å gjøre dette i sak "
                               "AV-2026-0001."));
    }
}

TEST_CASE_METHOD(filed_case, "a button for a case that does not exist is answered, not obeyed",
                 "[bot]") {
    const auto d = h.press(leader, "case.receive", {{"case", "AV-2026-0099"}});
    CHECK(flatten(d.replies) == "Fant ikke saken AV-2026-0099.\n");
    CHECK_FALSE(d.case_write);
}

TEST_CASE_METHOD(filed_case, "the reporter sees the case but gets no leader buttons", "[bot]") {
    const auto d = press(kari, "case.show");
    REQUIRE(d.replies.size() == 1);
    CHECK(fact(d.replies[0], "Sak") == "AV-2026-0001");
    std::vector<std::string> verbs;
    for (const auto& a : d.replies[0].actions) {
        verbs.push_back(a.verb);
    }
    CHECK(verbs == std::vector<std::string>{"case.add_info"});
    CHECK_FALSE(d.case_write);

    const auto stranger = press(at_vik("tone"), "case.show");
    CHECK(has(flatten(stranger.replies), "du har ikke tilgang"));
}

TEST_CASE(
    "a serious service event is flagged and the safety committee told "
    "at once",
    "[bot]") {
    struct row {
        category cat;
        int consequence;
        bool serious;
    };
    const row rows[] = {
        {category::tjeneste, 4, true},      {category::tjeneste, 5, true},
        {category::tjeneste, 3, false},     {category::hms, 5, false},
        {category::organisasjon, 5, false},
    };
    for (const auto& r : rows) {
        CAPTURE(static_cast<int>(r.cat), r.consequence);
        filed_case f;
        f.change([&](deviation_case& c) { c.cat = r.cat; });
        const auto d =
            f.press(f.leader, "case.assess",
                    {{"probability", "2"}, {"consequence", std::to_string(r.consequence)}});
        REQUIRE(d.case_write);
        CHECK((d.case_write->authority == authority_flag::pending) == r.serious);
        const std::string card = flatten(d.replies);
        CHECK(has(card, "kan være meldepliktig til tilsynsmyndigheten") == r.serious);
        for (const auto* member : {"psu.leder", "kvalitet"}) {
            CAPTURE(member);
            const auto& got = f.h.world.received(at_vik(member));
            if (!r.serious) {
                CHECK(got.empty());
                continue;
            }
            REQUIRE(got.size() == 1);
            CHECK(got[0].urgent);
            CHECK(got[0].body.title ==
                  "Alvorlig hendelse AV-2026-0001 – kan være meldepliktig til "
                  "tilsynsmyndigheten");
            CHECK(has(fact(got[0].body, "Meldeplikt"), "kan være meldepliktig"));
        }
        CHECK(f.h.world.received(at_vik("radmann")).empty());
        REQUIRE(f.h.world.received(f.kari).size() == 1);
        CHECK_FALSE(f.h.world.received(f.kari)[0].urgent);
    }
}

TEST_CASE_METHOD(filed_case, "recording the reporting-duty decision clears the flag", "[bot]") {
    press(leader, "case.assess", {{"probability", "2"}, {"consequence", "4"}});
    REQUIRE(stored().authority == authority_flag::pending);
    h.world.inbox.clear();

    const auto asked = press(leader, "case.authority");
    CHECK(choice_values(asked.replies.at(0)) ==
          std::vector<std::string>{"reported", "not_required"});
    pick(leader, "reported");
    const auto done = h.say(leader, "Meldt til Statsforvalteren, ref 2026/123");
    REQUIRE(done.case_write);
    CHECK(done.case_write->authority == authority_flag::reported);
    CHECK(done.case_write->authority_note == "Meldt til Statsforvalteren, ref 2026/123");
    const std::string card = flatten(done.replies);
    CHECK_FALSE(has(card, "kan være meldepliktig"));
    CHECK(has(card,
              "Meldeplikt: Meldt til tilsynsmyndigheten: Meldt til Statsforvalteren, ref "
              "2026/123"));
    for (const auto* member : {"psu.leder", "kvalitet"}) {
        CAPTURE(member);
        REQUIRE(h.world.received(at_vik(member)).size() == 1);
        CHECK_FALSE(h.world.received(at_vik(member))[0].urgent);
    }

    const auto again = press(leader, "case.authority");
    CHECK(flatten(again.replies) == "Saken har ingen åpen vurdering av meldeplikt.\n");

    const auto reassessed =
        press(leader, "case.assess", {{"probability", "3"}, {"consequence", "5"}});
    REQUIRE(reassessed.case_write);
    CHECK(reassessed.case_write->authority == authority_flag::reported);
}
