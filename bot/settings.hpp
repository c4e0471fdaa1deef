#pragma once
// The bot's rules that a municipality may tune in config/kvalitetsvakt.toml ([deviations]).

#include <cstddef>
#include <memory>
#include <string>

#include "bot/domain/model.hpp"

namespace kv::bot {

struct deviation_followup_settings;  // bot/schedule/deviation_followup.hpp
class work_calendar;                 // bot/schedule/work_calendar.hpp

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
    // The numbers ([reminders]) and working hours ([schedule]) the scheduler chases cases by, so
    // `frister` shows the dates its reminders go out. Null: the built-in defaults.
    std::shared_ptr<const deviation_followup_settings> followup;
    std::shared_ptr<const work_calendar> calendar;
};

}  // namespace kv::bot
