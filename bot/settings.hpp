#pragma once
// The bot's rules that a municipality may tune in config/kvalitetsvakt.toml ([deviations]).

#include <cstddef>
#include <string>

#include "bot/domain/model.hpp"

namespace kv::bot {

struct risk_thresholds {
    int yellow_from = 5;  // score (probability x consequence, 1..25) at which yellow starts
    int red_from = 15;    // score at which red starts; yellow_from < red_from
};

struct serious_event_rule {
    category cat = category::tjeneste;  // events in this category ...
    int min_consequence = 4;            // ... with at least this consequence are serious
};

struct bot_settings {
    risk_thresholds risk;
    serious_event_rule serious;
    std::size_t max_message_chars = 4000;  // longer free text is refused, nothing stored
    std::string case_prefix = "AV";
};

}  // namespace kv::bot
