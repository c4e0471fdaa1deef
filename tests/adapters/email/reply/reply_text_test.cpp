#include "adapters/email/reply/reply_text.hpp"

#include <catch2/catch.hpp>

#include "adapters/email/parse/parse_message.hpp"
#include "adapters/email/reply/reply_command.hpp"
#include "tests/adapters/email/fixture_files.hpp"

using kv::email::command_kind;
using kv::email::read_reply;
using kv::email::reply_reading;
using kv::email::strip_quotes;
using kind = kv::email::reply_reading::kind;

namespace {

std::string new_text_of(const std::string& fixture) {
    const auto r = kv::email::parse_message(kv::email::test::read_fixture(fixture));
    REQUIRE(r.message);
    return kv::email::new_text(*r.message);
}

}  // namespace

TEST_CASE("each client's reply yields only what the sender wrote now", "[email]") {
    struct row {
        const char* fixture;
        const char* expected;
    };
    const row rows[] = {
        {"reply-outlook-desktop-nb.eml", "Mottatt."},
        {"reply-outlook-desktop-en.eml",
         "Close – the handrail is fixed and checked by the caretaker."},
        {"reply-owa-nb.eml", "LUKK Tiltaket er gjennomført, og gulvet vaskes nå hver morgen."},
        {"reply-owa-en.eml", "RECEIVED"},
        {"reply-outlook-ios-nb.eml", "Mottatt"},
        {"reply-outlook-android-en.eml", "Received"},
        {"reply-gmail-nb.eml", "mottatt"},
        {"reply-apple-iphone-nb.eml", "Mottatt"},
        {"reply-thunderbird-nb.eml",
         "LUKK Skiltet er satt opp, og gulvet vaskes nå hver morgen før frokost."},
        {"reply-inline-thunderbird-nb.eml", "Mottatt.\n\nJeg ser på det i morgen."},
        {"reply-keyword-only-in-quote-nb.eml", "Takk, jeg ringer vaktmesteren i dag."},
        {"report-html-only-latin1.eml",
         "Hei,\n\nDet er et høyt trinn ved inngangen til Solbakken som folk snubler i. Beboere "
         "med rullator må hjelpes over."},
    };
    for (const auto& r : rows) {
        CAPTURE(r.fixture);
        CHECK(new_text_of(r.fixture) == r.expected);
    }
}

TEST_CASE("HTML quote containers are cut before the HTML becomes text", "[email]") {
    CHECK(kv::email::cut_html_quote("<div>ja</div><div class=\"gmail_quote\">GODKJENN</div>") ==
          "<div>ja</div>");
    CHECK(kv::email::cut_html_quote("<p>x</p><blockquote type=\"cite\">MOTTATT</blockquote>") ==
          "<p>x</p>");
    CHECK(kv::email::cut_html_quote("<p>x</p><DIV ID=\"divRplyFwdMsg\">a</DIV>") == "<p>x</p>");
}

TEST_CASE("quote markers in Norwegian, English and Swedish start the quoted original", "[email]") {
    struct row {
        const char* label;
        const char* text;
        const char* expected;
    };
    const row rows[] = {
        {"old Outlook", "Ok\n-----Opprinnelig melding-----\nFra: x\nMOTTATT", "Ok"},
        {"English Outlook", "Ok\n-----Original Message-----\nMOTTATT", "Ok"},
        {"forward", "Se under\n---------- Videresendt melding ---------\nMOTTATT", "Se under"},
        {"English attribution", "Fine\n\nOn Mon, 23 Nov 2026 at 09:30, Bot <b@x> wrote:\n> q",
         "Fine"},
        {"Swedish header block", "Ja\nFrån: Bot\nSkickat: idag\nÄmne: x\nMOTTATT", "Ja"},
        {"signature dashes", "Tekst\n-- \nNavn\nMOTTATT", "Tekst"},
        {"only a signature", "Sendt fra min iPhone", ""},
        {"invisible characters", "\xEF\xBB\xBFMottatt\xC2\xA0\n> x", "Mottatt"},
        {"CRLF", "Mottatt\r\n\r\nFra: a\r\nSendt: b\r\n", "Mottatt"},
        {"a lone From: line is text", "From: the kitchen, water on the floor",
         "From: the kitchen, water on the floor"},
    };
    for (const auto& r : rows) {
        CAPTURE(r.label);
        CHECK(strip_quotes(r.text) == r.expected);
    }
}

TEST_CASE("a keyword counts only as the first word of one of the first lines", "[email]") {
    struct row {
        const char* label;
        const char* text;
        kind what;
        command_kind command;
        const char* argument;
    };
    const row rows[] = {
        {"receive nb", "Mottatt.", kind::command, command_kind::receive, ""},
        {"receive en", "received", kind::command, command_kind::receive, ""},
        {"close with conclusion", "LUKK Skiltet er satt opp.", kind::command, command_kind::close,
         "Skiltet er satt opp."},
        {"close with a dash", "Close – fixed", kind::command, command_kind::close, "fixed"},
        {"close over two lines", "lukk: skiltet er satt opp\nog gulvet er tørt\n\nHilsen",
         kind::command, command_kind::close, "skiltet er satt opp og gulvet er tørt"},
        {"approve", "GODKJENN", kind::command, command_kind::approve, ""},
        {"approve after a greeting", "Hei,\nGodkjent", kind::command, command_kind::approve, ""},
        {"reject with reason", "AVVIS mangler dokumentasjon", kind::command, command_kind::reject,
         "mangler dokumentasjon"},
        {"reject en", "Rejected: wrong unit", kind::command, command_kind::reject, "wrong unit"},
        {"bold keyword", "*MOTTATT*", kind::command, command_kind::receive, ""},
        {"upper-case Norwegian letters", "AVSLÅTT for sent", kind::command, command_kind::reject,
         "for sent"},
        {"free text", "Jeg har ikke mottatt utstyret ennå.", kind::free_text, command_kind::receive,
         ""},
        {"keyword after the first lines", "a\nb\nc\nMOTTATT", kind::free_text,
         command_kind::receive, ""},
        {"negated", "Ikke godkjent", kind::unclear, command_kind::receive, ""},
        {"conflicting", "Godkjent\nAvvist", kind::unclear, command_kind::receive, ""},
        {"reject without reason", "AVVIS", kind::unclear, command_kind::reject, ""},
        {"close without conclusion", "Lukk.", kind::unclear, command_kind::close, ""},
        {"nothing", "", kind::empty, command_kind::receive, ""},
        {"yes is no keyword", "Ja", kind::free_text, command_kind::receive, ""},
    };
    for (const auto& r : rows) {
        CAPTURE(r.label);
        const reply_reading got = read_reply(r.text);
        CHECK(got.what == r.what);
        if (r.what == kind::command || r.what == kind::unclear) {
            CHECK(got.command == r.command);
        }
        CHECK(got.argument == r.argument);
    }
}
