#include "bot/dialog/procedure_actions.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "tests/support/fake_library.hpp"
#include "tests/support/fake_ports.hpp"

namespace {

using namespace std::chrono;
using kv::test::at_vik;
using kv::test::bot_harness;
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

void publish_version_2(bot_harness& h) {
    h.press(at_vik("kari"), "review.new_version",
            {{"procedure", "HO-PR-012"}, {"version", "2.0"}, {"url", "-"}, {"note", "Ny"}});
    h.press(at_vik("leder.sol"), "approval.approve", {{"approval", "1"}});
}

}  // namespace

TEST_CASE("the review buttons are Ingen endring, Ny versjon til godkjenning and Foreslå sletting",
          "[bot]") {
    const auto actions = kv::bot::review_actions(fall_procedure(), kv::bot::language::nb);
    REQUIRE(actions.size() == 3);
    CHECK(actions[0].label == "Ingen endring");
    CHECK(actions[0].verb == "review.keep");
    CHECK(actions[1].label == "Ny versjon til godkjenning");
    CHECK(actions[2].label == "Foreslå sletting");
    for (const auto& a : actions) {
        CHECK(a.data.at("procedure") == "HO-PR-012");
    }
}

TEST_CASE("Ingen endring records the review today and restarts the interval", "[bot]") {
    auto h = library_harness();
    const auto d = h.press(at_vik("kari"), "review.keep", {{"procedure", "HO-PR-012"}});
    CHECK(has(flatten(d.replies), "Neste gjennomgang: 2027-11-23"));
    const auto p = h.world.repo.library().find_procedure("HO-PR-012");
    CHECK(p->last_reviewed == year{2026} / November / 23);
    CHECK(p->version == "1.3");
    CHECK(h.world.repo.library().history("HO-PR-012") == std::vector<std::string>{"reviewed"});
}

TEST_CASE("someone who neither reviews nor owns the procedure cannot review it", "[bot]") {
    auto h = library_harness();
    for (const auto* verb : {"review.keep", "review.new_version", "review.propose_delete"}) {
        CAPTURE(verb);
        const auto d = h.press(at_vik("per"), verb, {{"procedure", "HO-PR-012"}});
        CHECK(has(flatten(d.replies), "bare revisjonsansvarlig eller eieren"));
        REQUIRE(!d.audit.empty());
        CHECK(d.audit.back().action == std::string("denied:") + verb);
        CHECK(d.procedure_changes.empty());
        CHECK(d.approval_writes.empty());
    }
}

TEST_CASE("a procedure waiting for approval is not reviewed again meanwhile", "[bot]") {
    auto h = library_harness();
    h.press(at_vik("kari"), "review.propose_delete",
            {{"procedure", "HO-PR-012"}, {"reason", "Erstattet av HO-PR-013"}});
    const auto d = h.press(at_vik("kari"), "review.keep", {{"procedure", "HO-PR-012"}});
    CHECK(has(flatten(d.replies), "venter allerede på godkjenning"));
    CHECK(d.procedure_changes.empty());
}

TEST_CASE("an approved deletion retires the procedure", "[bot]") {
    auto h = library_harness();
    h.press(at_vik("kari"), "review.propose_delete",
            {{"procedure", "HO-PR-012"}, {"reason", "Erstattet av HO-PR-013"}});
    const auto& owner = h.world.received(at_vik("leder.sol"));
    REQUIRE(owner.size() == 1);
    CHECK(owner[0].body.title == "Til godkjenning: HO-PR-012 Forebygging av fall: sletting");
    h.press(at_vik("leder.sol"), "approval.approve", {{"approval", "1"}});
    CHECK_FALSE(h.world.repo.library().find_procedure("HO-PR-012")->active);
    CHECK(h.world.repo.library().history("HO-PR-012") == std::vector<std::string>{"deleted"});
}

TEST_CASE("Lest records a read confirmation once; lesestatus shows leaders who has read it",
          "[bot]") {
    auto h = library_harness();
    publish_version_2(h);
    auto d =
        h.press(at_vik("per"), "reading.confirm", {{"procedure", "HO-PR-012"}, {"version", "2.0"}});
    CHECK(has(flatten(d.replies), "Registrert at du har lest HO-PR-012"));
    h.now += 1h;
    d = h.press(at_vik("per"), "reading.confirm", {{"procedure", "HO-PR-012"}, {"version", "2.0"}});
    CHECK(has(flatten(d.replies), "allerede bekreftet"));
    CHECK(d.reading_changes.empty());
    d = h.press(at_vik("tone"), "reading.confirm",
                {{"procedure", "HO-PR-012"}, {"version", "2.0"}});
    CHECK(has(flatten(d.replies), "står ikke på leselisten din"));

    d = h.say(at_vik("leder.sol"), "lesestatus ho-pr-012");
    const std::string text = flatten(d.replies);
    CHECK(has(text, "Lesestatus HO-PR-012 Forebygging av fall (v2.0)"));
    CHECK(has(text, "Bekreftet lest: 1"));
    CHECK(has(text, "Ikke bekreftet: 4"));
    CHECK(has(text, "Har bekreftet:\n- Per Pleier\nHar ikke bekreftet:\n- John Smith\n"));

    // A leader above the unit may look too; an employee may not.
    CHECK(has(flatten(h.say(at_vik("helsesjef"), "lesestatus HO-PR-012").replies),
              "Bekreftet lest: 1"));
    d = h.say(at_vik("kari"), "lesestatus HO-PR-012");
    CHECK(has(flatten(d.replies), "kan bare ses av ledere for enheten og eieren"));
    CHECK(d.audit.back().action == "denied:lesestatus");
}
