#include "bot/domain/names.hpp"

#include <catch2/catch.hpp>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace kv::bot;

// Every value of E survives to_string and parse, and no two values share a name.
template <typename E>
void check_round_trip(const std::vector<E>& values,
                      const std::function<std::optional<E>(std::string_view)>& parse) {
    std::set<std::string_view> seen;
    for (const E value : values) {
        const std::string_view name = to_string(value);
        CAPTURE(name);
        CHECK(name != "?");
        CHECK(seen.insert(name).second);
        const std::optional<E> parsed = parse(name);
        REQUIRE(parsed.has_value());
        CHECK(*parsed == value);
    }
}

const std::vector<std::string_view> unknown_names{"",       "?",      "unknown", "Avvik", "AVVIK",
                                                  " avvik", "avvik ", "ny\n",    "green", "nb-NO"};

}  // namespace

TEST_CASE("every enum value round-trips through its stored name", "[bot][names]") {
    check_round_trip<case_kind>(
        {case_kind::avvik, case_kind::nestenuhell, case_kind::forbedringsforslag, case_kind::klage},
        parse_case_kind);
    check_round_trip<category>({category::hms, category::organisasjon, category::tjeneste},
                               parse_category);
    check_round_trip<case_state>(
        {case_state::ny, case_state::mottatt, case_state::under_behandling, case_state::lukket},
        parse_case_state);
    check_round_trip<authority_flag>({authority_flag::none, authority_flag::pending,
                                      authority_flag::reported, authority_flag::not_required},
                                     parse_authority_flag);
    check_round_trip<measure_state>({measure_state::open, measure_state::done},
                                    parse_measure_state);
    check_round_trip<channel>({channel::console, channel::teams, channel::email}, parse_channel);
    check_round_trip<language>({language::nb, language::en}, parse_language);
    check_round_trip<committee_kind>({committee_kind::quality, committee_kind::patient_safety},
                                     parse_committee_kind);
}

TEST_CASE("stored names are the documented words", "[bot][names]") {
    CHECK(to_string(case_kind::forbedringsforslag) == "forbedringsforslag");
    CHECK(to_string(case_state::under_behandling) == "under_behandling");
    CHECK(to_string(authority_flag::not_required) == "not_required");
    CHECK(to_string(committee_kind::patient_safety) == "patient_safety");
    CHECK(to_string(risk_level::green) == "green");
    CHECK(to_string(risk_level::yellow) == "yellow");
    CHECK(to_string(risk_level::red) == "red");
}

TEST_CASE("unknown names are rejected by every parser", "[bot][names]") {
    for (const std::string_view s : unknown_names) {
        CAPTURE(s);
        CHECK_FALSE(parse_case_kind(s));
        CHECK_FALSE(parse_category(s));
        CHECK_FALSE(parse_case_state(s));
        CHECK_FALSE(parse_authority_flag(s));
        CHECK_FALSE(parse_measure_state(s));
        CHECK_FALSE(parse_channel(s));
        CHECK_FALSE(parse_language(s));
        CHECK_FALSE(parse_committee_kind(s));
    }
}

TEST_CASE("display names exist in both languages and differ between values", "[bot][names]") {
    struct row {
        const char* label;
        std::vector<std::string_view> nb;
        std::vector<std::string_view> en;
    };
    const auto both = [](auto... values) {
        return std::pair{std::vector<std::string_view>{display_name(values, language::nb)...},
                         std::vector<std::string_view>{display_name(values, language::en)...}};
    };
    const auto [kind_nb, kind_en] = both(case_kind::avvik, case_kind::nestenuhell,
                                         case_kind::forbedringsforslag, case_kind::klage);
    const auto [cat_nb, cat_en] = both(category::hms, category::organisasjon, category::tjeneste);
    const auto [state_nb, state_en] =
        both(case_state::ny, case_state::mottatt, case_state::under_behandling, case_state::lukket);
    const std::vector<row> rows{
        {"case kinds", kind_nb, kind_en},
        {"categories", cat_nb, cat_en},
        {"case states", state_nb, state_en},
    };
    for (const auto& r : rows) {
        CAPTURE(r.label);
        for (const auto* names : {&r.nb, &r.en}) {
            const std::set<std::string_view> distinct(names->begin(), names->end());
            CHECK(distinct.size() == names->size());
            CHECK(distinct.count("?") == 0);
            CHECK(distinct.count("") == 0);
        }
    }
    CHECK(display_name(case_kind::klage, language::nb) == "Klage/synspunkt");
    CHECK(display_name(case_state::under_behandling, language::en) == "In progress");
}
