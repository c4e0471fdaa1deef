#include "daemon/delivery/email_sender.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <set>

#include "adapters/email/links/action_link.hpp"
#include "adapters/email/smtp/smtp_client.hpp"
#include "daemon/store/email_links.hpp"
#include "daemon/store/email_threads.hpp"
#include "tests/adapters/email/mime_reader.hpp"
#include "tests/daemon/store/store_fixture.hpp"
#include "tests/support/smtp_sink_process.hpp"

namespace {

using namespace kv::daemon;
using namespace kv::daemon::test;
using kv::email::testing::decode;
using kv::email::testing::raw_header;
using kv::testing::read_file;
using kv::testing::smtp_sink_process;
using status = delivery_outcome::status;

const std::string secret = "test-link-secret-of-at-least-32-bytes";

kv::bot::message case_message(const std::string& case_id, const std::string& title) {
    kv::bot::message m;
    m.title = title;
    m.subject_key = case_id;
    m.facts = {{"Sak", case_id}, {"Enhet", "Helse og omsorg"}};
    m.text = "Et nytt avvik er meldt i enheten din. Særlig viktig å følge opp før fredag.";
    m.actions = {{"case.show", "Vis", {{"case", case_id}}, {}},
                 {"case.receive", "Motta", {{"case", case_id}}, {}},
                 {"case.close", "Lukk", {{"case", case_id}}, {}}};
    return m;
}

void enqueue(store& s, const std::string& recipient, const kv::bot::message& body,
             const std::string& key) {
    kv::bot::decision d;
    d.notifications.push_back({recipient, body, false, key});
    s.apply(d, "", kv::bot::channel::console, t0);
}

struct drained {
    int delivered = 0, retrying = 0, failed = 0;
};

// What the delivery worker does with due email rows, at `now`.
drained drain(store& s, email_sender& sender, std::chrono::sys_seconds now) {
    drained d;
    for (const auto& item : s.due_outbox(now, kv::bot::channel::email, std::nullopt, 2000)) {
        const auto outcome = sender.deliver(item);
        if (outcome.result == status::delivered) {
            s.mark_delivered(item.id, now);
            ++d.delivered;
        } else {
            const bool give_up = outcome.result == status::failed_permanently;
            s.mark_attempt_failed(item.id, outcome.error, now + 60s, give_up);
            ++(give_up ? d.failed : d.retrying);
        }
    }
    return d;
}

struct fixture {
    temp_folder tmp;
    store db{{tmp.path() / "kv.db"}};
    smtp_sink_process sink{"starttls",
                           {{"SMTP_AUTH_REQUIRED", "1"}, {"SMTP_REJECT_RCPT", "sigrid"}}};
    kv::email::smtp_client smtp{[this] {
        kv::email::smtp_settings s;
        s.url = sink.url();
        s.ca_file = sink.cert();
        s.username = "bot@example.test";
        s.password = "secret";
        return s;
    }()};
    email_sender_options options = [] {
        email_settings e;
        e.from_name = "Kvalitetsvakt Ålesund";
        e.from_address = "kvalitetsvakt@eksempel.kommune.no";
        e.link_secret = secret;
        e.public_base_url = "https://kv.eksempel.kommune.no";
        auto o = email_sender_options_from(e);
        o.clock = [] { return t0 + 5s; };
        return o;
    }();
    email_sender sender{db, smtp, options};
    fixture() { db.sync_organisation(small_org(), t0); }
};

}  // namespace

TEST_CASE_METHOD(fixture, "an email row arrives as a threaded Norwegian mail with working links",
                 "[email][delivery]") {
    enqueue(db, "per@k.no", case_message("AV-2026-0001", "Nytt avvik til mottak"), "n1");
    CHECK(drain(db, sender, t0).delivered == 1);
    const auto files = sink.wait_for(1);
    REQUIRE(files.size() == 1);
    const auto raw = read_file(files[0]);
    const auto d = decode(raw);
    CHECK(d.subject == "Nytt avvik til mottak [AV-2026-0001]");
    CHECK(d.to_name == "Per Nestleder");
    CHECK(d.from_name == "Kvalitetsvakt Ålesund");
    CHECK_THAT(d.plain, Catch::Contains("Særlig viktig å følge opp før fredag."));
    CHECK_THAT(d.plain, Catch::Contains("  MOTTATT  (Motta)\n"));
    CHECK_THAT(d.plain, Catch::Contains("  LUKK <konklusjon>  (Lukk)\n"));
    CHECK_THAT(d.plain, !Catch::Contains("Vis:"));

    // The Reply-To token and the Message-ID lead back to the case.
    const auto message_id = raw_header(raw, "Message-Id");
    REQUIRE(message_id.size() > 2);
    const auto thread =
        find_email_thread_by_message_id(db.db(), message_id.substr(1, message_id.size() - 2));
    REQUIRE(thread);
    CHECK(thread->subject_key == "AV-2026-0001");
    CHECK(thread->recipient_email == "per@k.no");
    CHECK(d.reply_to_address == "kvalitetsvakt+" + thread->token + "@eksempel.kommune.no");

    // Each link in the mail verifies against the grant stored for it.
    std::set<std::string> verbs;
    for (const std::string label : {"Motta", "Lukk"}) {
        const auto start = d.plain.find("  " + label + ": https://kv.eksempel.kommune.no/a/");
        REQUIRE(start != std::string::npos);
        const auto token_start = d.plain.find("/a/", start) + 3;
        const auto token =
            d.plain.substr(token_start, d.plain.find('\n', token_start) - token_start);
        const auto parts = kv::email::parse_link_token(token);
        REQUIRE(parts);
        const auto stored = find_email_link(db.db(), parts->nonce);
        REQUIRE(stored);
        CHECK(stored->person_email == "per@k.no");
        CHECK(stored->target == "AV-2026-0001");
        const kv::email::link_grant grant{stored->nonce, stored->verb,         stored->target,
                                          stored->data,  stored->person_email, stored->expires_at};
        CHECK(kv::email::check_link(*parts, grant, secret, t0) == kv::email::link_verdict::valid);
        CHECK(stored->expires_at == t0 + std::chrono::days{14});
        verbs.insert(stored->verb);
    }
    CHECK(verbs == std::set<std::string>{"case.receive", "case.close"});
}

TEST_CASE_METHOD(fixture, "later mail about the same case threads under the first one",
                 "[email][delivery]") {
    enqueue(db, "per@k.no", case_message("AV-2026-0001", "Nytt avvik"), "n1");
    CHECK(drain(db, sender, t0).delivered == 1);
    enqueue(db, "per@k.no", case_message("AV-2026-0001", "Påminnelse: avviket venter"), "remind1");
    enqueue(db, "per@k.no", case_message("AV-2026-0002", "Et annet avvik"), "n2");
    CHECK(drain(db, sender, t0).delivered == 2);
    const auto files = sink.wait_for(3);
    REQUIRE(files.size() == 3);
    std::map<std::string, std::string> by_subject;
    for (const auto& f : files) {
        const auto raw = read_file(f);
        by_subject[decode(raw).subject] = raw;
    }
    const auto& first = by_subject.at("Nytt avvik [AV-2026-0001]");
    const auto& reminder = by_subject.at("Påminnelse: avviket venter [AV-2026-0001]");
    const auto& other = by_subject.at("Et annet avvik [AV-2026-0002]");
    CHECK(raw_header(reminder, "In-Reply-To") == raw_header(first, "Message-Id"));
    CHECK(raw_header(reminder, "References") == raw_header(first, "Message-Id"));
    CHECK(raw_header(reminder, "X-QM-Kind") == "reminder");
    CHECK(decode(reminder).reply_to_address == decode(first).reply_to_address);
    CHECK(raw_header(other, "In-Reply-To").empty());
    CHECK(decode(other).reply_to_address != decode(first).reply_to_address);
}

TEST_CASE_METHOD(fixture, "while the server is down rows wait; afterwards each arrives once",
                 "[email][delivery]") {
    for (int i = 0; i < 20; ++i) {
        enqueue(db, "per@k.no", case_message("AV-2026-" + std::to_string(1000 + i), "Avvik"),
                "n" + std::to_string(i));
    }
    sink.stop();
    const auto down = drain(db, sender, t0);
    CHECK(down.retrying == 20);
    CHECK(db.outbox_depth().pending == 20);
    sink.start();
    CHECK(drain(db, sender, t0).delivered == 0);  // not due before the retry time
    CHECK(drain(db, sender, t0 + 61s).delivered == 20);
    CHECK(db.outbox_depth().pending == 0);
    const auto files = sink.wait_for(20);
    CHECK(files.size() == 20);
    std::set<std::string> ids;
    for (const auto& f : files) {
        ids.insert(raw_header(read_file(f), "Message-Id"));
    }
    CHECK(ids.size() == 20);
}

TEST_CASE_METHOD(fixture, "a resent row keeps its Message-ID, token and links",
                 "[email][delivery]") {
    enqueue(db, "per@k.no", case_message("AV-2026-0001", "Nytt avvik"), "n1");
    const auto item = db.due_outbox(t0, kv::bot::channel::email, std::nullopt, 1).at(0);
    CHECK(sender.deliver(item).result == status::delivered);
    CHECK(sender.deliver(item).result == status::delivered);
    const auto files = sink.wait_for(2);
    REQUIRE(files.size() == 2);
    const auto a = read_file(files[0]);
    const auto b = read_file(files[1]);
    CHECK(raw_header(a, "Message-Id") == raw_header(b, "Message-Id"));
    CHECK(decode(a).reply_to_address == decode(b).reply_to_address);
    CHECK(decode(a).plain == decode(b).plain);
    CHECK(raw_header(b, "In-Reply-To").empty());
}

TEST_CASE_METHOD(fixture, "a recipient the server rejects fails permanently, others go on",
                 "[email][delivery]") {
    enqueue(db, "sigrid@k.no", case_message("AV-2026-0001", "Avvik"), "n1");
    enqueue(db, "per@k.no", case_message("AV-2026-0001", "Avvik"), "n2");
    const auto result = drain(db, sender, t0);
    CHECK(result.failed == 1);
    CHECK(result.delivered == 1);
    CHECK(db.outbox_depth().failed == 1);
}

TEST_CASE("a wrong password keeps the rows and asks to wait before trying again",
          "[email][delivery]") {
    temp_folder tmp;
    store db{{tmp.path() / "kv.db"}};
    db.sync_organisation(small_org(), t0);
    smtp_sink_process sink{"starttls", {{"SMTP_AUTH_REQUIRED", "1"}}};
    kv::email::smtp_settings s;
    s.url = sink.url();
    s.ca_file = sink.cert();
    s.username = "bot@example.test";
    s.password = "feil";
    kv::email::smtp_client smtp{s};
    email_sender sender{db, smtp, email_sender_options_from(email_settings{})};
    enqueue(db, "per@k.no", case_message("AV-2026-0001", "Avvik"), "n1");
    const auto item = db.due_outbox(t0, kv::bot::channel::email, std::nullopt, 1).at(0);
    const auto outcome = sender.deliver(item);
    CHECK(outcome.result == status::retry_later);
    CHECK(outcome.retry_after == std::chrono::seconds{15 * 60});
    CHECK_THAT(outcome.error, Catch::Contains("Login denied"));
    CHECK(sink.messages().empty());
}

TEST_CASE("without an SMTP server the mail is written to the outbox folder", "[email][delivery]") {
    temp_folder tmp;
    store db{{tmp.path() / "kv.db"}};
    db.sync_organisation(small_org(), t0);
    email_settings e;
    e.outbox_dir = tmp.path() / "var" / "mail" / "outbox";
    const auto transport = make_mail_transport(e);
    email_sender sender{db, *transport, email_sender_options_from(e)};
    enqueue(db, "per@k.no", case_message("AV-2026-0001", "Nytt avvik"), "n1");
    CHECK(drain(db, sender, t0).delivered == 1);
    std::vector<std::filesystem::path> files;
    for (const auto& f : std::filesystem::directory_iterator(e.outbox_dir)) {
        files.push_back(f.path());
    }
    REQUIRE(files.size() == 1);
    const auto d = decode(read_file(files[0]));
    CHECK(d.subject == "Nytt avvik [AV-2026-0001]");
    // No link secret configured: keywords only.
    CHECK_THAT(d.plain, Catch::Contains("MOTTATT"));
    CHECK_THAT(d.plain, !Catch::Contains("/a/"));
}

TEST_CASE("the delivery worker's email sender opens its own store and transport",
          "[email][delivery]") {
    temp_folder tmp;
    settings cfg;
    cfg.store.database = tmp.path() / "kv.db";
    cfg.email.outbox_dir = tmp.path() / "outbox";
    {
        store db{{cfg.store.database}};
        db.sync_organisation(small_org(), t0);
        enqueue(db, "per@k.no", case_message("AV-2026-0001", "Nytt avvik"), "n1");
    }
    store reader{{cfg.store.database}};
    const auto item = reader.due_outbox(t0, kv::bot::channel::email, std::nullopt, 1).at(0);
    const auto sender = make_email_sender(cfg);
    CHECK(sender->channel() == kv::bot::channel::email);
    CHECK(sender->deliver(item).result == status::delivered);
    CHECK(std::distance(std::filesystem::directory_iterator(cfg.email.outbox_dir),
                        std::filesystem::directory_iterator{}) == 1);
    CHECK(email_threads_about(reader.db(), "per@k.no", "AV-2026-0001").size() == 1);

    settings broken = cfg;
    broken.store.database = "/proc/kv-no-such-folder/kv.db";
    const auto outcome = make_email_sender(broken)->deliver(item);
    CHECK(outcome.result == status::retry_later);
    CHECK_THAT(outcome.error, Catch::StartsWith("email sender cannot start: "));
}

TEST_CASE("with a token file, a refused token is tried again soon and the next token delivers",
          "[email][delivery]") {
    temp_folder tmp;
    smtp_sink_process sink{"starttls",
                           {{"SMTP_AUTH_REQUIRED", "1"}, {"SMTP_XOAUTH2_TOKEN", "fresh-token"}}};
    settings cfg;
    cfg.store.database = tmp.path() / "kv.db";
    cfg.email.smtp_url = sink.url();
    cfg.email.smtp_ca_file = sink.cert();
    cfg.email.smtp_user = "bot@example.test";
    cfg.email.oauth2_token_file = tmp.path() / "token";
    {
        store db{{cfg.store.database}};
        db.sync_organisation(small_org(), t0);
        enqueue(db, "per@k.no", case_message("AV-2026-0001", "Nytt avvik"), "n1");
    }
    store reader{{cfg.store.database}};
    const auto item = reader.due_outbox(t0, kv::bot::channel::email, std::nullopt, 1).at(0);
    const auto sender = make_email_sender(cfg);

    const auto missing = sender->deliver(item);
    CHECK(missing.result == status::retry_later);
    CHECK_THAT(missing.error, Catch::StartsWith("XOAUTH2 token file "));

    std::ofstream(cfg.email.oauth2_token_file) << "expired-token\n";
    const auto expired = sender->deliver(item);
    CHECK(expired.result == status::retry_later);
    CHECK(expired.retry_after == std::chrono::seconds{60});
    CHECK(sink.messages().empty());

    std::ofstream(cfg.email.oauth2_token_file) << "fresh-token\n";
    CHECK(sender->deliver(item).result == status::delivered);
    CHECK(sink.wait_for(1).size() == 1);
}
