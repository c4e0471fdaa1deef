#include "bot/domain/risk.hpp"

#include <array>

namespace kv::bot {

risk_level level_of(const risk_assessment& r, const risk_thresholds& t) {
    const int score = r.score();
    if (score >= t.red_from) {
        return risk_level::red;
    }
    if (score >= t.yellow_from) {
        return risk_level::yellow;
    }
    return risk_level::green;
}

std::string_view scale_name(int value, language lang) {
    static constexpr std::array<std::string_view, 5> nb{"svært lav", "lav", "middels", "høy",
                                                        "svært høy"};
    static constexpr std::array<std::string_view, 5> en{"very low", "low", "medium", "high",
                                                        "very high"};
    if (value < 1 || value > 5) {
        return "?";
    }
    const auto i = static_cast<std::size_t>(value - 1);
    return lang == language::nb ? nb[i] : en[i];
}

std::string_view level_name(risk_level level, language lang) {
    switch (level) {
        case risk_level::green:
            return lang == language::nb ? "grønn" : "green";
        case risk_level::yellow:
            return lang == language::nb ? "gul" : "yellow";
        case risk_level::red:
            return lang == language::nb ? "rød" : "red";
    }
    return "?";
}

bool is_serious(const deviation_case& c, const serious_event_rule& rule) {
    return c.risk && c.cat == rule.cat && c.risk->consequence >= rule.min_consequence;
}

}  // namespace kv::bot
