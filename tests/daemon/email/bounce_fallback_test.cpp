// A bounced address is not mailed again: the delivery worker hands its rows to the person's other
// channel, with an audit record, through a real store and a real SMTP server on loopback.

#include <catch2/catch.hpp>

#include "daemon/delivery/delivery_worker.hpp"
#include "daemon/delivery/email_sender.hpp"
#include "daemon/store/email_inbound.hpp"
#include "daemon/store/teams_store.hpp"
#include "tests/daemon/store/store_fixture.hpp"
#include "tests/support/smtp_sink_process.hpp"

namespace {

using namespace kv::daemon;
using namespace kv::daemon::test;
using kv::testing::read_file;
using kv::testing::smtp_sink_process;
using status = delivery_outcome::status;

kv::bot::message case_message(const std::string& case_id) {
    kv::bot::message m;
    m.title = "Nytt avvik til mottak";
    m.subject_key = case_id;
    m.text = "Et nytt avvik er meldt i enheten din.";
    m.actions = {{"case.receive", "Motta", {{"case", case_id}}, {}}};
    return m;
}

struct bounced_world {
    temp_folder tmp;
    smtp_sink_process sink{"starttls", {}};
    settings cfg = [this] {
        settings c;
        c.store.database = tmp.path() / "kv.db";
        c.email.from_address = "kvalitetsvakt@eksempel.kommune.no";
        c.email.smtp_url = sink.url();
        c.email.smtp_ca_file = sink.cert();
        return c;
    }();
    store db{{cfg.store.database}};

    bounced_world() { db.sync_organisation(small_org(), t0); }

    void notify(const std::string& recipient, const std::string& key) {
        kv::bot::decision d;
        d.notifications.push_back({recipient, case_message("AV-2026-0001"), false, key});
        db.apply(d, "", kv::bot::channel::console, t0);
    }

    delivery_pass deliver() {
        delivery_worker_options o;
        o.store = {cfg.store.database};
        o.now = [] { return t0 + std::chrono::seconds{5}; };
        std::vector<std::unique_ptr<channel_sender>> senders;
        senders.push_back(make_email_sender(cfg));
        delivery_worker worker{std::move(o), std::move(senders)};
        return worker.run_once();
    }

    std::string sql_text(const std::string& query) {
        statement st{db.db(), query};
        return st.step() && !st.is_null(0) ? st.text(0) : std::string{};
    }
};

}  // namespace

TEST_CASE("mail to a bounced address goes to the console channel instead, with an audit record",
          "[email][delivery]") {
    bounced_world w;
    mark_address_failing(w.db.db(), {"per@k.no", "5.1.1", "kv.x@eksempel.kommune.no", t0});
    w.notify("per@k.no", "n1");
    w.notify("sigrid@k.no", "n2");

    const auto pass = w.deliver();
    CHECK(pass.rerouted == 1);
    CHECK(pass.delivered == 1);
    const auto mails = w.sink.wait_for(1);
    REQUIRE(mails.size() == 1);
    CHECK_THAT(read_file(mails[0]), Catch::Contains("sigrid@k.no") && !Catch::Contains("per@k.no"));
    CHECK(w.sql_text("SELECT channel || ' ' || state FROM outbox WHERE recipient_email = "
                     "'per@k.no'") == "console pending");
    CHECK(w.sql_text("SELECT channel || ' ' || state FROM outbox WHERE recipient_email = "
                     "'sigrid@k.no'") == "email delivered");
    CHECK(w.sql_text("SELECT outcome || ': ' || detail FROM audit WHERE action = "
                     "'delivery.fallback' AND target = 'per@k.no'") ==
          "console: the address bounced (5.1.1)");

    // The person reads it in `chat`: the console rows are theirs, due now.
    const auto waiting =
        w.db.due_outbox(t0 + std::chrono::seconds{5}, kv::bot::channel::console, "per@k.no", 10);
    REQUIRE(waiting.size() == 1);
    CHECK(waiting[0].body.title == "Nytt avvik til mottak");
}

TEST_CASE("once the mark is cleared the address gets mail again", "[email][delivery]") {
    bounced_world w;
    mark_address_failing(w.db.db(), {"per@k.no", "5.1.1", "", t0});
    CHECK(clear_failing_address(w.db.db(), "per@k.no"));
    CHECK_FALSE(clear_failing_address(w.db.db(), "per@k.no"));
    w.notify("per@k.no", "n1");
    CHECK(w.deliver().delivered == 1);
    CHECK(w.sink.wait_for(1).size() == 1);
}

TEST_CASE("a bounced person Teams can reach is handed to Teams", "[email][delivery]") {
    bounced_world w;
    mark_address_failing(w.db.db(), {"per@k.no", "5.2.2", "", t0});
    w.notify("per@k.no", "n1");
    const auto item = w.db.due_outbox(t0, kv::bot::channel::email, std::nullopt, 10).at(0);
    auto transport = make_mail_transport(w.cfg.email);
    auto options = email_sender_options_from(w.cfg.email);

    SECTION("without a conversation with them: the console") {
        options.teams_delivers = true;
        email_sender sender{w.db, *transport, options};
        const auto outcome = sender.deliver(item);
        CHECK(outcome.result == status::use_fallback);
        CHECK(outcome.fallback_to == kv::bot::channel::console);
    }
    SECTION("with a stored conversation: Teams, when Teams delivers") {
        kv::teams::conversation_reference ref;
        ref.service_url = "https://smba.example.test/emea/";
        ref.channel_id = "msteams";
        ref.conversation_id = "a:1per";
        ref.conversation_type = "personal";
        ref.tenant_id = "tenant";
        ref.user.id = "29:per";
        teams_store{w.db}.upsert_reference(ref, "per@k.no", t0);
        for (const bool teams_on : {true, false}) {
            CAPTURE(teams_on);
            options.teams_delivers = teams_on;
            email_sender sender{w.db, *transport, options};
            const auto outcome = sender.deliver(item);
            CHECK(outcome.result == status::use_fallback);
            CHECK(outcome.error == "the address bounced (5.2.2)");
            CHECK(outcome.fallback_to ==
                  (teams_on ? kv::bot::channel::teams : kv::bot::channel::console));
        }
    }
    CHECK(w.sink.messages().empty());
}
