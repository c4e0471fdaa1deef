#include "adapters/email/parse/html_text.hpp"

#include <array>
#include <cstdint>
#include <utility>

namespace kv::email {
namespace {

char lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool starts_with_ci(std::string_view s, std::size_t at, std::string_view prefix) {
    if (s.size() - at < prefix.size() || at > s.size()) {
        return false;
    }
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        if (lower(s[at + i]) != prefix[i]) {
            return false;
        }
    }
    return true;
}

std::size_t find_ci(std::string_view s, std::string_view needle, std::size_t from) {
    for (std::size_t i = from; i + needle.size() <= s.size(); ++i) {
        if (starts_with_ci(s, i, needle)) {
            return i;
        }
    }
    return std::string_view::npos;
}

void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        cp = 0xFFFD;
    }
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

constexpr std::array<std::pair<std::string_view, std::uint32_t>, 34> named_entities{{
    {"amp", '&'},     {"lt", '<'},       {"gt", '>'},       {"quot", '"'},      {"apos", '\''},
    {"nbsp", ' '},    {"aring", 0xE5},   {"Aring", 0xC5},   {"oslash", 0xF8},   {"Oslash", 0xD8},
    {"aelig", 0xE6},  {"AElig", 0xC6},   {"auml", 0xE4},    {"Auml", 0xC4},     {"ouml", 0xF6},
    {"Ouml", 0xD6},   {"uuml", 0xFC},    {"Uuml", 0xDC},    {"eacute", 0xE9},   {"Eacute", 0xC9},
    {"egrave", 0xE8}, {"ndash", 0x2013}, {"mdash", 0x2014}, {"hellip", 0x2026}, {"laquo", 0xAB},
    {"raquo", 0xBB},  {"lsquo", 0x2018}, {"rsquo", 0x2019}, {"ldquo", 0x201C},  {"rdquo", 0x201D},
    {"euro", 0x20AC}, {"copy", 0xA9},    {"shy", 0xAD},     {"bull", 0x2022},
}};

// Decodes the character reference at s[at] == '&'; returns the characters consumed (0: none).
std::size_t decode_entity(std::string_view s, std::size_t at, std::string& out) {
    const std::size_t semi = s.find(';', at);
    if (semi == std::string_view::npos || semi - at > 10) {
        return 0;
    }
    const std::string_view name = s.substr(at + 1, semi - at - 1);
    if (name.size() >= 2 && name[0] == '#') {
        std::uint32_t cp = 0;
        const bool hex = name[1] == 'x' || name[1] == 'X';
        const std::string_view digits = name.substr(hex ? 2 : 1);
        if (digits.empty() || digits.size() > 7) {
            return 0;
        }
        for (const char c : digits) {
            std::uint32_t d = 0;
            if (c >= '0' && c <= '9') {
                d = static_cast<std::uint32_t>(c - '0');
            } else if (hex && lower(c) >= 'a' && lower(c) <= 'f') {
                d = static_cast<std::uint32_t>(lower(c) - 'a' + 10);
            } else {
                return 0;
            }
            cp = cp * (hex ? 16U : 10U) + d;
        }
        append_utf8(out, cp == 0xA0 ? ' ' : cp);
        return semi - at + 1;
    }
    for (const auto& [n, cp] : named_entities) {
        if (n == name) {
            append_utf8(out, cp);
            return semi - at + 1;
        }
    }
    return 0;
}

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f';
}

// The lower-case tag name after '<' or '</'.
std::string tag_name(std::string_view tag) {
    std::size_t i = 1;
    if (i < tag.size() && tag[i] == '/') {
        ++i;
    }
    std::string name;
    while (i < tag.size() && !is_space(tag[i]) && tag[i] != '>' && tag[i] != '/') {
        name += lower(tag[i++]);
    }
    return name;
}

bool breaks_line(const std::string& name) {
    static constexpr std::array<std::string_view, 16> names{
        "br", "p",  "div", "tr", "li", "h1",    "h2",         "h3",
        "h4", "h5", "h6",  "hr", "ul", "table", "blockquote", "ol"};
    for (const auto n : names) {
        if (n == name) {
            return true;
        }
    }
    return false;
}

// Starts a new line unless the text already ends one (blocks in a row make no empty lines).
void end_line(std::string& raw) {
    std::size_t n = raw.size();
    while (n > 0 && raw[n - 1] == ' ') {
        --n;
    }
    if (n > 0 && raw[n - 1] != '\n') {
        raw += '\n';
    }
}

// Collapses spaces, trims lines and keeps at most one empty line in a row.
std::string tidy(const std::string& raw) {
    std::string out;
    std::string line;
    int empty_run = 0;
    bool any = false;
    const auto flush = [&] {
        while (!line.empty() && line.back() == ' ') {
            line.pop_back();
        }
        if (line.empty()) {
            ++empty_run;
        } else {
            if (any) {
                out += empty_run > 0 ? "\n\n" : "\n";
            }
            out += line;
            any = true;
            empty_run = 0;
        }
        line.clear();
    };
    for (const char c : raw) {
        if (c == '\n') {
            flush();
        } else if (is_space(c)) {
            if (!line.empty() && line.back() != ' ') {
                line += ' ';
            }
        } else {
            line += c;
        }
    }
    flush();
    return out;
}

}  // namespace

std::string html_to_text(std::string_view html) {
    std::string raw;
    raw.reserve(html.size() / 2);
    std::size_t i = 0;
    while (i < html.size()) {
        const char c = html[i];
        if (c == '<') {
            if (starts_with_ci(html, i, "<!--")) {
                const std::size_t end = html.find("-->", i + 4);
                i = end == std::string_view::npos ? html.size() : end + 3;
                continue;
            }
            const std::size_t close = html.find('>', i);
            if (close == std::string_view::npos) {
                break;
            }
            const std::string name = tag_name(html.substr(i, close - i + 1));
            const bool closing = i + 1 < html.size() && html[i + 1] == '/';
            if (!closing &&
                (name == "head" || name == "style" || name == "script" || name == "title")) {
                const std::size_t end = find_ci(html, "</" + name, close);
                if (end == std::string_view::npos) {
                    break;
                }
                const std::size_t end_close = html.find('>', end);
                i = end_close == std::string_view::npos ? html.size() : end_close + 1;
                continue;
            }
            if (name == "br") {
                raw += '\n';
            } else if (breaks_line(name)) {
                end_line(raw);
                if (name == "li" && !closing) {
                    raw += "- ";
                }
                if ((name == "p" || name == "h1" || name == "h2" || name == "h3") && closing) {
                    raw += '\n';
                }
            } else if (name == "td" || name == "th") {
                raw += ' ';
            }
            i = close + 1;
        } else if (c == '&') {
            const std::size_t used = decode_entity(html, i, raw);
            if (used == 0) {
                raw += '&';
                ++i;
            } else {
                i += used;
            }
        } else {
            raw += is_space(c) ? ' ' : c;
            ++i;
        }
    }
    return tidy(raw);
}

}  // namespace kv::email
