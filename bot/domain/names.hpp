#pragma once
// Stable names of the domain enums: the words stored in the database and shown in reports
// (`to_string`), and the words shown to people in their language (`display_name`).

#include <optional>
#include <string_view>

#include "bot/domain/model.hpp"

namespace kv::bot {

std::string_view to_string(case_kind k);
std::string_view to_string(category c);
std::string_view to_string(case_state s);
std::string_view to_string(authority_flag f);
std::string_view to_string(measure_state s);
std::string_view to_string(channel c);
std::string_view to_string(language l);
std::string_view to_string(risk_level l);
std::string_view to_string(committee_kind k);

std::optional<case_kind> parse_case_kind(std::string_view s);
std::optional<category> parse_category(std::string_view s);
std::optional<case_state> parse_case_state(std::string_view s);
std::optional<authority_flag> parse_authority_flag(std::string_view s);
std::optional<measure_state> parse_measure_state(std::string_view s);
std::optional<channel> parse_channel(std::string_view s);
std::optional<language> parse_language(std::string_view s);
std::optional<committee_kind> parse_committee_kind(std::string_view s);

std::string_view display_name(case_kind k, language lang);
std::string_view display_name(category c, language lang);
std::string_view display_name(case_state s, language lang);

}  // namespace kv::bot
