#pragma once
// ASCII-only text helpers for header values and keywords, where case and blanks do not matter.

#include <string>
#include <string_view>

namespace kv::email {

// `s` with A-Z turned into a-z; every other byte (UTF-8 included) unchanged.
inline std::string ascii_lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return out;
}

// `s` without leading and trailing spaces and tabs.
inline std::string trim_blanks(std::string_view s) {
    const auto first = s.find_first_not_of(" \t");
    const auto last = s.find_last_not_of(" \t");
    return first == std::string_view::npos ? std::string{}
                                           : std::string(s.substr(first, last - first + 1));
}

}  // namespace kv::email
