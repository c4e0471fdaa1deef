#include "bot/dialog/filing_from_mail.hpp"

#include <catch2/catch.hpp>

#include "tests/support/fake_ports.hpp"

namespace {

using kv::test::at_vik;
using kv::test::fact;
using kv::test::flatten;
using kv::test::has;
using kv::test::monday_morning;

kv::bot::inbound_event mail_from(const std::string& email) {
    kv::bot::inbound_event ev;
    ev.sender_email = email;
    ev.via = kv::bot::channel::email;
    ev.dedupe_key = "email:<m1@x>";
    return ev;
}

struct filing_world {
    kv::test::fake_world world;
    kv::bot::bot_settings settings;
    filing_world() { world.dir = kv::test::small_municipality(); }
    kv::bot::decision file(const std::string& from, const std::string& subject,
                           const std::string& body) {
        auto d = kv::bot::file_from_mail(mail_from(from), subject, body, world.dir, world.repo,
                                         settings, monday_morning);
        world.apply(d, from, kv::bot::channel::email);
        return d;
    }
};

}  // namespace

TEST_CASE_METHOD(filing_world, "a mail files a case in the sender's unit in one step", "[bot]") {
    const auto d = file(at_vik("kari"), "Glatt gulv ved kjøkkenet",
                        "En beboer skled i går kl 14, men ble ikke skadet.");
    REQUIRE(world.repo.cases().size() == 1);
    const auto& c = world.repo.cases()[0];
    CHECK(c.human_id == "AV-2026-0001");
    CHECK(c.unit_id == "sykehjem");
    CHECK(c.reporter_email == at_vik("kari"));
    CHECK(c.description ==
          "Glatt gulv ved kjøkkenet\n\nEn beboer skled i går kl 14, men ble ikke skadet.");
    CHECK(c.occurred == "2026-11-22 14:00");
    CHECK_FALSE(world.received(at_vik("leder.sol")).empty());
    CHECK_FALSE(d.conversation);
    const std::string said = flatten(d.replies);
    CAPTURE(said);
    CHECK(has(said, "AV-2026-0001"));
    CHECK(has(said, "Tittel: Glatt gulv ved kjøkkenet"));
    CHECK(has(said, "hva som ble gjort med en gang"));
    CHECK_FALSE(has(said, "når det skjedde"));
    CHECK(d.replies.back().subject_key == "AV-2026-0001");
}

TEST_CASE_METHOD(filing_world, "identity numbers in a mail are removed before anything is stored",
                 "[bot]") {
    const auto d = file(at_vik("kari"), "Feil medisin", "Gjelder beboer 15076500565 på rom 3.");
    REQUIRE(world.repo.cases().size() == 1);
    CHECK_FALSE(has(world.repo.cases()[0].description, "15076500565"));
    CHECK(has(flatten(d.replies), "personnummer"));
}

TEST_CASE_METHOD(filing_world, "a mail that is empty, too long or from a stranger files nothing",
                 "[bot]") {
    settings.max_message_chars = 100;
    CHECK(has(flatten(file(at_vik("kari"), "  ", "\n").replies), "tom"));
    CHECK(has(flatten(file(at_vik("kari"), "x", std::string(200, 'a')).replies), "for lang"));
    CHECK(has(flatten(file(at_vik("ukjent"), "x", "y").replies), "kjenner deg ikke"));
    CHECK(has(flatten(file(at_vik("gammel"), "x", "y").replies), "kjenner deg ikke"));
    CHECK(world.repo.cases().empty());
}

TEST_CASE_METHOD(filing_world, "an English speaker is answered in English", "[bot]") {
    const auto d = file(at_vik("john"), "Broken bed", "The bed in room 12 is broken.");
    REQUIRE(world.repo.cases().size() == 1);
    CHECK(has(flatten(d.replies), "This is what I understood"));
}
