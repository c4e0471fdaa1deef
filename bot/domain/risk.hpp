#pragma once
// The 5 x 5 risk matrix: probability and consequence, each 1..5, named svært lav .. svært høy.

#include <optional>
#include <string>
#include <string_view>

#include "bot/domain/model.hpp"
#include "bot/settings.hpp"

namespace kv::bot {

risk_level level_of(const risk_assessment& r, const risk_thresholds& t);
// "svært lav", "lav", "middels", "høy", "svært høy" (nb) or "very low" .. "very high" (en).
std::string_view scale_name(int value, language lang);
std::string_view level_name(risk_level level, language lang);  // "grønn"/"green" ...
bool is_serious(const deviation_case& c, const serious_event_rule& rule);

}  // namespace kv::bot
