#pragma once
// Human case ids: PREFIX-YEAR-SEQ, e.g. AV-2026-0042, numbered per year.

#include <optional>
#include <string>
#include <string_view>

namespace kv::bot {

std::string format_case_id(std::string_view prefix, int year, int seq);
// Accepts any letter prefix and lower case ("av-2026-42" -> "AV-2026-0042"); nullopt otherwise.
std::optional<std::string> normalise_case_id(std::string_view text);

}  // namespace kv::bot
