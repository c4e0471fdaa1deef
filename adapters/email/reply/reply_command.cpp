#include "adapters/email/reply/reply_command.hpp"

#include <array>
#include <optional>
#include <vector>

#include "adapters/email/reply/fold.hpp"

namespace kv::email {
namespace {

struct keyword {
    std::string_view word;  // lower case
    command_kind kind;
};

constexpr std::array<keyword, 20> keywords{{
    {"godkjenn", command_kind::approve},   {"godkjent", command_kind::approve},
    {"godkjennes", command_kind::approve}, {"approve", command_kind::approve},
    {"approved", command_kind::approve},   {"avvis", command_kind::reject},
    {"avvist", command_kind::reject},      {"avvises", command_kind::reject},
    {"reject", command_kind::reject},      {"rejected", command_kind::reject},
    {"mottatt", command_kind::receive},    {"motta", command_kind::receive},
    {"received", command_kind::receive},   {"receive", command_kind::receive},
    {"lukk", command_kind::close},         {"lukket", command_kind::close},
    {"lukkes", command_kind::close},       {"close", command_kind::close},
    {"closed", command_kind::close},       {"avslått", command_kind::reject},
}};

bool needs_argument(command_kind k) {
    return k == command_kind::reject || k == command_kind::close;
}

bool is_word_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (static_cast<unsigned char>(c) >= 0x80);
}

// The first word of `line` (letters only, lower case) and where the rest starts.
std::pair<std::string, std::size_t> first_word(std::string_view line) {
    std::size_t i = 0;
    while (i < line.size() && !is_word_char(line[i])) {
        ++i;  // leading punctuation or list marks: "*GODKJENN*", "- mottatt"
    }
    const std::size_t start = i;
    while (i < line.size() && is_word_char(line[i])) {
        ++i;
    }
    return {fold(line.substr(start, i - start)), i};
}

std::optional<command_kind> keyword_kind(const std::string& word) {
    for (const auto& k : keywords) {
        if (k.word == word) {
            return k.kind;
        }
    }
    return std::nullopt;
}

std::string_view trim_argument(std::string_view s) {
    const auto junk = [](char c) {
        return c == ' ' || c == '\t' || c == ':' || c == '.' || c == ',' || c == '-' || c == '*' ||
               c == '!';
    };
    while (!s.empty() && junk(s.front())) {
        s.remove_prefix(1);
    }
    if (s.size() >= 3 && (s.substr(0, 3) == "\xE2\x80\x93" || s.substr(0, 3) == "\xE2\x80\x94")) {
        s.remove_prefix(3);  // an en or em dash after the keyword
        while (!s.empty() && s.front() == ' ') {
            s.remove_prefix(1);
        }
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
        s.remove_suffix(1);
    }
    return s;
}

}  // namespace

reply_reading read_reply(std::string_view text, std::size_t first_lines) {
    std::vector<std::string_view> lines;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string_view::npos) {
            end = text.size();
        }
        lines.push_back(text.substr(pos, end - pos));
        pos = end + 1;
    }
    reply_reading r;
    std::optional<command_kind> found;
    std::size_t found_line = 0;
    std::size_t arg_start = 0;
    std::size_t seen = 0;
    for (std::size_t i = 0; i < lines.size() && seen < first_lines; ++i) {
        const auto [word, rest] = first_word(lines[i]);
        if (word.empty()) {
            continue;
        }
        ++seen;
        auto kind = keyword_kind(word);
        if (!kind && (word == "ikke" || word == "not" || word == "inte")) {
            const auto [next, next_rest] = first_word(lines[i].substr(rest));
            if (keyword_kind(next)) {
                r.what = reply_reading::kind::unclear;
                r.problem = "negated keyword";
                return r;
            }
        }
        if (!kind) {
            continue;
        }
        if (found && *found != *kind) {
            r.what = reply_reading::kind::unclear;
            r.problem = "conflicting keywords";
            return r;
        }
        if (!found) {
            found = kind;
            found_line = i;
            arg_start = rest;
        }
    }
    if (seen == 0) {
        return r;
    }
    if (!found) {
        r.what = reply_reading::kind::free_text;
        return r;
    }
    std::string argument(trim_argument(lines[found_line].substr(arg_start)));
    for (std::size_t i = found_line + 1; i < lines.size(); ++i) {
        const auto line = trim_argument(lines[i]);
        if (line.empty()) {
            break;
        }
        argument += argument.empty() ? "" : " ";
        argument += line;
    }
    if (needs_argument(*found) && argument.empty()) {
        r.what = reply_reading::kind::unclear;
        r.problem = "keyword without its text";
        r.command = *found;
        return r;
    }
    r.what = reply_reading::kind::command;
    r.command = *found;
    r.argument = std::move(argument);
    return r;
}

}  // namespace kv::email
