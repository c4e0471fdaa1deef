#pragma once
// What the bot reads out of free Norwegian (or English) text: the kind and category a report
// probably has, and when something happened. Guesses are always shown for confirmation.

#include <optional>
#include <string>
#include <string_view>

#include "bot/domain/model.hpp"

namespace kv::bot {

// Lower case for ASCII and the Norwegian/Swedish letters (Æ Ø Å Ä Ö), UTF-8 in and out.
std::string fold_case(std::string_view text);
// Leading and trailing white space removed.
std::string_view trim(std::string_view text);

std::optional<case_kind> guess_kind(std::string_view description);
std::optional<category> guess_category(std::string_view description);

// A normalised local time: "2026-11-23 14:30", "2026-11-23", or "2026-11-22 natt".
// `answer` is a person's answer to "when did it happen?" ("i går kl 14", "23.11", "nå");
// nullopt when it cannot be read. A time in the future is not accepted.
std::optional<std::string> parse_occurred(std::string_view answer, time_point now);
// The same, but looking for a time phrase anywhere in a longer description.
std::optional<std::string> find_occurred(std::string_view description, time_point now);

// "1".."5" or a scale name ("middels", "høy", "medium") to 1..5.
std::optional<int> parse_scale(std::string_view answer);

}  // namespace kv::bot
