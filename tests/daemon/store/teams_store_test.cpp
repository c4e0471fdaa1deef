#include "daemon/store/teams_store.hpp"

#include <catch2/catch.hpp>

#include "tests/daemon/store/store_fixture.hpp"

using namespace kv::daemon;
using kv::daemon::test::t0;
using kv::daemon::test::temp_folder;

namespace {

kv::teams::conversation_reference personal(const std::string& conv, const std::string& service) {
    kv::teams::conversation_reference r;
    r.service_url = service;
    r.channel_id = "msteams";
    r.conversation_id = conv;
    r.conversation_type = "personal";
    r.tenant_id = "t1";
    r.bot = {"28:bot", "Kvalitetsvakt", ""};
    r.user = {"29:kari", "Kari", "aad-kari"};
    r.activity_id = "1700";
    r.locale = "nb-NO";
    return r;
}

}  // namespace

TEST_CASE("a conversation reference survives a reopen and follows a new serviceUrl",
          "[store][teams]") {
    temp_folder tmp;
    const auto path = tmp.path() / "kv.db";
    {
        store s{{path}};
        teams_store t{s};
        t.upsert_reference(personal("a:1", "https://smba.trafficmanager.net/emea/"), "kari@k.no",
                           t0);
    }
    store s{{path}};
    teams_store t{s};
    auto r = t.personal_reference("kari@k.no");
    REQUIRE(r);
    CHECK(r->service_url == "https://smba.trafficmanager.net/emea/");
    CHECK(r->user.id == "29:kari");
    CHECK(r->user.aad_object_id == "aad-kari");
    CHECK(r->tenant_id == "t1");
    CHECK(r->bot.id == "28:bot");
    CHECK_FALSE(r->is_group);
    t.upsert_reference(personal("a:1", "https://smba.trafficmanager.net/teams/"), "kari@k.no",
                       t0 + std::chrono::seconds(5));
    CHECK(t.personal_reference("kari@k.no")->service_url ==
          "https://smba.trafficmanager.net/teams/");
    CHECK_FALSE(t.personal_reference("ola@k.no"));
}

TEST_CASE("a dead reference is not used for sending until the person returns", "[store][teams]") {
    temp_folder tmp;
    store s{{tmp.path() / "kv.db"}};
    teams_store t{s};
    t.upsert_reference(personal("a:1", "https://s/"), "kari@k.no", t0);
    t.mark_dead("a:1");
    CHECK_FALSE(t.personal_reference("kari@k.no"));
    CHECK(t.any_reference("kari@k.no"));  // still names the person for a new 1:1
    t.upsert_reference(personal("a:1", "https://s/"), "kari@k.no", t0);
    CHECK(t.personal_reference("kari@k.no"));
}

TEST_CASE("an Entra object id is linked to one person", "[store][teams]") {
    temp_folder tmp;
    store s{{tmp.path() / "kv.db"}};
    teams_store t{s};
    CHECK_FALSE(t.linked_email("aad-kari"));
    t.link("aad-kari", "kari@k.no", "29:kari", "t1", t0);
    CHECK(t.linked_email("aad-kari") == "kari@k.no");
    t.link("aad-kari", "kari.n@k.no", "29:kari", "t1", t0);
    CHECK(t.linked_email("aad-kari") == "kari.n@k.no");
}

TEST_CASE("the last card per recipient and subject is kept for updates in place",
          "[store][teams]") {
    temp_folder tmp;
    store s{{tmp.path() / "kv.db"}};
    teams_store t{s};
    kv::bot::message m;
    m.title = "Avvik AV-2026-0001";
    m.facts = {{"Status", "Ny"}};
    m.subject_key = "AV-2026-0001";
    t.record_sent_card({"leader@k.no", "AV-2026-0001", "a:l", "100", "https://s/", m}, t0);
    t.record_sent_card({"deputy@k.no", "AV-2026-0001", "a:d", "200", "https://s/", m}, t0);
    m.facts[0].value = "Mottatt";
    t.record_sent_card({"leader@k.no", "AV-2026-0001", "a:l", "100", "https://s/", m}, t0);
    const auto cards = t.sent_cards_for_subject("AV-2026-0001");
    REQUIRE(cards.size() == 2);
    CHECK(cards[0].recipient_email == "deputy@k.no");
    CHECK(cards[0].activity_id == "200");
    CHECK(cards[1].body.facts[0].value == "Mottatt");
    CHECK(t.sent_card("leader@k.no", "AV-2026-0001")->conversation_id == "a:l");
    CHECK_FALSE(t.sent_card("leader@k.no", "AV-2026-0002"));
}
