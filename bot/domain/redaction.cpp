#include "bot/domain/redaction.hpp"

#include <array>
#include <cstddef>
#include <span>

namespace kv::bot {
namespace {

// Only ASCII digits count: bytes of multi-byte UTF-8 sequences are all >= 0x80, so letters such
// as æøå next to a number are never mistaken for part of it.
bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

int digit_at(std::string_view s, std::size_t i) {
    return s[i] - '0';
}

int two_digits(std::string_view s, std::size_t i) {
    return digit_at(s, i) * 10 + digit_at(s, i + 1);
}

bool all_digits(std::string_view s) {
    for (const char c : s) {
        if (!is_digit(c)) {
            return false;
        }
    }
    return true;
}

// February counts 29 days when the year is unknown, so a leap-day number is never missed.
int max_day(int month, int year_or_zero) {
    static constexpr std::array<int, 12> days{31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month == 2 && year_or_zero != 0) {
        const bool leap =
            (year_or_zero % 4 == 0 && year_or_zero % 100 != 0) || year_or_zero % 400 == 0;
        return leap ? 29 : 28;
    }
    return days[static_cast<std::size_t>(month - 1)];
}

bool valid_day(int day, int month, int year_or_zero) {
    return month >= 1 && month <= 12 && day >= 1 && day <= max_day(month, year_or_zero);
}

// Mod-11 check digit; -1 when the remainder makes the number impossible.
int mod11_check_digit(std::string_view digits, std::span<const int> weights) {
    int sum = 0;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        sum += digit_at(digits, i) * weights[i];
    }
    const int k = 11 - sum % 11;
    if (k == 11) {
        return 0;
    }
    return k == 10 ? -1 : k;
}

bool luhn_valid(std::string_view ten_digits) {
    int sum = 0;
    for (std::size_t i = 0; i < ten_digits.size(); ++i) {
        int d = digit_at(ten_digits, i);
        if (i % 2 == 0) {
            d *= 2;
            if (d > 9) {
                d -= 9;
            }
        }
        sum += d;
    }
    return sum % 10 == 0;
}

// How many digits start at `pos`.
std::size_t digit_run(std::string_view text, std::size_t pos) {
    std::size_t n = 0;
    while (pos + n < text.size() && is_digit(text[pos + n])) {
        ++n;
    }
    return n;
}

// Length of the identity number starting at `pos` (the first digit of a digit run), or 0.
// Runs must have exactly the number's length, so a valid number inside a longer run of digits (an
// order or account number) is never cut out of it.
std::size_t match_at(std::string_view text, std::size_t pos) {
    const std::size_t first = digit_run(text, pos);
    const std::string_view head = text.substr(pos, first);
    if (first == 11) {
        return is_valid_norwegian_id(head) ? first : 0;
    }
    if (first == 10 || first == 12) {
        return is_valid_swedish_id(head) ? first : 0;
    }
    if (first != 6 && first != 8) {
        return 0;
    }
    const std::size_t sep = pos + first;
    if (sep >= text.size()) {
        return 0;
    }
    const std::size_t second = digit_run(text, sep + 1);
    const std::string_view tail = text.substr(sep + 1, second);
    const std::size_t total = first + 1 + second;
    if (text[sep] == ' ' && first == 6 && second == 5) {
        return is_valid_norwegian_id(std::string{head} + std::string{tail}) ? total : 0;
    }
    if ((text[sep] == '-' || text[sep] == '+') && second == 4) {
        return is_valid_swedish_id(std::string{head} + std::string{tail}) ? total : 0;
    }
    return 0;
}

}  // namespace

bool is_valid_norwegian_id(std::string_view d) {
    static constexpr std::array<int, 9> k1_weights{3, 7, 6, 1, 8, 9, 4, 5, 2};
    static constexpr std::array<int, 10> k2_weights{5, 4, 3, 2, 7, 6, 5, 4, 3, 2};
    if (d.size() != 11 || !all_digits(d)) {
        return false;
    }
    // D-numbers add 40 to the day; H-numbers add 40 and the synthetic numbers of the national
    // test registers add 80 to the month. The checksum does the real filtering.
    int day = two_digits(d, 0);
    int month = two_digits(d, 2);
    if (day > 40) {
        day -= 40;
    }
    if (month > 80) {
        month -= 80;
    } else if (month > 40) {
        month -= 40;
    }
    if (!valid_day(day, month, 0)) {
        return false;
    }
    const int k1 = mod11_check_digit(d.substr(0, 9), k1_weights);
    if (k1 < 0 || k1 != digit_at(d, 9)) {
        return false;
    }
    const int k2 = mod11_check_digit(d.substr(0, 10), k2_weights);
    return k2 >= 0 && k2 == digit_at(d, 10);
}

bool is_valid_swedish_id(std::string_view d) {
    if ((d.size() != 10 && d.size() != 12) || !all_digits(d)) {
        return false;
    }
    int year = 0;
    if (d.size() == 12) {
        const int century = two_digits(d, 0);
        if (century < 18 || century > 20) {
            return false;
        }
        year = century * 100 + two_digits(d, 2);
    }
    const std::string_view ten = d.substr(d.size() - 10);
    const int month = two_digits(ten, 2);
    int day = two_digits(ten, 4);
    if (day > 60) {
        day -= 60;  // samordningsnummer
    }
    return valid_day(day, month, year) && luhn_valid(ten);
}

redaction_result redact_identity_numbers(std::string_view text) {
    redaction_result out;
    out.text.reserve(text.size());
    std::size_t i = 0;
    while (i < text.size()) {
        if (!is_digit(text[i])) {
            out.text += text[i];
            ++i;
            continue;
        }
        // i is always the first digit of a run: unmatched runs are copied whole.
        const std::size_t length = match_at(text, i);
        if (length > 0) {
            out.text += redaction_marker;
            ++out.removed;
            i += length;
            continue;
        }
        const std::size_t run = digit_run(text, i);
        out.text.append(text.substr(i, run));
        i += run;
    }
    return out;
}

}  // namespace kv::bot
