#include "bot/domain/redaction.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace {

using kv::bot::is_valid_norwegian_id;
using kv::bot::is_valid_swedish_id;
using kv::bot::redact_identity_numbers;

const std::string marker{kv::bot::redaction_marker};

int mod11(const std::string& digits, const std::vector<int>& weights) {
    int sum = 0;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        sum += (digits[i] - '0') * weights[i];
    }
    return (11 - sum % 11) % 11;
}

// A valid Norwegian number for the six-digit date part: the first individual number from
// `individual` upwards whose check digits both exist.
std::string norwegian_id(const std::string& date, int individual = 123) {
    for (;; ++individual) {
        const std::string number = std::to_string(individual);
        std::string digits = date + std::string(3 - number.size(), '0') + number;
        const int k1 = mod11(digits, {3, 7, 6, 1, 8, 9, 4, 5, 2});
        if (k1 == 10) {
            continue;
        }
        digits += static_cast<char>('0' + k1);
        const int k2 = mod11(digits, {5, 4, 3, 2, 7, 6, 5, 4, 3, 2});
        if (k2 == 10) {
            continue;
        }
        return digits + static_cast<char>('0' + k2);
    }
}

// The nine given digits (YYMMDDNNN) with their Luhn check digit.
std::string swedish_id(const std::string& nine) {
    int sum = 0;
    for (std::size_t i = 0; i < nine.size(); ++i) {
        int d = (nine[i] - '0') * (i % 2 == 0 ? 2 : 1);
        sum += d > 9 ? d - 9 : d;
    }
    return nine + static_cast<char>('0' + (10 - sum % 10) % 10);
}

std::string with_last_digit_changed(std::string id) {
    id.back() = static_cast<char>('0' + (id.back() - '0' + 1) % 10);
    return id;
}

const std::string fnr = norwegian_id("010190");
const std::string d_number = norwegian_id("410190");
const std::string swedish = swedish_id("811218987");  // 811218-9876, Skatteverket's example

}  // namespace

TEST_CASE("the check digit helpers agree with published synthetic numbers", "[bot][redaction]") {
    CHECK(norwegian_id("150765", 5) == "15076500565");
    CHECK(swedish_id("811218987") == "8112189876");
}

TEST_CASE("Norwegian numbers are valid only with both mod-11 check digits", "[bot][redaction]") {
    struct row {
        const char* label;
        std::string digits;
        bool valid;
    };
    const std::vector<row> rows{
        {"fødselsnummer", fnr, true},
        {"published synthetic number", "15076500565", true},
        {"published synthetic number, leap day", "29029900157", true},
        {"D-number (day + 40)", d_number, true},
        {"D-number on the 31st (day 71)", norwegian_id("711299"), true},
        {"H-number (month + 40)", norwegian_id("014190"), true},
        {"synthetic test register number (month + 80)", norwegian_id("018190"), true},
        {"second check digit wrong", with_last_digit_changed(fnr), false},
        {"first check digit wrong",
         fnr.substr(0, 9) + std::to_string((fnr[9] - '0' + 1) % 10) + fnr.substr(10), false},
        {"day 0", "00019012345", false},
        {"day 32", norwegian_id("320190"), false},
        {"day 72", norwegian_id("720190"), false},
        {"month 13", norwegian_id("011390"), false},
        {"month 0", norwegian_id("010090"), false},
        {"all zeros", "00000000000", false},
        {"ten digits", fnr.substr(0, 10), false},
        {"twelve digits", fnr + "0", false},
        {"a letter among the digits", fnr.substr(0, 5) + "x" + fnr.substr(6), false},
        {"empty", "", false},
    };
    for (const auto& r : rows) {
        CAPTURE(r.label, r.digits);
        CHECK(is_valid_norwegian_id(r.digits) == r.valid);
    }
}

TEST_CASE("a first check digit of 10 makes every ending invalid", "[bot][redaction]") {
    // 010190123 has a weighted sum with remainder 1, which would need the check digit 10.
    for (int ending = 0; ending < 100; ++ending) {
        const std::string digits =
            "010190123" + std::string(ending < 10 ? "0" : "") + std::to_string(ending);
        CAPTURE(digits);
        CHECK_FALSE(is_valid_norwegian_id(digits));
    }
}

TEST_CASE("Swedish numbers need a Luhn check digit and a real date", "[bot][redaction]") {
    struct row {
        const char* label;
        std::string digits;
        bool valid;
    };
    const std::vector<row> rows{
        {"ten digits", swedish, true},
        {"twelve digits", "19" + swedish, true},
        {"Tolvan Tolvansson, twelve digits", "191212121212", true},
        {"samordningsnummer (day + 60)", "7010632391", true},
        {"leap day in a leap year", "20" + swedish_id("000229123"), true},
        {"leap day in a common year", "19" + swedish_id("010229123"), false},
        {"Luhn digit wrong", with_last_digit_changed(swedish), false},
        {"month 13", swedish_id("811318987"), false},
        {"day 32", swedish_id("811232987"), false},
        {"day 92", swedish_id("811292987"), false},
        {"implausible century", "21" + swedish, false},
        {"eleven digits", "1" + swedish, false},
        {"a letter among the digits", "81121x9876", false},
    };
    for (const auto& r : rows) {
        CAPTURE(r.label, r.digits);
        CHECK(is_valid_swedish_id(r.digits) == r.valid);
    }
}

TEST_CASE("identity numbers in free text are replaced and counted", "[bot][redaction]") {
    struct row {
        const char* label;
        std::string text;
        std::string expected;
        int removed;
    };
    const std::string fnr_spaced = fnr.substr(0, 6) + " " + fnr.substr(6);
    const std::string swe_dash = swedish.substr(0, 6) + "-" + swedish.substr(6);
    const std::string swe_plus = swedish.substr(0, 6) + "+" + swedish.substr(6);
    const std::vector<row> rows{
        {"fødselsnummer", "fnr " + fnr + " ble oppgitt", "fnr " + marker + " ble oppgitt", 1},
        {"fødselsnummer with one space", "fnr " + fnr_spaced, "fnr " + marker, 1},
        {"D-number", d_number, marker, 1},
        {"published synthetic number", "15076500565.", marker + ".", 1},
        {"Swedish with '-'", "pnr " + swe_dash + ",", "pnr " + marker + ",", 1},
        {"Swedish with '+' (over a hundred years old)", swe_plus, marker, 1},
        {"Swedish twelve digits with '-'", "19121212-1212", marker, 1},
        {"Swedish twelve digits without separator", "(191212121212)", "(" + marker + ")", 1},
        {"Swedish ten digits without separator", swedish, marker, 1},
        {"letters right next to the number", "fnr:" + fnr + "ok", "fnr:" + marker + "ok", 1},
        {"æøå around the number", "på " + fnr + " både ærlig og østlig",
         "på " + marker + " både ærlig og østlig", 1},
        {"æøå touching the number", "ø" + fnr + "å", "ø" + marker + "å", 1},
        {"two numbers in one text", "A: " + fnr + ", B: " + swe_dash + ".",
         "A: " + marker + ", B: " + marker + ".", 2},
        {"the same number twice", fnr + " " + fnr, marker + " " + marker, 2},
        {"wrong Norwegian check digit", "fnr " + with_last_digit_changed(fnr),
         "fnr " + with_last_digit_changed(fnr), 0},
        {"wrong Swedish check digit", with_last_digit_changed("19121212-1212"),
         with_last_digit_changed("19121212-1212"), 0},
        {"thirteen-digit order number", "ordre 9" + fnr + "9", "ordre 9" + fnr + "9", 0},
        {"valid number at the end of a longer run", "12" + fnr, "12" + fnr, 0},
        {"valid number at the start of a longer run", fnr + "12", fnr + "12", 0},
        {"two spaces after the date part", fnr.substr(0, 6) + "  " + fnr.substr(6),
         fnr.substr(0, 6) + "  " + fnr.substr(6), 0},
        {"spaced form followed by more digits", fnr_spaced + "7", fnr_spaced + "7", 0},
        {"Swedish separator with five digits after it", swe_dash + "1", swe_dash + "1", 0},
        {"phone number with country code", "ring +47 915 55 123", "ring +47 915 55 123", 0},
        {"phone number in pairs", "tlf 22 33 44 55", "tlf 22 33 44 55", 0},
        {"phone number as one run", "+4791555123", "+4791555123", 0},
        {"phone number with 0047", "004791555123", "004791555123", 0},
        {"eight-digit number", "91555123", "91555123", 0},
        {"order number failing the checksum", "ordre 12345678901", "ordre 12345678901", 0},
        {"no digits at all", "Glatt gulv på avdeling Ø", "Glatt gulv på avdeling Ø", 0},
        {"empty text", "", "", 0},
    };
    for (const auto& r : rows) {
        CAPTURE(r.label, r.text);
        const auto result = redact_identity_numbers(r.text);
        CHECK(result.text == r.expected);
        CHECK(result.removed == r.removed);
    }
}
