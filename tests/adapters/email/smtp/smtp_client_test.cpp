#include "adapters/email/smtp/smtp_client.hpp"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <set>

#include "adapters/email/compose/compose.hpp"
#include "tests/adapters/email/mime_reader.hpp"
#include "tests/support/smtp_sink_process.hpp"

namespace {

using namespace kv::email;
using kv::testing::read_file;
using kv::testing::smtp_sink_process;
using outcome = send_result::outcome;

outgoing_mail reminder(int n = 1) {
    outgoing_mail m;
    m.from = {"Kvalitetsvakt Ålesund", "kvalitetsvakt@eksempel.kommune.no"};
    m.to = {"Kåre Ødegård", "kare.odegard@eksempel.kommune.no"};
    m.reply_to = {"Kvalitetsvakt Ålesund", "kvalitetsvakt+abcdefghij234567@eksempel.kommune.no"};
    m.message_id = "kv." + std::to_string(n) + ".test@eksempel.kommune.no";
    m.date = std::chrono::sys_seconds{std::chrono::seconds{1'790'000'000}};
    m.kind = "reminder";
    m.body.title = "Påminnelse: avviket venter på deg";
    m.body.subject_key = "AV-2026-0042";
    m.body.facts = {{"Sak", "AV-2026-0042"}, {"Enhet", "Sykehjemmet Øst"}};
    m.body.text = "Fristen for å motta saken gikk ut i går. Særlig viktig: «glatt gulv».";
    m.ways = {{"Motta", "MOTTATT", "https://kv.eksempel.kommune.no/a/v1.x.1.y"}};
    return m;
}

envelope to_kare() {
    return {"kvalitetsvakt@eksempel.kommune.no", "kare.odegard@eksempel.kommune.no"};
}

smtp_settings password_settings(const smtp_sink_process& sink) {
    smtp_settings s;
    s.url = sink.url();
    s.ca_file = sink.cert();
    s.username = "bot@example.test";
    s.password = "secret";
    return s;
}

nlohmann::json envelope_of(const std::filesystem::path& eml) {
    auto json_path = eml;
    json_path.replace_extension(".json");
    return nlohmann::json::parse(read_file(json_path));
}

}  // namespace

TEST_CASE("a reminder sent with STARTTLS and AUTH arrives intact and decodes to the same text",
          "[email][smtp]") {
    smtp_sink_process sink("starttls", {{"SMTP_AUTH_REQUIRED", "1"}});
    smtp_client client(password_settings(sink));
    const auto mail = reminder();
    const auto raw = compose_message(mail);
    const auto r = client.send(to_kare(), raw);
    REQUIRE(r.error == "");
    CHECK(r.ok());
    CHECK(r.reply_code == 250);
    const auto files = sink.wait_for(1);
    REQUIRE(files.size() == 1);
    const auto received = read_file(files[0]);
    CHECK(received == raw);
    const auto env = envelope_of(files[0]);
    CHECK(env["mail_from"] == "kvalitetsvakt@eksempel.kommune.no");
    CHECK(env["rcpt_tos"] == nlohmann::json::array({"kare.odegard@eksempel.kommune.no"}));
    CHECK(env["auth_user"] == "bot@example.test");
    CHECK(env["tls"] == true);
    const auto d = kv::email::testing::decode(received);
    CHECK(d.subject == "Påminnelse: avviket venter på deg [AV-2026-0042]");
    CHECK(d.to_name == "Kåre Ødegård");
    CHECK(d.plain == plain_body(mail));
    CHECK(d.html == html_body(mail));
}

TEST_CASE("every way to log in works: PLAIN, forced LOGIN, XOAUTH2, and implicit TLS",
          "[email][smtp]") {
    struct row {
        const char* label;
        const char* mode;
        const char* scheme;
        const char* login_options;
        const char* token;
    };
    const row rows[] = {
        {"STARTTLS + PLAIN", "starttls", "smtp", "", ""},
        {"STARTTLS + LOGIN", "starttls", "smtp", "AUTH=LOGIN", ""},
        {"STARTTLS + XOAUTH2", "starttls", "smtp", "AUTH=XOAUTH2", "test-access-token"},
        {"implicit TLS + PLAIN", "implicit", "smtps", "", ""},
    };
    for (const auto& r : rows) {
        CAPTURE(r.label);
        smtp_sink_process sink(r.mode, {{"SMTP_AUTH_REQUIRED", "1"}});
        auto s = password_settings(sink);
        s.url = sink.url(r.scheme);
        s.login_options = r.login_options;
        s.xoauth2_token = r.token;
        if (*r.token != '\0') {
            s.password.clear();
        }
        smtp_client client(s);
        const auto result = client.send(to_kare(), compose_message(reminder()));
        CHECK(result.error == "");
        REQUIRE(sink.wait_for(1).size() == 1);
        CHECK(envelope_of(sink.messages()[0])["auth_user"] == "bot@example.test");
    }
}

TEST_CASE("failures are told apart, and none of them delivers anything", "[email][smtp]") {
    SECTION("a wrong password") {
        smtp_sink_process sink("starttls", {{"SMTP_AUTH_REQUIRED", "1"}});
        auto s = password_settings(sink);
        s.password = "wrong";
        const auto r = smtp_client(s).send(to_kare(), compose_message(reminder()));
        CHECK(r.result == outcome::refused_login);
        CHECK(r.reply_code == 535);
        CHECK(sink.messages().empty());
    }
    SECTION("an expired XOAUTH2 token") {
        smtp_sink_process sink("starttls", {{"SMTP_AUTH_REQUIRED", "1"}});
        auto s = password_settings(sink);
        s.password.clear();
        s.xoauth2_token = "expired-token";
        const auto r = smtp_client(s).send(to_kare(), compose_message(reminder()));
        CHECK(r.result == outcome::refused_login);
        CHECK(sink.messages().empty());
    }
    SECTION("a server without STARTTLS never sees the password") {
        smtp_sink_process sink("none");
        const auto r = smtp_client(password_settings(sink)).send(to_kare(), "x\r\n");
        CHECK(r.result == outcome::unusable);
        CHECK_THAT(r.error, Catch::Contains("SSL"));
        CHECK(sink.messages().empty());
    }
    SECTION("a certificate the client does not trust") {
        smtp_sink_process sink("starttls");
        auto s = password_settings(sink);
        s.ca_file.clear();  // the system's CAs do not know the test certificate
        const auto r = smtp_client(s).send(to_kare(), compose_message(reminder()));
        CHECK(r.result == outcome::unusable);
        CHECK(sink.messages().empty());
    }
    SECTION("a recipient the server rejects permanently, then one it defers") {
        smtp_sink_process sink("starttls",
                               {{"SMTP_REJECT_RCPT", "ukjent"}, {"SMTP_TEMPFAIL_RCPT", "opptatt"}});
        smtp_client client(password_settings(sink));
        auto env = to_kare();
        env.rcpt_to = "ukjent@eksempel.kommune.no";
        const auto rejected = client.send(env, compose_message(reminder()));
        CHECK(rejected.result == outcome::rejected);
        CHECK(rejected.reply_code == 550);
        env.rcpt_to = "opptatt@eksempel.kommune.no";
        const auto deferred = client.send(env, compose_message(reminder()));
        CHECK(deferred.result == outcome::transient);
        CHECK(deferred.reply_code == 450);
        CHECK(client.send(to_kare(), compose_message(reminder())).ok());
        CHECK(sink.wait_for(1).size() == 1);
    }
    SECTION("a URL that is not SMTP") {
        smtp_settings s;
        s.url = "http://localhost/";
        CHECK_THROWS_WITH(smtp_client(s), "smtp url must start with smtp:// or smtps://");
    }
}

TEST_CASE("a batch of 1,000 messages goes over one connection", "[email][smtp]") {
    smtp_sink_process sink("starttls", {{"SMTP_AUTH_REQUIRED", "1"}});
    smtp_client client(password_settings(sink));
    int sent = 0;
    for (int i = 0; i < 1000; ++i) {
        sent += client.send(to_kare(), compose_message(reminder(i))).ok() ? 1 : 0;
    }
    CHECK(sent == 1000);
    CHECK(client.connections_opened() == 1);
    const auto files = sink.wait_for(1000);
    REQUIRE(files.size() == 1000);
    std::set<std::string> peers;
    for (const auto& f : files) {
        peers.insert(envelope_of(f)["peer"].dump());
    }
    CHECK(peers.size() == 1);
}

TEST_CASE("while the server is down sends fail as transient; the same client then delivers",
          "[email][smtp]") {
    smtp_sink_process sink("starttls");
    smtp_client client(password_settings(sink));
    REQUIRE(client.send(to_kare(), compose_message(reminder(1))).ok());
    sink.stop();
    const auto down = client.send(to_kare(), compose_message(reminder(2)));
    CHECK(down.result == outcome::transient);
    CHECK(down.reply_code == 0);
    sink.start();
    const auto back = client.send(to_kare(), compose_message(reminder(2)));
    CHECK(back.error == "");
    const auto files = sink.wait_for(2);
    REQUIRE(files.size() == 2);
    CHECK(kv::email::testing::raw_header(read_file(files[1]), "Message-Id") ==
          "<kv.2.test@eksempel.kommune.no>");
}
