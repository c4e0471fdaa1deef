// The daemon's IMAP reader against a real Dovecot: fixture mail in, outcomes in the store, and
// each message filed in the processed or failed folder.

#include "daemon/email/imap_inbound.hpp"

#include <catch2/catch.hpp>
#include <sstream>
#include <thread>

#include "daemon/app/app.hpp"
#include "daemon/store/email_inbound.hpp"
#include "daemon/store/email_threads.hpp"
#include "tests/daemon/config/temp_dir.hpp"
#include "tests/servers/dovecot_server.hpp"

namespace {

using kv::daemon::testing::temp_dir;

std::string fixture(const std::string& name) {
    std::ifstream in(std::string(KV_SOURCE_DIR) + "/tests/fixtures/email/" + name,
                     std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    std::string text = s.str();
    if (const auto at = text.find("{FNR}"); at != std::string::npos) {
        text.replace(at, 5, "15076500565");
    }
    return text;
}

}  // namespace

TEST_CASE("mail read over IMAP gets the same outcomes as mail ingest and is filed away",
          "[email]") {
    kv::test::dovecot_server server;
    temp_dir dir;
    const auto config = dir.write(
        "kv.toml",
        "[general]\norganisation = \"" + std::string(KV_SOURCE_DIR) +
            "/config/organisation.toml\"\nlog_level = \"error\"\n[store]\ndatabase = \"" +
            (dir.path() / "kv.db").string() +
            "\"\n[email]\ntrusted_authserv_id = \"mx.eksempel.kommune.no\"\n"
            "imap_url = \"imap://127.0.0.1:" +
            std::to_string(server.port()) + "\"\nimap_ca_file = \"" + server.ca_file() +
            "\"\nimap_user = \"" + kv::test::dovecot_server::user + "\"\nimap_password = \"" +
            kv::test::dovecot_server::password + "\"\nimap_poll_seconds = 600\n");
    std::ostringstream err;
    int code = 0;
    auto a = kv::daemon::open_app(config, err, code);
    REQUIRE(a);
    const auto outcome_of = [&](const std::string& message_id) {
        const auto r = kv::daemon::find_inbound_mail(a->db->db(), message_id);
        return r ? r->outcome : std::string("(not handled)");
    };
    const auto wait_for = [](auto done) {
        const auto until = std::chrono::steady_clock::now() + std::chrono::seconds{30};
        while (!done() && std::chrono::steady_clock::now() < until) {
            std::this_thread::sleep_for(std::chrono::milliseconds{50});
        }
        return done();
    };

    for (const char* f : {"report-new-plain-nb.eml", "autoreply-outlook-nb.eml", "bounce-dsn.eml",
                          "malformed-no-from.eml", "report-unknown-sender.eml"}) {
        server.deliver(fixture(f));
    }
    kv::daemon::imap_inbound_service service(a->cfg, a->brain);
    service.start();
    REQUIRE(wait_for([&] { return server.count("INBOX") == 0; }));
    CHECK(outcome_of("report-plain.1@eksempel.kommune.no") == "deviation_created");
    CHECK(outcome_of("autoreply.1@eksempel.kommune.no") == "ignored_autoreply");
    CHECK(outcome_of("dsn.20261123093100@mx.eksempel.kommune.no") == "ignored_bounce");
    CHECK(outcome_of("malformed.1@eksempel.kommune.no") == "not_understood");
    CHECK(outcome_of("unknown.1@gmail.example") == "rejected_unknown_sender");
    CHECK(server.count("Behandlet") == 4);
    CHECK(server.count("Feilet") == 1);

    // The leader's answer arrives while the reader idles: it is read at once and decides.
    const auto filed =
        kv::daemon::find_inbound_mail(a->db->db(), "report-plain.1@eksempel.kommune.no");
    REQUIRE(filed);
    kv::daemon::record_email_thread(
        a->db->db(),
        {"k7q2mx9ftzab4ceq", "per.hansen@eksempel.kommune.no", filed->case_id,
         "av.k7q2mx9ftzab4ceq.1@kvalitetsvakt.eksempel.kommune.no", std::chrono::sys_seconds{}});
    server.deliver(fixture("reply-outlook-desktop-nb.eml"));
    REQUIRE(wait_for([&] { return server.count("Behandlet") == 5; }));
    service.stop();
    CHECK(outcome_of("AM0PR01MB1234ABCD@AM0PR01MB1234.eurprd01.prod.example") ==
          "approval_recorded");
}
