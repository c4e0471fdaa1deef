#include "bot/domain/risk.hpp"

#include <catch2/catch.hpp>
#include <optional>
#include <string>
#include <vector>

namespace {

using kv::bot::category;
using kv::bot::deviation_case;
using kv::bot::language;
using kv::bot::risk_assessment;
using kv::bot::risk_level;
using kv::bot::risk_thresholds;
using kv::bot::serious_event_rule;

std::string name(risk_level l) {
    return std::string{kv::bot::level_name(l, language::en)};
}

}  // namespace

TEST_CASE("the risk level follows the score with the default thresholds", "[bot][risk]") {
    struct row {
        int probability;
        int consequence;
        risk_level expected;
    };
    // Score 14 is not a product of two values in 1..5; 7 x 2 reaches it to test the boundary.
    const std::vector<row> rows{
        {1, 1, risk_level::green},  {2, 2, risk_level::green},  {1, 4, risk_level::green},
        {4, 1, risk_level::green},  {1, 5, risk_level::yellow}, {5, 1, risk_level::yellow},
        {3, 4, risk_level::yellow}, {7, 2, risk_level::yellow}, {3, 5, risk_level::red},
        {5, 3, risk_level::red},    {4, 4, risk_level::red},    {5, 5, risk_level::red},
    };
    for (const auto& r : rows) {
        CAPTURE(r.probability, r.consequence);
        const risk_assessment a{r.probability, r.consequence};
        CHECK(name(kv::bot::level_of(a, risk_thresholds{})) == name(r.expected));
    }
}

TEST_CASE("the risk level honours tuned thresholds", "[bot][risk]") {
    const risk_thresholds tuned{6, 10};
    struct row {
        int probability;
        int consequence;
        risk_level expected;
    };
    const std::vector<row> rows{
        {1, 5, risk_level::green},
        {2, 3, risk_level::yellow},
        {3, 3, risk_level::yellow},
        {2, 5, risk_level::red},
    };
    for (const auto& r : rows) {
        CAPTURE(r.probability, r.consequence);
        const risk_assessment a{r.probability, r.consequence};
        CHECK(name(kv::bot::level_of(a, tuned)) == name(r.expected));
    }
}

TEST_CASE("scale values are named in both languages and out-of-range values are marked",
          "[bot][risk]") {
    struct row {
        int value;
        std::string nb;
        std::string en;
    };
    const std::vector<row> rows{
        {1, "svært lav", "very low"},
        {2, "lav", "low"},
        {3, "middels", "medium"},
        {4, "høy", "high"},
        {5, "svært høy", "very high"},
        {0, "?", "?"},
        {6, "?", "?"},
        {-1, "?", "?"},
    };
    for (const auto& r : rows) {
        CAPTURE(r.value);
        CHECK(kv::bot::scale_name(r.value, language::nb) == r.nb);
        CHECK(kv::bot::scale_name(r.value, language::en) == r.en);
    }
}

TEST_CASE("risk levels are named as colours in both languages", "[bot][risk]") {
    struct row {
        risk_level level;
        std::string nb;
        std::string en;
    };
    const std::vector<row> rows{
        {risk_level::green, "grønn", "green"},
        {risk_level::yellow, "gul", "yellow"},
        {risk_level::red, "rød", "red"},
    };
    for (const auto& r : rows) {
        CAPTURE(r.en);
        CHECK(kv::bot::level_name(r.level, language::nb) == r.nb);
        CHECK(kv::bot::level_name(r.level, language::en) == r.en);
    }
}

TEST_CASE("an event is serious when its category matches and its consequence reaches the rule",
          "[bot][risk]") {
    struct row {
        const char* label;
        category cat;
        std::optional<risk_assessment> risk;
        serious_event_rule rule;
        bool serious;
    };
    const serious_event_rule by_default{};
    const serious_event_rule hms_from_3{category::hms, 3};
    const std::vector<row> rows{
        {"not yet assessed", category::tjeneste, std::nullopt, by_default, false},
        {"consequence below the rule", category::tjeneste, risk_assessment{5, 3}, by_default,
         false},
        {"consequence at the rule", category::tjeneste, risk_assessment{1, 4}, by_default, true},
        {"consequence above the rule", category::tjeneste, risk_assessment{1, 5}, by_default, true},
        {"other category", category::hms, risk_assessment{5, 5}, by_default, false},
        {"tuned rule, matching", category::hms, risk_assessment{1, 3}, hms_from_3, true},
        {"tuned rule, below", category::hms, risk_assessment{5, 2}, hms_from_3, false},
        {"tuned rule, other category", category::tjeneste, risk_assessment{5, 5}, hms_from_3,
         false},
    };
    for (const auto& r : rows) {
        CAPTURE(r.label);
        deviation_case c;
        c.cat = r.cat;
        c.risk = r.risk;
        CHECK(kv::bot::is_serious(c, r.rule) == r.serious);
    }
}
