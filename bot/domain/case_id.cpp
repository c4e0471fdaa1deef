#include "bot/domain/case_id.hpp"

#include <cctype>
#include <cstdio>

namespace kv::bot {

std::string format_case_id(std::string_view prefix, int year, int seq) {
    char digits[32];
    std::snprintf(digits, sizeof digits, "-%04d-%04d", year, seq);
    return std::string(prefix) + digits;
}

std::optional<std::string> normalise_case_id(std::string_view text) {
    std::size_t i = 0;
    std::string prefix;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i])) != 0) {
        prefix += static_cast<char>(std::toupper(static_cast<unsigned char>(text[i])));
        ++i;
    }
    if (prefix.empty() || prefix.size() > 8 || i >= text.size() || text[i] != '-') {
        return std::nullopt;
    }
    auto number = [&](std::size_t max_digits) -> std::optional<int> {
        int value = 0;
        std::size_t n = 0;
        while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])) != 0) {
            if (++n > max_digits) {
                return std::nullopt;
            }
            value = value * 10 + (text[i] - '0');
            ++i;
        }
        return n == 0 ? std::nullopt : std::optional<int>(value);
    };
    ++i;
    const auto year = number(4);
    if (!year || *year < 2000 || i >= text.size() || text[i] != '-') {
        return std::nullopt;
    }
    ++i;
    const auto seq = number(6);
    if (!seq || *seq == 0 || i != text.size()) {
        return std::nullopt;
    }
    return format_case_id(prefix, *year, *seq);
}

}  // namespace kv::bot
