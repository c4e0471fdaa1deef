#include "adapters/email/reply/procedure_reply.hpp"

#include <catch2/catch.hpp>

namespace {

using kv::email::read_procedure_reply;
using kind = kv::email::procedure_reply_reading::kind;

}  // namespace

TEST_CASE("a procedure reply is read as no change, read, other or unclear", "[email]") {
    struct row {
        const char* label;
        const char* text;
        kind expected;
        const char* problem;
    };
    const row rows[] = {
        {"Ingen endring alone", "Ingen endring", kind::no_change, ""},
        {"lower case with a full stop", "ingen endring.", kind::no_change, ""},
        {"plural and more text on the line", "Ingen endringer, den er fortsatt riktig",
         kind::no_change, ""},
        {"after a greeting", "Hei!\n\nINGEN ENDRING\n\nHilsen Kari", kind::no_change, ""},
        {"uendret", "Uendret", kind::no_change, ""},
        {"English", "No change", kind::no_change, ""},
        {"English unchanged", "*Unchanged*", kind::no_change, ""},
        {"Lest", "Lest", kind::read, ""},
        {"Lest with text after it", "Lest og forstått. Takk!", kind::read, ""},
        {"Jeg har lest", "Jeg har lest", kind::read, ""},
        {"English read", "I've read them", kind::read, ""},
        {"ikke lest", "Ikke lest ennå", kind::unclear, "negated phrase"},
        {"har ikke lest", "Har ikke lest", kind::unclear, "negated phrase"},
        {"I have not read", "I have not read it", kind::unclear, "negated phrase"},
        {"negation after the phrase", "Lest? Nei, ikke ennå", kind::unclear, "negated phrase"},
        {"both phrases", "Ingen endring\nLest", kind::unclear, "conflicting phrases"},
        {"an approval keyword", "GODKJENN", kind::other, ""},
        {"free text", "Prosedyren må oppdateres med nye rutiner", kind::other, ""},
        {"phrase below the first three lines", "a\nb\nc\nIngen endring", kind::other, ""},
        {"phrase inside a sentence", "Det er ingen endring i rutinen, men", kind::other, ""},
        {"nothing", "  \n\n", kind::empty, ""},
    };
    for (const auto& r : rows) {
        CAPTURE(r.label);
        const auto reading = read_procedure_reply(r.text);
        CHECK(reading.what == r.expected);
        CHECK(reading.problem == r.problem);
    }
}
