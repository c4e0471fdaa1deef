// The delivery worker's email path in batches, with the real email sender, a real store and a
// real SMTP server on loopback: rows sent in a batch are marked delivered together after it, so
// every mail sent is either marked delivered with its thread, or still pending and sent again
// with the same Message-ID.

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <set>

#include "daemon/delivery/delivery_worker.hpp"
#include "daemon/delivery/email_sender.hpp"
#include "daemon/store/email_inbound.hpp"
#include "daemon/store/email_threads.hpp"
#include "tests/adapters/email/mime_reader.hpp"
#include "tests/daemon/email/case_reminder.hpp"
#include "tests/daemon/store/store_fixture.hpp"
#include "tests/support/smtp_sink_process.hpp"

namespace {

using namespace kv::daemon;
using namespace kv::daemon::test;
using kv::email::testing::raw_header;
using kv::testing::read_file;
using kv::testing::smtp_sink_process;

struct batch_world {
    temp_folder tmp;
    smtp_sink_process sink{"starttls", {}};
    settings cfg = [this] {
        settings c;
        c.store.database = tmp.path() / "kv.db";
        c.email.from_address = "kvalitetsvakt@eksempel.kommune.no";
        c.email.smtp_url = sink.url();
        c.email.smtp_ca_file = sink.cert();
        c.email.smtp_user = "bot@example.test";
        c.email.smtp_password = "secret";
        return c;
    }();
    store db{{cfg.store.database}};

    batch_world() { db.sync_organisation(small_org(), t0); }

    void enqueue(int count) {
        kv::bot::decision d;
        for (int i = 0; i < count; ++i) {
            d.notifications.push_back(
                {"per@k.no", case_reminder(i), false, "r" + std::to_string(i)});
        }
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

    std::int64_t count(const std::string& query) { return db.db().query_int(query); }
};

}  // namespace

TEST_CASE("250 reminders in three batches are each sent once, marked delivered and threaded",
          "[email][delivery]") {
    batch_world w;
    w.enqueue(250);
    const auto pass = w.deliver();
    CHECK(pass.delivered == 250);
    CHECK(pass.retried == 0);
    const auto mails = w.sink.wait_for(250);
    CHECK(mails.size() == 250);
    std::set<std::string> ids;
    for (const auto& m : mails) {
        ids.insert(raw_header(read_file(m), "Message-ID"));
    }
    CHECK(ids.size() == 250);
    CHECK(w.count("SELECT count(*) FROM outbox WHERE state = 'delivered' AND delivered_at IS NOT "
                  "NULL") == 250);
    CHECK(w.count("SELECT count(*) FROM email_threads WHERE recipient_email = 'per@k.no'") == 250);
    CHECK(w.deliver().delivered == 0);
    CHECK(w.sink.messages().size() == 250);
}

TEST_CASE(
    "a mail sent but not yet marked delivered when the process stopped is sent again with "
    "the same Message-ID",
    "[email][delivery]") {
    batch_world w;
    w.enqueue(1);
    // What a crash between sending and the batch's mark leaves: the mail went out, its row is
    // still pending.
    const auto item =
        w.db.due_outbox(t0 + std::chrono::seconds{5}, kv::bot::channel::email, std::nullopt, 1)
            .at(0);
    REQUIRE(make_email_sender(w.cfg)->deliver(item).result == delivery_outcome::status::delivered);
    REQUIRE(w.sink.wait_for(1).size() == 1);
    CHECK(w.count("SELECT count(*) FROM outbox WHERE state = 'pending'") == 1);

    CHECK(w.deliver().delivered == 1);
    const auto mails = w.sink.wait_for(2);
    REQUIRE(mails.size() == 2);
    CHECK(raw_header(read_file(mails[0]), "Message-ID") ==
          raw_header(read_file(mails[1]), "Message-ID"));
    CHECK(w.count("SELECT count(*) FROM outbox WHERE state = 'delivered'") == 1);
    CHECK(w.count("SELECT count(*) FROM email_threads") == 1);
}

TEST_CASE("two mails about one case in the same batch share the reply token and thread",
          "[email][delivery]") {
    batch_world w;
    kv::bot::decision d;
    for (int i = 0; i < 2; ++i) {
        d.notifications.push_back(
            {"per@k.no", case_reminder(7), false, "same" + std::to_string(i)});
    }
    w.db.apply(d, "", kv::bot::channel::console, t0);
    CHECK(w.deliver().delivered == 2);
    const auto mails = w.sink.wait_for(2);
    REQUIRE(mails.size() == 2);
    const auto first = read_file(mails[0]);
    const auto second = read_file(mails[1]);
    CHECK(raw_header(second, "In-Reply-To") == raw_header(first, "Message-ID"));
    CHECK(raw_header(second, "Reply-To") == raw_header(first, "Reply-To"));
    CHECK(w.count("SELECT count(DISTINCT token) FROM email_threads") == 1);
}

TEST_CASE("a bounced address in the middle of a batch goes to its fallback; the rest are sent",
          "[email][delivery]") {
    batch_world w;
    mark_address_failing(w.db.db(), {"sigrid@k.no", "5.1.1", "", t0});
    kv::bot::decision d;
    d.notifications.push_back({"per@k.no", case_reminder(1), false, "a"});
    d.notifications.push_back({"sigrid@k.no", case_reminder(2), false, "b"});
    d.notifications.push_back({"per@k.no", case_reminder(3), false, "c"});
    w.db.apply(d, "", kv::bot::channel::console, t0);
    const auto pass = w.deliver();
    CHECK(pass.delivered == 2);
    CHECK(pass.rerouted == 1);
    CHECK(w.sink.wait_for(2).size() == 2);
    CHECK(w.count("SELECT count(*) FROM outbox WHERE recipient_email = 'sigrid@k.no' AND channel = "
                  "'console'") == 1);
    CHECK(w.count("SELECT count(*) FROM email_threads WHERE recipient_email = 'sigrid@k.no'") == 0);
}

TEST_CASE("a batch spread over three SMTP connections sends each mail once and marks every row",
          "[email][delivery]") {
    batch_world w;
    w.cfg.email.smtp_connections = 3;
    w.enqueue(250);
    const auto pass = w.deliver();
    CHECK(pass.delivered == 250);
    CHECK(pass.retried == 0);
    const auto mails = w.sink.wait_for(250);
    REQUIRE(mails.size() == 250);
    std::set<std::string> ids;
    std::set<std::string> client_ports;
    for (const auto& m : mails) {
        ids.insert(raw_header(read_file(m), "Message-ID"));
        auto envelope = m;
        envelope.replace_extension(".json");
        const auto peer = nlohmann::json::parse(read_file(envelope)).at("peer");
        client_ports.insert(peer.at(1).dump());
    }
    CHECK(ids.size() == 250);
    CHECK(client_ports.size() == 3);
    CHECK(w.count("SELECT count(*) FROM outbox WHERE state = 'delivered'") == 250);
    CHECK(w.count("SELECT count(*) FROM email_threads") == 250);
    CHECK(w.deliver().delivered == 0);
}
