#include "bot/dialog/approval_actions.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "tests/support/fake_library.hpp"
#include "tests/support/fake_ports.hpp"

namespace {

using namespace std::chrono;
using kv::bot::approval_state;
using kv::test::at_vik;
using kv::test::bot_harness;
using kv::test::fact;
using kv::test::flatten;
using kv::test::has;
using kv::test::monday_morning;
using kv::test::small_municipality;

using kv::test::fall_procedure;

bot_harness library_harness() {
    bot_harness h{small_municipality(), monday_morning};
    h.world.repo.library().add_procedure(fall_procedure());
    return h;
}

// Kari asks for version 2.0 with a change note; the approval gets id 1.
void request_new_version(bot_harness& h) {
    h.press(
        at_vik("kari"), "review.new_version",
        {{"procedure", "HO-PR-012"}, {"version", "2.0"}, {"url", "-"}, {"note", "Ny sjekkliste"}});
    REQUIRE(h.world.repo.library().approvals().size() == 1);
}

const kv::bot::approval& first_approval(bot_harness& h) {
    return h.world.repo.library().approvals().front();
}

}  // namespace

TEST_CASE("a new version asked for at review goes to the owner with approve and reject buttons",
          "[bot]") {
    auto h = library_harness();
    request_new_version(h);
    const auto& a = first_approval(h);
    CHECK(a.state == approval_state::pending);
    CHECK(a.approver_email == at_vik("leder.sol"));
    CHECK(a.requested_by == at_vik("kari"));
    CHECK(a.details.at("version") == "2.0");
    CHECK(a.details.at("url").empty());

    const auto& inbox = h.world.received(at_vik("leder.sol"));
    REQUIRE(inbox.size() == 1);
    const auto& card = inbox[0].body;
    CHECK(card.title == "Til godkjenning: HO-PR-012 Forebygging av fall: ny versjon 2.0");
    CHECK(fact(card, "Bedt om av") == "Kari Nordmann");
    CHECK(fact(card, "Endringer") == "Ny sjekkliste");
    REQUIRE(card.actions.size() == 2);
    CHECK(card.actions[0].verb == "approval.approve");
    CHECK(card.actions[0].data.at("approval") == "1");
    CHECK(card.actions[1].verb == "approval.reject");
    REQUIRE(card.actions[1].inputs.size() == 1);
    CHECK(card.actions[1].inputs[0].name == "comment");
    CHECK(card.actions[1].inputs[0].required);
}

TEST_CASE("the review asks for version, link and change note one at a time when not given",
          "[bot]") {
    auto h = library_harness();
    auto d = h.press(at_vik("kari"), "review.new_version", {{"procedure", "HO-PR-012"}});
    CHECK(has(flatten(d.replies), "Hvilket versjonsnummer"));
    d = h.say(at_vik("kari"), "2.0");
    CHECK(has(flatten(d.replies), "Lenke til den nye versjonen"));
    d = h.say(at_vik("kari"), "https://vik.kommune.no/dok/HO-PR-012-v2");
    CHECK(has(flatten(d.replies), "Hva er endret?"));
    CHECK(h.world.repo.library().approvals().empty());
    d = h.say(at_vik("kari"), "Ny sjekkliste for risikovurdering");
    REQUIRE(h.world.repo.library().approvals().size() == 1);
    CHECK(first_approval(h).details.at("url") == "https://vik.kommune.no/dok/HO-PR-012-v2");
    CHECK(h.conversation(at_vik("kari")).empty());
}

TEST_CASE("only the owner may decide; anyone else is refused politely and the attempt audited",
          "[bot]") {
    auto h = library_harness();
    request_new_version(h);
    for (const auto* who : {"per", "kari", "helsesjef"}) {
        CAPTURE(who);
        const auto d = h.press(at_vik(who), "approval.approve", {{"approval", "1"}});
        CHECK(has(flatten(d.replies), "bare Sol Leder kan godkjenne eller avvise dette"));
        REQUIRE(!d.audit.empty());
        CHECK(d.audit.back().action == "denied:approval.approve");
        CHECK(d.audit.back().outcome == "denied");
        CHECK(d.approval_writes.empty());
        CHECK(d.procedure_changes.empty());
    }
    CHECK(first_approval(h).state == approval_state::pending);
}

TEST_CASE("an approved new version is published, put on the reading list and shows who decided",
          "[bot]") {
    auto h = library_harness();
    request_new_version(h);
    const auto d = h.press(at_vik("leder.sol"), "approval.approve", {{"approval", "1"}});
    const auto& a = first_approval(h);
    CHECK(a.state == approval_state::approved);
    CHECK(a.decided_by == at_vik("leder.sol"));
    REQUIRE(d.replies.size() == 1);
    // 10:00 UTC on 23 November is 11:00 in Oslo.
    CHECK(fact(d.replies[0], "Status") == "Godkjent av Sol Leder 2026-11-23 11:00");
    CHECK(d.replies[0].actions.empty());

    const auto& kari = h.world.received(at_vik("kari"));
    REQUIRE(kari.size() == 1);
    CHECK(fact(kari[0].body, "Status") == "Godkjent av Sol Leder 2026-11-23 11:00");
    CHECK(kari[0].body.subject_key == "approval:1");

    const auto p = h.world.repo.library().find_procedure("HO-PR-012");
    CHECK(p->version == "2.0");
    CHECK(p->url == "https://vik.kommune.no/dok/HO-PR-012");  // no new link given
    CHECK(p->last_reviewed == year{2026} / November / 23);
    CHECK(h.world.repo.library().history("HO-PR-012") == std::vector<std::string>{"new_version"});

    std::vector<std::string> readers;
    for (const auto& e : h.world.repo.library().reading_status("HO-PR-012")) {
        CHECK(e.version == "2.0");
        CHECK_FALSE(e.read_at);
        readers.push_back(e.email);
    }
    // Everyone active at Solsiden sykehjem; not the inactive Gunnar, not other units.
    CHECK(readers == std::vector<std::string>{at_vik("john"), at_vik("kari"), at_vik("leder.sol"),
                                              at_vik("nestleder.sol"), at_vik("per")});
}

TEST_CASE("deciding twice answers with the current state and notifies nobody again", "[bot]") {
    auto h = library_harness();
    request_new_version(h);
    h.press(at_vik("leder.sol"), "approval.approve", {{"approval", "1"}});
    h.now += 1h;
    for (const auto* verb : {"approval.approve", "approval.reject"}) {
        CAPTURE(verb);
        const auto d = h.press(at_vik("leder.sol"), verb, {{"approval", "1"}, {"comment", "Nei"}});
        CHECK(d.approval_writes.empty());
        CHECK(d.procedure_changes.empty());
        CHECK(d.reading_changes.empty());
        CHECK(d.notifications.empty());
        REQUIRE(d.replies.size() == 1);
        CHECK(fact(d.replies[0], "Status") == "Godkjent av Sol Leder 2026-11-23 11:00");
    }
    CHECK(h.world.received(at_vik("kari")).size() == 1);
    CHECK(first_approval(h).state == approval_state::approved);
}

TEST_CASE("rejecting asks for a comment, which the requester gets, and changes no procedure",
          "[bot]") {
    auto h = library_harness();
    request_new_version(h);
    auto d = h.press(at_vik("leder.sol"), "approval.reject", {{"approval", "1"}});
    CHECK(has(flatten(d.replies), "Hvorfor avvises det?"));
    CHECK(d.approval_writes.empty());
    d = h.say(at_vik("leder.sol"), "   ");
    CHECK(first_approval(h).state == approval_state::pending);
    d = h.say(at_vik("leder.sol"), "Mangler henvisning til ny forskrift");
    CHECK(first_approval(h).state == approval_state::rejected);
    CHECK(first_approval(h).comment == "Mangler henvisning til ny forskrift");
    const auto& kari = h.world.received(at_vik("kari"));
    REQUIRE(kari.size() == 1);
    CHECK(has(fact(kari[0].body, "Status"), "Avvist av Sol Leder"));
    CHECK(fact(kari[0].body, "Kommentar") == "Mangler henvisning til ny forskrift");
    CHECK(h.world.repo.library().find_procedure("HO-PR-012")->version == "1.3");
    CHECK(h.world.repo.library().reading_status("HO-PR-012").empty());
    // A rejected request no longer blocks a new one.
    h.press(at_vik("kari"), "review.new_version",
            {{"procedure", "HO-PR-012"}, {"version", "2.0"}, {"url", "-"}, {"note", "Rettet"}});
    REQUIRE(h.world.repo.library().approvals().size() == 2);
    CHECK(h.world.repo.library().approvals()[1].id == 2);
    CHECK(h.world.repo.library().approvals()[1].state == approval_state::pending);
}

TEST_CASE("an unknown approval id is answered, not trusted", "[bot]") {
    auto h = library_harness();
    for (const auto* id : {"7", "abc", "-1", ""}) {
        CAPTURE(id);
        const auto d = h.press(at_vik("leder.sol"), "approval.approve", {{"approval", id}});
        CHECK(has(flatten(d.replies), "Fant ikke godkjenningen."));
        CHECK(d.approval_writes.empty());
    }
}
