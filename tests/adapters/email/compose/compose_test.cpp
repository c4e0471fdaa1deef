#include "adapters/email/compose/compose.hpp"

#include <catch2/catch.hpp>

#include <regex>

#include "tests/adapters/email/mime_reader.hpp"

namespace {

using namespace kv::email;
using kv::email::testing::decode;
using kv::email::testing::raw_header;

std::chrono::sys_seconds utc(int y, unsigned mo, unsigned d, int h, int mi) {
    using namespace std::chrono;
    return sys_days{year{y} / month{mo} / day{d}} + hours{h} + minutes{mi};
}

outgoing_mail approval_mail() {
    outgoing_mail m;
    m.from = {"Kvalitetsvakt Ålesund kommune", "kvalitetsvakt@eksempel.kommune.no"};
    m.to = {"Kåre Ødegård", "kare.odegard@eksempel.kommune.no"};
    m.reply_to = {"Kvalitetsvakt Ålesund kommune",
                  "kvalitetsvakt+k7q2mx9ftzab4abc@eksempel.kommune.no"};
    m.message_id = "kv.abcdef123456@eksempel.kommune.no";
    m.references = {"kv.first@eksempel.kommune.no", "kv.second@eksempel.kommune.no"};
    m.date = utc(2026, 11, 23, 8, 30);
    m.kind = "reminder";
    m.body.title =
        "Påminnelse: avvik venter på mottak – glatt gulv ved kantina, særlig når det "
        "regner og været er grått";
    m.body.subject_key = "AV-2026-0042";
    m.body.facts = {
        {"Sak", "AV-2026-0042"}, {"Enhet", "Hjemmetjenesten Sør"}, {"Meldt av", "Åse Bråten"}};
    m.body.text =
        "Beboer skled på det våte gulvet ved kjøkkenet. Ingen skade, men særdeles nær "
        "på. Tiltak må vurderes før fredag; «dette» = viktig & <haster>.  ";
    m.body.actions = {{"case.receive", "Motta", {{"case", "AV-2026-0042"}}, {}},
                      {"case.assess", "Risikovurder", {{"case", "AV-2026-0042"}}, {}}};
    m.ways = {{"Motta", "MOTTATT", "https://kv.eksempel.kommune.no/a/v1.abc.1790000000.mac1"},
              {"Risikovurder", "", "https://kv.eksempel.kommune.no/a/v1.def.1790000000.mac2"}};
    return m;
}

}  // namespace

TEST_CASE("a composed reminder decodes to the same Norwegian text in every part",
          "[email][compose]") {
    const auto mail = approval_mail();
    const std::string raw = compose_message(mail);
    const auto d = decode(raw);
    REQUIRE(d.parsed);
    CHECK(d.subject == mail.body.title + " [AV-2026-0042]");
    CHECK(d.from_name == "Kvalitetsvakt Ålesund kommune");
    CHECK(d.from_address == "kvalitetsvakt@eksempel.kommune.no");
    CHECK(d.to_name == "Kåre Ødegård");
    CHECK(d.to_address == "kare.odegard@eksempel.kommune.no");
    CHECK(d.reply_to_address == "kvalitetsvakt+k7q2mx9ftzab4abc@eksempel.kommune.no");
    CHECK(d.content_type == "multipart/alternative");
    CHECK(d.part_types == std::vector<std::string>{"text/plain", "text/html"});
    CHECK(d.part_charsets == std::vector<std::string>{"utf-8", "utf-8"});
    CHECK(d.part_encodings == std::vector<std::string>{"quoted-printable", "quoted-printable"});
    CHECK(d.plain == plain_body(mail));
    CHECK(d.html == html_body(mail));
    CHECK_THAT(d.plain, Catch::Contains("Beboer skled på det våte gulvet"));
    CHECK_THAT(d.plain, Catch::Contains("Meldt av: Åse Bråten"));
    CHECK_THAT(d.html, Catch::Contains("«dette» = viktig &amp; &lt;haster&gt;"));
}

TEST_CASE("the footer says which words to reply and gives one link per action",
          "[email][compose]") {
    const auto mail = approval_mail();
    const auto d = decode(compose_message(mail));
    CHECK_THAT(d.plain,
               Catch::Contains("Svar på denne e-posten med ett av disse ordene øverst i svaret:\n"
                               "  MOTTATT  (Motta)\n"));
    CHECK_THAT(d.plain, Catch::Contains("  Motta: " + mail.ways[0].url + "\n"));
    CHECK_THAT(d.plain, Catch::Contains("  Risikovurder: " + mail.ways[1].url + "\n"));
    CHECK_THAT(d.plain, Catch::Contains("Lenkene gjelder i 14 dager og kan brukes én gang."));
    CHECK_THAT(d.html, Catch::Contains("<li><b>MOTTATT</b> (Motta)</li>"));
    CHECK_THAT(d.html, Catch::Contains("<a href=\"" + mail.ways[0].url + "\""));
    CHECK_THAT(d.html, Catch::Contains(">Risikovurder</a>"));
}

TEST_CASE("the raw message is 7-bit, CRLF only, with lines within the limits", "[email][compose]") {
    const std::string raw = compose_message(approval_mail());
    const auto header_end = raw.find("\r\n\r\n");
    REQUIRE(header_end != std::string::npos);
    std::size_t pos = 0;
    int lines = 0;
    while (pos < raw.size()) {
        const auto eol = raw.find("\r\n", pos);
        REQUIRE(eol != std::string::npos);  // the message ends with CRLF too
        const auto line = raw.substr(pos, eol - pos);
        CAPTURE(line);
        CHECK(line.find('\n') == std::string::npos);
        CHECK(line.find('\r') == std::string::npos);
        CHECK(line.size() <= (pos < header_end ? 78u : 76u));
        for (const char c : line) {
            REQUIRE(static_cast<unsigned char>(c) < 0x80);
        }
        pos = eol + 2;
        ++lines;
    }
    CHECK(lines > 30);
}

TEST_CASE("headers carry the date, ids, threading and automation markers", "[email][compose]") {
    const std::string raw = compose_message(approval_mail());
    CHECK(raw_header(raw, "Date") == "Mon, 23 Nov 2026 09:30:00 +0100");
    CHECK(raw_header(raw, "Message-Id") == "<kv.abcdef123456@eksempel.kommune.no>");
    CHECK(raw_header(raw, "In-Reply-To") == "<kv.second@eksempel.kommune.no>");
    CHECK(raw_header(raw, "References") ==
          "<kv.first@eksempel.kommune.no> <kv.second@eksempel.kommune.no>");
    CHECK(raw_header(raw, "Auto-Submitted") == "auto-generated");
    CHECK(raw_header(raw, "X-Auto-Response-Suppress") == "OOF, AutoReply");
    CHECK(raw_header(raw, "X-QM-Kind") == "reminder");
    CHECK(raw_header(raw, "X-QM-Ref") == "AV-2026-0042");
    CHECK(raw_header(raw, "MIME-Version") == "1.0");
    CHECK_THAT(raw_header(raw, "Subject"), Catch::StartsWith("=?utf-8?", Catch::CaseSensitive::No));
    CHECK_THAT(raw_header(raw, "To"), Catch::Contains("<kare.odegard@eksempel.kommune.no>"));
}

TEST_CASE("an answer to a person is marked auto-replied and has no thread headers when new",
          "[email][compose]") {
    auto mail = approval_mail();
    mail.answers_a_person = true;
    mail.references.clear();
    mail.ways.clear();
    const std::string raw = compose_message(mail);
    CHECK(raw_header(raw, "Auto-Submitted") == "auto-replied");
    CHECK(raw_header(raw, "In-Reply-To").empty());
    CHECK(raw_header(raw, "References").empty());
    const auto d = decode(raw);
    CHECK_THAT(d.plain, !Catch::Contains("Slik svarer du"));
    CHECK_THAT(d.plain, Catch::EndsWith("Denne e-posten er sendt automatisk av Kvalitetsvakt.\n"));
}

TEST_CASE("Date uses Oslo's offset: +0200 in summer, +0100 in winter", "[email][compose]") {
    CHECK(rfc5322_date(utc(2026, 7, 1, 22, 5)) == "Thu, 2 Jul 2026 00:05:00 +0200");
    CHECK(rfc5322_date(utc(2026, 1, 31, 23, 59)) == "Sun, 1 Feb 2026 00:59:00 +0100");
    CHECK(rfc5322_date(utc(2026, 3, 29, 1, 0)) == "Sun, 29 Mar 2026 03:00:00 +0200");
}

TEST_CASE("the subject gets the case id unless the title already has it", "[email][compose]") {
    kv::bot::message m;
    m.title = "Nytt avvik i enheten din";
    m.subject_key = "AV-2026-0007";
    CHECK(subject_line(m) == "Nytt avvik i enheten din [AV-2026-0007]");
    m.title = "AV-2026-0007 er lukket";
    CHECK(subject_line(m) == "AV-2026-0007 er lukket");
    m.subject_key = "approval:17";
    m.title = "Godkjenning";
    CHECK(subject_line(m) == "Godkjenning");
}

TEST_CASE("addresses that cannot be written as plain MIME are refused by field",
          "[email][compose]") {
    struct row {
        const char* label;
        void (*spoil)(outgoing_mail&);
        const char* error;
    };
    const row rows[] = {
        {"non-ASCII domain", [](outgoing_mail& m) { m.to.address = "kari@bærum.kommune.no"; },
         "to: not a plain ASCII address of the form local@domain"},
        {"header injection", [](outgoing_mail& m) { m.from.address = "a@b.no\r\nBcc: x@y.no"; },
         "from: not a plain ASCII address of the form local@domain"},
        {"no at sign", [](outgoing_mail& m) { m.reply_to.address = "kvalitetsvakt"; },
         "reply_to: not a plain ASCII address of the form local@domain"},
        {"bad message id", [](outgoing_mail& m) { m.message_id = "no-at-sign"; },
         "message_id: not a Message-ID of the form left@right"},
        {"bad reference", [](outgoing_mail& m) { m.references = {"<x@y>"}; },
         "references: not a Message-ID of the form left@right"},
    };
    for (const auto& r : rows) {
        CAPTURE(r.label);
        auto mail = approval_mail();
        r.spoil(mail);
        CHECK_THROWS_WITH(compose_message(mail), r.error);
    }
}

TEST_CASE("reply keywords exist only for actions that a reply can take", "[email][compose]") {
    CHECK(reply_keyword("case.receive") == "MOTTATT");
    CHECK(reply_keyword("case.close") == "LUKK <konklusjon>");
    CHECK(reply_keyword("approval.approve") == "GODKJENN");
    CHECK(reply_keyword("approval.reject") == "AVVIS <begrunnelse>");
    CHECK(reply_keyword("review.keep") == "INGEN ENDRING");
    CHECK(reply_keyword("reading.confirm") == "LEST");
    CHECK_FALSE(reply_keyword("case.assess"));
    CHECK_FALSE(reply_keyword("review.new_version"));
}

TEST_CASE("a line break in a title or name never starts a header field", "[email][compose]") {
    auto mail = approval_mail();
    mail.body.title = "Avvik\r\nBcc: alle@eksempel.no";
    mail.to.name = "Kåre\nX-Evil: 1";
    const std::string raw = compose_message(mail);
    for (const auto& line : kv::email::testing::unfolded_headers(raw)) {
        CAPTURE(line);
        CHECK(line.rfind("Bcc:", 0) != 0);
        CHECK(line.rfind("X-Evil:", 0) != 0);
    }
    const auto d = decode(raw);
    CHECK(d.subject == "Avvik  Bcc: alle@eksempel.no [AV-2026-0042]");
    CHECK(d.to_name == "Kåre X-Evil: 1");
}
