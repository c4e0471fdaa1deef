#pragma once
// Removes national identity numbers from free text before it is stored anywhere: Norwegian
// fødselsnummer and D-numbers (11 digits, two mod-11 check digits) and Swedish personnummer
// (10 or 12 digits with '-' or '+', Luhn check digit). Numbers failing their checksum are kept.

#include <string>
#include <string_view>

namespace kv::bot {

inline constexpr std::string_view redaction_marker = "[personnummer fjernet]";

struct redaction_result {
    std::string text;
    int removed = 0;  // how many numbers were replaced by redaction_marker
};

// Pure; never throws except std::bad_alloc.
redaction_result redact_identity_numbers(std::string_view text);

// The checks themselves, on digits only (no separators).
bool is_valid_norwegian_id(std::string_view eleven_digits);
bool is_valid_swedish_id(std::string_view ten_or_twelve_digits);

}  // namespace kv::bot
