#include "adapters/email/parse/parse_message.hpp"

#include <catch2/catch.hpp>
#include <random>

#include "adapters/email/parse/flowed_text.hpp"
#include "adapters/email/parse/html_text.hpp"
#include "tests/adapters/email/fixture_files.hpp"

using kv::email::parse_error;
using kv::email::parse_message;
using kv::email::test::read_fixture;

namespace {

kv::email::parsed_message parsed(const std::string& fixture) {
    auto r = parse_message(read_fixture(fixture));
    CAPTURE(fixture, r.detail);
    REQUIRE(r.error == parse_error::none);
    REQUIRE(r.message);
    return *r.message;
}

bool contains(const std::string& hay, const std::string& needle) {
    return hay.find(needle) != std::string::npos;
}

}  // namespace

TEST_CASE("each client's message decodes to the Norwegian text its sender wrote", "[email]") {
    struct row {
        const char* fixture;
        const char* from;
        const char* subject;
        const char* body_start;
    };
    const row rows[] = {
        {"reply-outlook-desktop-nb.eml", "per.hansen@eksempel.kommune.no",
         "SV: Ny sak AV-2026-0001 – Solbakken sykehjem", "Mottatt."},
        {"reply-outlook-desktop-en.eml", "per.hansen@eksempel.kommune.no",
         "RE: New case AV-2026-0001 – Solbakken sykehjem", "Close – the handrail is fixed"},
        {"reply-owa-nb.eml", "per.hansen@eksempel.kommune.no",
         "SV: Ny sak AV-2026-0001 – Solbakken sykehjem",
         "LUKK Tiltaket er gjennomført, og gulvet vaskes nå hver morgen."},
        {"reply-gmail-nb.eml", "per.hansen@eksempel.kommune.no",
         "Re: Ny sak AV-2026-0001 – Solbakken sykehjem", "mottatt"},
        {"reply-apple-iphone-nb.eml", "per.hansen@eksempel.kommune.no",
         "Re: Ny sak AV-2026-0001 – Solbakken sykehjem", "Mottatt"},
        {"reply-thunderbird-nb.eml", "per.hansen@eksempel.kommune.no",
         "Re: Ny sak AV-2026-0001 – Solbakken sykehjem",
         "LUKK Skiltet er satt opp, og gulvet vaskes nå hver morgen før frokost."},
        {"report-windows1252-qp.eml", "ole.berg@eksempel.kommune.no", "Avvik - glatt gulv i gangen",
         "Glatt gulv i gangen ved kantina – noen har sølt kaffe. Ærlig"},
        {"report-html-only-latin1.eml", "kari.nordmann@eksempel.kommune.no",
         "Avvik: høyt trinn ved inngangen", "Hei,\n\nDet er et høyt trinn ved inngangen"},
        {"report-new-plain-nb.eml", "kari.nordmann@eksempel.kommune.no", "Glatt gulv ved kjøkkenet",
         "Det er glatt gulv ved kjøkkenet på avdeling 2."},
    };
    for (const auto& r : rows) {
        CAPTURE(r.fixture);
        const auto m = parsed(r.fixture);
        CHECK(m.from_address == r.from);
        CHECK(m.subject == r.subject);
        CHECK(m.body_text().rfind(r.body_start, 0) == 0);
    }
}

TEST_CASE("threading headers come without angle brackets", "[email]") {
    const auto m = parsed("reply-outlook-desktop-nb.eml");
    CHECK(m.message_id == "AM0PR01MB1234ABCD@AM0PR01MB1234.eurprd01.prod.example");
    CHECK(m.in_reply_to == "av.k7q2mx9ftzab4ceq.1@kvalitetsvakt.eksempel.kommune.no");
    REQUIRE(m.references.size() == 1);
    CHECK(m.references[0] == m.in_reply_to);
    REQUIRE(m.date);
    CHECK(m.date->time_since_epoch().count() == 1795426862);  // 2026-11-23 09:41:02 UTC
    REQUIRE(!m.recipients.empty());
    CHECK(m.recipients[0] == "kvalitetsvakt+k7q2mx9ftzab4ceq@eksempel.kommune.no");
    CHECK(m.headers_named("Authentication-Results").size() == 1);
    CHECK(contains(std::string(*m.header("authentication-results")), "dmarc=pass"));
    CHECK(m.mime_type == "multipart/alternative");
}

TEST_CASE("an attachment is listed with its name and size but its bytes are not kept", "[email]") {
    const auto m = parsed("report-with-attachment-iphone.eml");
    REQUIRE(m.attachments.size() == 1);
    CHECK(m.attachments[0].filename == "IMG_0042.jpeg");
    CHECK(m.attachments[0].content_type == "image/jpeg");
    CHECK(m.attachments[0].size == 4 + 256 * 8 + 2);
    CHECK(m.subject == "Ødelagt seng på rom 12");
    CHECK(m.body_text().rfind("Sengehesten på rom 12 er ødelagt", 0) == 0);
    CHECK_FALSE(m.body_is_html());
}

TEST_CASE("a delivery report exposes its status and the returned headers", "[email]") {
    const auto m = parsed("bounce-dsn.eml");
    CHECK(m.mime_type == "multipart/report");
    CHECK(contains(m.delivery_status, "Action: failed"));
    CHECK(contains(m.delivery_status,
                   "Final-Recipient: rfc822; tidligere.ansatt@eksempel.kommune.no"));
    CHECK(contains(m.returned_headers,
                   "Message-ID: <av.k7q2mx9ftzab4ceq.1@kvalitetsvakt.eksempel.kommune.no>"));
    CHECK(m.header("Return-Path") == std::optional<std::string_view>("<>"));
}

TEST_CASE("a TNEF attachment is recognised", "[email]") {
    const auto m = parsed("tnef-outlook.eml");
    CHECK(m.has_tnef);
    REQUIRE(m.attachments.size() == 1);
    CHECK(m.attachments[0].filename == "winmail.dat");
}

TEST_CASE("a message over the size limit is refused before its body is parsed", "[email]") {
    std::string raw = read_fixture("report-new-plain-nb.eml");
    const auto limit = raw.size() - 1;
    const auto r = parse_message(raw, limit);
    CHECK(r.error == parse_error::too_large);
    CHECK(r.detail == "message is over the limit of " + std::to_string(limit) + " bytes");
    REQUIRE(r.message);
    CHECK(r.message->from_address == "kari.nordmann@eksempel.kommune.no");
    CHECK(r.message->plain_text.empty());
}

TEST_CASE("broken MIME gives an error or a best-effort message, never a crash", "[email]") {
    const auto no_from = parse_message(read_fixture("malformed-no-from.eml"));
    CHECK(no_from.error == parse_error::malformed);
    CHECK(no_from.detail == "no sender address in From");
    const auto empty = parse_message("");
    CHECK(empty.error == parse_error::malformed);
    CHECK(empty.detail == "not a mail message (no header block)");

    std::string deep = "From: a@b.example\nContent-Type: multipart/mixed; boundary=b0\n\n";
    for (int i = 1; i < 200; ++i) {
        deep += "--b" + std::to_string(i - 1) + "\nContent-Type: multipart/mixed; boundary=b" +
                std::to_string(i) + "\n\n";
    }
    CHECK(parse_message(deep).error == parse_error::none);

    // Every fixture cut and corrupted at random places still parses or fails cleanly.
    std::mt19937 rng(42);
    for (const char* f : {"reply-gmail-nb.eml", "bounce-dsn.eml",
                          "report-with-attachment-iphone.eml", "reply-owa-nb.eml"}) {
        const std::string base = read_fixture(f);
        for (int i = 0; i < 200; ++i) {
            std::string s = base.substr(0, rng() % base.size());
            for (int k = 0; k < 5 && !s.empty(); ++k) {
                s[rng() % s.size()] = static_cast<char>(rng() % 256);
            }
            const auto r = parse_message(s);
            if (r.message) {
                (void)r.message->body_text();
            }
        }
    }
}

TEST_CASE("HTML bodies become readable text", "[email]") {
    CHECK(kv::email::html_to_text("<p>Hei&nbsp;Per,</p><p>gulvet er v&aring;tt &amp; glatt</p>") ==
          "Hei Per,\n\ngulvet er vått & glatt");
    CHECK(kv::email::html_to_text("<div>a</div><div>b<br>c</div><ul><li>x</li><li>y</li></ul>") ==
          "a\nb\nc\n- x\n- y");
    CHECK(kv::email::html_to_text(
              "<style>p{}</style><script>x()</script><!-- c -->t&#248;&#xE6;") == "tøæ");
    CHECK(kv::email::html_to_text("<p>unclosed <b") == "unclosed");
}

TEST_CASE("format=flowed lines are joined, signatures and quotes kept apart", "[email]") {
    CHECK(kv::email::unflow("one \ntwo\n-- \nsig\n> q1 \n> q2\n", false) ==
          "one two\n-- \nsig\n> q1 q2\n");
    CHECK(kv::email::unflow("del \nsp\n", true) == "delsp\n");
}
