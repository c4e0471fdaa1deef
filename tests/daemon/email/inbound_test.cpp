// Drives the real binary: `kvalitetsvakt mail ingest < fixture.eml`, one fixture per client
// and per rule, each against its own database.

#include "daemon/email/inbound.hpp"

#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "daemon/store/email_inbound.hpp"
#include "daemon/store/email_threads.hpp"
#include "daemon/store/store.hpp"
#include "tests/daemon/config/temp_dir.hpp"

namespace {

using kv::daemon::testing::temp_dir;

constexpr const char* token = "k7q2mx9ftzab4ceq";
constexpr const char* request_id = "av.k7q2mx9ftzab4ceq.1@kvalitetsvakt.eksempel.kommune.no";
constexpr const char* leader = "per.hansen@eksempel.kommune.no";
constexpr const char* reporter = "kari.nordmann@eksempel.kommune.no";
// A fødselsnummer with valid check digits (15.07.65).
constexpr const char* identity_number = "15076500565";

std::string read_file(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string fixture(const std::string& name) {
    std::string text =
        read_file(std::filesystem::path(KV_SOURCE_DIR) / "tests/fixtures/email" / name);
    if (const auto at = text.find("{FNR}"); at != std::string::npos) {
        text.replace(at, 5, identity_number);
    }
    return text;
}

struct ingested {
    int exit_code = -1;
    nlohmann::json line;
    std::string out;
};

// A municipality (the demo organisation) with its own database and trusted mail server.
struct mail_world {
    temp_dir dir;
    std::filesystem::path config;
    std::filesystem::path db_path;

    explicit mail_world(const std::string& extra_email_keys = "") {
        db_path = dir.path() / "kv.db";
        config = dir.write("kvalitetsvakt.toml",
                           "[general]\norganisation = \"" + std::string(KV_SOURCE_DIR) +
                               "/config/organisation.toml\"\nlog_level = \"error\"\n\n[store]\n"
                               "database = \"" +
                               db_path.string() +
                               "\"\n\n[email]\ntrusted_authserv_id = \"mx.eksempel.kommune.no\"\n"
                               "outbox_dir = \"" +
                               (dir.path() / "outbox").string() + "\"\n" + extra_email_keys);
    }

    ingested ingest_text(const std::string& message) {
        static int n = 0;
        const auto in = dir.write("in-" + std::to_string(++n) + ".eml", message);
        const auto out = dir.path() / ("out-" + std::to_string(n) + ".txt");
        const char* binary = std::getenv("KV_BINARY");
        const std::string command = std::string(binary != nullptr ? binary : "./kvalitetsvakt") +
                                    " --config '" + config.string() + "' mail ingest < '" +
                                    in.string() + "' > '" + out.string() + "' 2>/dev/null";
        const int status = std::system(command.c_str());
        ingested r;
        r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        r.out = read_file(out);
        CAPTURE(r.out);
        REQUIRE(std::count(r.out.begin(), r.out.end(), '\n') == 1);
        r.line = nlohmann::json::parse(r.out);
        return r;
    }
    ingested ingest(const std::string& name) { return ingest_text(fixture(name)); }

    kv::daemon::store open() { return kv::daemon::store({db_path, true, 5000}); }

    // A case filed by mail, and the mail the leader got about it (as the outbound side records
    // it), so that replies to that mail find the case.
    std::string case_with_thread() {
        const auto filed = ingest("report-new-plain-nb.eml");
        REQUIRE(filed.line["outcome"] == "deviation_created");
        const std::string id = filed.line["case"];
        auto s = open();
        kv::daemon::record_email_thread(
            s.db(), {token, leader, id, request_id, std::chrono::sys_seconds{}});
        return id;
    }

    std::string sql_text(const std::string& query) {
        auto s = open();
        kv::daemon::statement st{s.db(), query};
        return st.step() && !st.is_null(0) ? st.text(0) : std::string{};
    }
    std::int64_t sql_int(const std::string& query) {
        auto s = open();
        return s.db().query_int(query);
    }
    std::string case_state(const std::string& id) {
        auto s = open();
        std::string state;
        s.with_read([&](const kv::bot::directory&, const kv::bot::repository& repo) {
            const auto c = repo.find_case(id);
            state = c ? std::string(c->state == kv::bot::case_state::ny        ? "ny"
                                    : c->state == kv::bot::case_state::mottatt ? "mottatt"
                                    : c->state == kv::bot::case_state::lukket  ? "lukket"
                                                                               : "other")
                      : "missing";
        });
        return state;
    }
    std::string conclusion(const std::string& id) {
        auto s = open();
        std::string out;
        s.with_read([&](const kv::bot::directory&, const kv::bot::repository& repo) {
            out = repo.find_case(id)->conclusion;
        });
        return out;
    }
    std::int64_t answers_to(const std::string& email) {
        return sql_int(
            "SELECT count(*) FROM outbox WHERE channel = 'email' AND recipient_email = '" + email +
            "' AND dedupe_key LIKE 'email-answer:%'");
    }
    std::string last_answer_to(const std::string& email) {
        return sql_text("SELECT body FROM outbox WHERE channel = 'email' AND recipient_email = '" +
                        email + "' AND dedupe_key LIKE 'email-answer:%' ORDER BY id DESC LIMIT 1");
    }
};

bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("a mail to the deviation address files a case and answers with its id", "[email]") {
    mail_world w;
    const auto r = w.ingest("report-new-plain-nb.eml");
    CHECK(r.exit_code == 0);
    CHECK(r.line["message_id"] == "report-plain.1@eksempel.kommune.no");
    CHECK(r.line["from"] == reporter);
    CHECK(r.line["outcome"] == "deviation_created");
    const std::string id = r.line["case"];
    CHECK(id.rfind("AV-", 0) == 0);
    const auto description = w.sql_text("SELECT description FROM cases ORDER BY id DESC LIMIT 1");
    CHECK(has(description, "Glatt gulv ved kjøkkenet\n\nDet er glatt gulv ved kjøkkenet"));
    CHECK_FALSE(has(description, identity_number));
    CHECK(w.sql_text("SELECT unit_id FROM cases") == "solbakken");
    const auto answer = w.last_answer_to(reporter);
    CAPTURE(answer);
    CHECK(has(answer, id));
    CHECK(has(answer, "Dette forsto jeg"));
    CHECK(has(answer, "Svar på denne e-posten"));
    CHECK(has(answer, "personnummer"));
    CHECK(w.sql_int("SELECT count(*) FROM outbox WHERE recipient_email = '" + std::string(leader) +
                    "'") == 1);

    const auto again = w.ingest("report-new-plain-nb.eml");
    CHECK(again.exit_code == 0);
    CHECK(again.line["outcome"] == "duplicate");
    CHECK(again.line["case"] == id);
    CHECK(w.sql_int("SELECT count(*) FROM cases") == 1);
    CHECK(w.answers_to(reporter) == 1);
}

TEST_CASE("reports in HTML only, windows-1252 and with attachments are filed as text", "[email]") {
    mail_world w;
    const auto html = w.ingest("report-html-only-latin1.eml");
    CHECK(html.line["outcome"] == "deviation_created");
    CHECK(has(w.sql_text("SELECT description FROM cases ORDER BY id DESC LIMIT 1"),
              "Det er et høyt trinn ved inngangen til Solbakken som folk snubler i."));
    const auto cp1252 = w.ingest("report-windows1252-qp.eml");
    CHECK(cp1252.line["outcome"] == "deviation_created");
    CHECK(has(w.sql_text("SELECT description FROM cases ORDER BY id DESC LIMIT 1"),
              "kantina – noen har sølt kaffe. Ærlig"));
    const auto attached = w.ingest("report-with-attachment-iphone.eml");
    CHECK(attached.line["outcome"] == "deviation_created");
    CHECK(attached.line["detail"] == "filed; 1 attachment(s) not stored");
    CHECK(has(w.last_answer_to("fatima.ali@eksempel.kommune.no"), "Vedlegg lagres ikke"));
    CHECK(w.sql_int("SELECT count(*) FROM cases") == 3);
}

TEST_CASE("a leader's reply from each mail client is read as the decision it states", "[email]") {
    struct row {
        const char* fixture;
        bool received_first;  // closing needs a received case
        const char* outcome;
        const char* state;
        const char* conclusion;
    };
    const row rows[] = {
        {"reply-outlook-desktop-nb.eml", false, "approval_recorded", "mottatt", ""},
        {"reply-outlook-desktop-en.eml", true, "approval_recorded", "lukket",
         "the handrail is fixed and checked by the caretaker."},
        {"reply-owa-nb.eml", true, "approval_recorded", "lukket",
         "Tiltaket er gjennomført, og gulvet vaskes nå hver morgen."},
        {"reply-owa-en.eml", false, "approval_recorded", "mottatt", ""},
        {"reply-outlook-ios-nb.eml", false, "approval_recorded", "mottatt", ""},
        {"reply-outlook-android-en.eml", false, "approval_recorded", "mottatt", ""},
        {"reply-gmail-nb.eml", false, "approval_recorded", "mottatt", ""},
        {"reply-apple-iphone-nb.eml", false, "approval_recorded", "mottatt", ""},
        {"reply-thunderbird-nb.eml", true, "approval_recorded", "lukket",
         "Skiltet er satt opp, og gulvet vaskes nå hver morgen før frokost."},
        {"reply-inline-thunderbird-nb.eml", false, "approval_recorded", "mottatt", ""},
        {"reply-keyword-only-in-quote-nb.eml", false, "reply_recorded", "ny", ""},
        {"reply-godkjenn-on-case-nb.eml", false, "not_understood", "ny", ""},
    };
    for (const auto& r : rows) {
        CAPTURE(r.fixture);
        mail_world w;
        const std::string id = w.case_with_thread();
        if (r.received_first) {
            REQUIRE(w.ingest("reply-owa-en.eml").line["outcome"] == "approval_recorded");
        }
        const auto got = w.ingest(r.fixture);
        CHECK(got.exit_code == 0);
        CHECK(got.line["outcome"] == r.outcome);
        CHECK(got.line["case"] == id);
        CHECK(w.case_state(id) == r.state);
        CHECK(w.conclusion(id) == r.conclusion);
        CHECK(w.answers_to(leader) >= 1);  // every reply gets an answer
    }
}

TEST_CASE("text added by reply lands on the case; a keyword in the quote never acts", "[email]") {
    mail_world w;
    const std::string id = w.case_with_thread();
    w.ingest("reply-keyword-only-in-quote-nb.eml");
    CHECK(has(w.sql_text("SELECT description FROM cases"), "Takk, jeg ringer vaktmesteren i dag."));
    CHECK_FALSE(has(w.sql_text("SELECT description FROM cases"), "LUKK Alt i orden"));
    CHECK(w.case_state(id) == "ny");
}

TEST_CASE("rejected: a decision from a sender our mail server did not authenticate", "[email]") {
    mail_world w;
    const std::string id = w.case_with_thread();
    const auto r = w.ingest("reply-forged-from.eml");
    CHECK(r.exit_code == 0);
    CHECK(r.line["outcome"] == "rejected_unverified");
    CHECK(r.line["detail"] == "dmarc=fail for eksempel.kommune.no");
    CHECK(w.case_state(id) == "ny");
    CHECK(has(w.last_answer_to(leader), "kunne ikke bekrefte"));
    const auto report = w.ingest("report-unverified-nb.eml");
    CHECK(report.line["outcome"] == "rejected_unverified");
    CHECK(w.sql_int("SELECT count(*) FROM cases") == 1);
}

TEST_CASE("rejected: a decision from a verified person who is not entitled to it", "[email]") {
    mail_world w;
    const std::string id = w.case_with_thread();
    const auto r = w.ingest("reply-wrong-person-nb.eml");
    CHECK(r.exit_code == 0);
    CHECK(r.line["outcome"] == "rejected_unknown_sender");
    CHECK(r.line["detail"] == "not entitled to case.receive");
    CHECK(w.case_state(id) == "ny");
    CHECK(has(w.last_answer_to("ole.berg@eksempel.kommune.no"), "ikke tilgang"));
}

TEST_CASE("rejected: mail from someone who is not in the organisation", "[email]") {
    mail_world w;
    const auto r = w.ingest("report-unknown-sender.eml");
    CHECK(r.exit_code == 0);
    CHECK(r.line["outcome"] == "rejected_unknown_sender");
    CHECK(r.line["case"].is_null());
    CHECK(w.sql_int("SELECT count(*) FROM cases") == 0);
    CHECK(w.answers_to("ukjent.person@gmail.example") == 1);
}

TEST_CASE("ignored: auto-replies are never answered and never decide", "[email]") {
    mail_world w;
    const std::string id = w.case_with_thread();
    const auto before = w.answers_to(leader);
    const auto r = w.ingest("autoreply-outlook-nb.eml");
    CHECK(r.exit_code == 0);
    CHECK(r.line["outcome"] == "ignored_autoreply");
    CHECK(r.line["detail"] == "Auto-Submitted: auto-replied");
    CHECK(w.case_state(id) == "ny");
    CHECK(w.answers_to(leader) == before);
    CHECK(w.ingest("autoreply-subject-only-en.eml").line["outcome"] == "ignored_autoreply");
    CHECK(w.answers_to("emily.clarke@eksempel.kommune.no") == 0);
}

TEST_CASE("ignored: a bounce marks the address as failing and is not answered", "[email]") {
    mail_world w;
    const auto r = w.ingest("bounce-dsn.eml");
    CHECK(r.exit_code == 0);
    CHECK(r.line["outcome"] == "ignored_bounce");
    CHECK(r.line["detail"] ==
          "address marked failing: tidligere.ansatt@eksempel.kommune.no (5.1.1)");
    auto s = w.open();
    const auto failing =
        kv::daemon::find_failing_address(s.db(), "tidligere.ansatt@eksempel.kommune.no");
    REQUIRE(failing);
    CHECK(failing->status == "5.1.1");
    CHECK(failing->message_id == request_id);
    CHECK(w.sql_int("SELECT count(*) FROM outbox") == 0);
}

TEST_CASE("rejected: a message over the size limit is refused with a clear answer", "[email]") {
    mail_world w;
    std::string big = fixture("report-new-plain-nb.eml");
    big += std::string(11 * 1024 * 1024 / 76, 'x').append("\n");
    for (int i = 0; i < 76; ++i) {
        big += std::string(11 * 1024 * 1024 / 76 / 76, 'y') + "\n";
    }
    big.resize(11 * 1024 * 1024, 'z');
    const auto r = w.ingest_text(big);
    CHECK(r.exit_code == 0);
    CHECK(r.line["outcome"] == "rejected_too_large");
    CHECK(r.line["detail"] == "message is over the limit of 10485760 bytes");
    CHECK(r.line["from"] == reporter);
    CHECK(w.sql_int("SELECT count(*) FROM cases") == 0);
    CHECK(has(w.last_answer_to(reporter), "for stor"));
}

TEST_CASE("rejected: malformed mail is handled without a crash and without an answer", "[email]") {
    mail_world w;
    const auto r = w.ingest("malformed-no-from.eml");
    CHECK(r.exit_code == 0);
    CHECK(r.line["outcome"] == "not_understood");
    CHECK(r.line["detail"] == "malformed: no sender address in From");
    const auto garbage = w.ingest_text(std::string("\x01\x02\xff\xfe", 4));
    CHECK(garbage.exit_code == 0);
    CHECK(garbage.line["outcome"] == "not_understood");
    CHECK(std::string(garbage.line["message_id"]).rfind("sha256:", 0) == 0);
    CHECK(w.sql_int("SELECT count(*) FROM outbox") == 0);
}

TEST_CASE("answers to one sender are rate-limited", "[email]") {
    mail_world w("answers_per_hour = 2\n");
    const std::string base = fixture("reply-owa-en.eml");
    for (int i = 0; i < 4; ++i) {
        std::string m = base;
        m.replace(m.find("DB9PR02MB0001AAAA"), 17, "DB9PR02MB0001AAA" + std::to_string(i));
        m.replace(m.find("In-Reply-To: <"), 14, "In-Reply-To: <x");
        m.replace(m.find("References: <"), 13, "References: <x");
        m.replace(m.find("kvalitetsvakt+"), 14, "kvalitetsvakt-");
        const auto r = w.ingest_text(m);
        CHECK(r.line["outcome"] == "not_understood");
        CHECK(has(r.line["detail"], "rate limit") == (i >= 2));
    }
    CHECK(w.answers_to(leader) == 2);
}

TEST_CASE("an authenticated mail from a bounced address clears its failing mark", "[email]") {
    mail_world w;
    const std::string id = w.case_with_thread();
    std::string bounce = fixture("bounce-dsn.eml");
    for (auto at = bounce.find("tidligere.ansatt@"); at != std::string::npos;
         at = bounce.find("tidligere.ansatt@")) {
        bounce.replace(at, 16, "per.hansen");
    }
    CHECK(w.ingest_text(bounce).line["detail"] ==
          std::string("address marked failing: ") + leader + " (5.1.1)");
    {
        auto s = w.open();
        CHECK(kv::daemon::find_failing_address(s.db(), leader));
    }
    const auto forged = w.ingest("reply-forged-from.eml");
    CHECK(forged.line["outcome"] == "rejected_unverified");
    {
        auto s = w.open();
        CHECK(kv::daemon::find_failing_address(s.db(), leader));  // not by an unverified mail
    }
    const auto reply = w.ingest("reply-owa-en.eml");
    CHECK(reply.line["outcome"] == "approval_recorded");
    CHECK(reply.line["detail"] == "case.receive; address no longer marked failing");
    auto s = w.open();
    CHECK_FALSE(kv::daemon::find_failing_address(s.db(), leader));
    CHECK(w.case_state(id) == "mottatt");
}
