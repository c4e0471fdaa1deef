#include "bot/dialog/understanding.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <optional>
#include <string>

#include "bot/domain/names.hpp"
#include "tests/support/fake_ports.hpp"

namespace {

using namespace std::chrono;
using kv::bot::case_kind;
using kv::bot::category;

using kv::test::monday_morning;

std::string shown(const std::optional<std::string>& s) {
    return s ? *s : "(not understood)";
}

template <typename E>
std::string shown(const std::optional<E>& e) {
    return e ? std::string(kv::bot::to_string(*e)) : "(no guess)";
}

}  // namespace

TEST_CASE("the answer to «when did it happen?» becomes a local date and time", "[bot]") {
    auto [answer, expected] = GENERATE(table<std::string, std::string>({
        {"i dag kl 09", "2026-11-23 09:00"},
        {"I dag kl. 10:45", "2026-11-23 10:45"},
        {"i går", "2026-11-22"},
        {"i går kl 14", "2026-11-22 14:00"},
        {"i går kveld", "2026-11-22 kveld"},
        {"i forgårs", "2026-11-21"},
        {"i morges", "2026-11-23 morgen"},
        {"i natt", "2026-11-22 natt"},
        {"i natt kl 23", "2026-11-22 23:00"},
        {"i natt kl 03", "2026-11-23 03:00"},
        {"yesterday at 14:00", "2026-11-22 14:00"},
        {"23.11", "2026-11-23"},
        {"20.11", "2026-11-20"},
        {"20.11 kl 08:30", "2026-11-20 08:30"},
        {"20.11.2026", "2026-11-20"},
        {"20.11.2026 kl 08.30", "2026-11-20 08:30"},
        {"2026-11-20 08:30", "2026-11-20 08:30"},
        {"28.12", "2025-12-28"},
        {"nå", "2026-11-23 11:00"},
        {"Nå", "2026-11-23 11:00"},
        {"now", "2026-11-23 11:00"},
        {"08:30", "2026-11-23 08:30"},
        {"14:30", "2026-11-22 14:30"},
    }));
    CAPTURE(answer);
    CHECK(shown(kv::bot::parse_occurred(answer, monday_morning)) == expected);
}

TEST_CASE("a time in the future or an answer without a time is not accepted", "[bot]") {
    auto answer =
        GENERATE(as<std::string>{}, "i dag kl 14", "i dag kl 11:30", "2026-11-24", "24.11.2026",
                 "2027-01-01 10:00", "blabla", "en gang i høst", "", "31.02", "kl 25", "99:99");
    CAPTURE(answer);
    CHECK(shown(kv::bot::parse_occurred(answer, monday_morning)) == "(not understood)");
}

TEST_CASE("a time phrase inside a longer description is found", "[bot]") {
    auto [description, expected] = GENERATE(table<std::string, std::string>({
        {"Beboer falt på badet i natt, ingen synlige skader", "2026-11-22 natt"},
        {"Feil medisin gitt i går kl 14 til beboer", "2026-11-22 14:00"},
        {"Skjedde 20.11 på vaktrommet", "2026-11-20"},
        {"Beboer falt på badet", "(not understood)"},
        {"Beboer fikk 2 tabletter", "(not understood)"},
    }));
    CAPTURE(description);
    CHECK(shown(kv::bot::find_occurred(description, monday_morning)) == expected);
}

TEST_CASE("the kind of report is guessed from the words in the description", "[bot]") {
    auto [description, expected] = GENERATE(table<std::string, std::optional<case_kind>>({
        {"Det var nesten et fall i trappa", case_kind::nestenuhell},
        {"Holdt på å gi feil medisin", case_kind::nestenuhell},
        {"Near miss with the lift", case_kind::nestenuhell},
        {"Forslag: bedre lys i gangen", case_kind::forbedringsforslag},
        {"Vi bør forbedre vaktskiftet", case_kind::forbedringsforslag},
        {"Pårørende er MISFORNØYD med maten", case_kind::klage},
        {"Klage på ventetid", case_kind::klage},
        {"Beboer falt på badet", std::nullopt},
        {"", std::nullopt},
    }));
    CAPTURE(description);
    CHECK(shown(kv::bot::guess_kind(description)) == shown(expected));
}

TEST_CASE("the category is guessed from the words in the description", "[bot]") {
    auto [description, expected] = GENERATE(table<std::string, std::optional<category>>({
        {"Beboer falt på badet i natt", category::tjeneste},
        {"Feil dose av legemiddel til pasient", category::tjeneste},
        {"Jeg fikk en stikkskade", category::hms},
        {"Beboer slo meg i ansiktet", category::hms},
        {"Vondt i ryggen etter løft uten hjelpemiddel", category::hms},
        {"Fagsystemet var nede hele vakta", category::organisasjon},
        {"Fikk ikke tak i vikar, for lav bemanning", category::organisasjon},
        {"ÆØÅ og ingenting annet", std::nullopt},
    }));
    CAPTURE(description);
    CHECK(shown(kv::bot::guess_category(description)) == shown(expected));
}

TEST_CASE("case folding lowers Norwegian letters and keeps the byte length", "[bot]") {
    auto [text, expected] = GENERATE(table<std::string, std::string>({
        {"NÅ", "nå"},
        {"ÆRLIG ØKONOMI", "ærlig økonomi"},
        {"Mine Saker", "mine saker"},
        {"×", "×"},
    }));
    CAPTURE(text);
    CHECK(kv::bot::fold_case(text) == expected);
    CHECK(kv::bot::fold_case(text).size() == text.size());
}

TEST_CASE("a risk scale answer is a number 1 to 5 or its name", "[bot]") {
    auto [answer, expected] = GENERATE(table<std::string, std::optional<int>>({
        {"1", 1},
        {" 5 ", 5},
        {"svært lav", 1},
        {"Lav", 2},
        {"middels", 3},
        {"HØY", 4},
        {"svært høy", 5},
        {"very high", 5},
        {"0", std::nullopt},
        {"6", std::nullopt},
        {"litt", std::nullopt},
    }));
    CAPTURE(answer);
    CHECK(kv::bot::parse_scale(answer) == expected);
}
