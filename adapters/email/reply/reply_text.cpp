#include "adapters/email/reply/reply_text.hpp"

#include <array>
#include <cctype>
#include <vector>

#include "adapters/email/parse/html_text.hpp"

namespace kv::email {
namespace {

std::string lower_ascii(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return out;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
        s.remove_suffix(1);
    }
    return s;
}

bool starts_with(std::string_view s, std::string_view p) {
    return s.substr(0, p.size()) == p;
}

bool ends_with(std::string_view s, std::string_view p) {
    return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

// e: empty, q: quoted, d: delimiter, m: attribution ("... skrev:"), h: header line ("Fra:"),
// f: a header line that starts a block ("Fra:"/"From:"), s: signature start, t: text.
char classify(std::string_view raw, std::string_view next) {
    const std::string_view line = trim(raw);
    if (line.empty()) {
        return 'e';
    }
    if (line.front() == '>') {
        return 'q';
    }
    const std::string l = lower_ascii(line);
    static constexpr std::array<std::string_view, 8> delimiters{
        "-----opprinnelig melding-----",     "-----original message-----",
        "-----ursprungligt meddelande-----", "---------- videresendt melding",
        "---------- forwarded message",      "---------- vidarebefordrat meddelande",
        "begin forwarded message:",          "videresendt melding:"};
    for (const auto d : delimiters) {
        if (starts_with(l, d)) {
            return 'd';
        }
    }
    if (l.size() >= 20 && l.find_first_not_of('_') == std::string::npos) {
        return 'd';
    }
    static constexpr std::array<std::string_view, 4> block_starts{
        "fra:", "from:", "från:", "*from:*"};
    for (const auto h : block_starts) {
        if (starts_with(l, h)) {
            return 'f';
        }
    }
    static constexpr std::array<std::string_view, 14> headers{
        "sendt:", "sent:", "skickat:", "til:",  "to:",   "till:", "kopi:",
        "cc:",    "emne:", "subject:", "ämne:", "dato:", "date:", "datum:"};
    for (const auto h : headers) {
        if (starts_with(l, h)) {
            return 'h';
        }
    }
    const std::string n = lower_ascii(trim(next));
    const bool attribution_words = l.find(" skrev") != std::string::npos ||
                                   l.find(" wrote") != std::string::npos ||
                                   l.find(" skrev:") != std::string::npos;
    if (attribution_words && (ends_with(l, ":") || (!n.empty() && ends_with(n, ":")))) {
        return 'm';
    }
    if (l == "--" || l == "-- " || l == "—") {
        return 's';
    }
    static constexpr std::array<std::string_view, 18> signatures{
        "sendt fra min ",      "sendt fra outlook", "sendt fra e-post",
        "hent outlook for",    "get outlook for",   "sent from my ",
        "sent from outlook",   "skickat från min ", "mvh",
        "med vennlig hilsen",  "vennlig hilsen",    "hilsen",
        "best regards",        "kind regards",      "regards",
        "med vänlig hälsning", "venlig hilsen",     "beste hilsen"};
    for (const auto s : signatures) {
        if (starts_with(l, s) && (l.size() == s.size() || s.back() == ' ' ||
                                  !std::isalpha(static_cast<unsigned char>(l[s.size()])))) {
            return 's';
        }
    }
    return 't';
}

std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        const std::size_t end = text.find('\n', pos);
        if (end == std::string_view::npos) {
            lines.push_back(text.substr(pos));
            break;
        }
        lines.push_back(text.substr(pos, end - pos));
        pos = end + 1;
    }
    return lines;
}

}  // namespace

std::string normalise_invisible(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    std::size_t pos = 0;
    while (pos < text.size()) {
        // Everything up to the next byte that may start what we replace is copied as it is.
        const std::size_t special = text.find_first_of("\r\xEF\xE2\xC2", pos);
        if (special == std::string_view::npos) {
            out.append(text.substr(pos));
            break;
        }
        out.append(text.substr(pos, special - pos));
        const std::string_view rest = text.substr(special);
        if (rest[0] == '\r') {
            pos = special + 1;
        } else if (rest.substr(0, 3) == "\xEF\xBB\xBF" ||  // U+FEFF
                   rest.substr(0, 3) == "\xE2\x80\x8B" ||  // U+200B
                   rest.substr(0, 3) == "\xE2\x80\x8C" || rest.substr(0, 3) == "\xE2\x80\x8D") {
            pos = special + 3;
        } else if (rest.substr(0, 2) == "\xC2\xA0") {  // U+00A0
            out += ' ';
            pos = special + 2;
        } else {
            out += rest[0];
            pos = special + 1;
        }
    }
    return out;
}

std::string strip_quotes(std::string_view text_in) {
    const std::string text = normalise_invisible(text_in);
    const auto lines = split_lines(text);
    std::string kinds;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        kinds += classify(lines[i], i + 1 < lines.size() ? lines[i + 1] : std::string_view{});
    }
    // Where the quoted original starts: a delimiter, an attribution after the sender's text, or
    // a header block ("Fra:" followed by another header line).
    std::size_t cut = lines.size();
    for (std::size_t i = 0; i < kinds.size() && cut == lines.size(); ++i) {
        const char k = kinds[i];
        const bool header_block =
            k == 'f' && i + 1 < kinds.size() && (kinds[i + 1] == 'h' || kinds[i + 1] == 'f');
        if (k == 'd' || header_block) {
            cut = i;
        } else if (k == 'm' && kinds.substr(0, i).find('t') != std::string::npos) {
            cut = i;
        }
    }
    std::vector<std::string_view> kept;
    for (std::size_t i = 0; i < cut; ++i) {
        const char k = kinds[i];
        if (k == 'q' || k == 'm') {
            continue;  // inline replies: the sender's lines between quotes are kept
        }
        if (k == 's') {
            break;
        }
        if (i > 0 && kinds[i - 1] == 'm' && k != 'e' && trim(lines[i]).back() == ':') {
            continue;  // second half of a wrapped attribution line
        }
        kept.push_back(trim(lines[i]));
    }
    std::string out;
    bool pending_blank = false;
    for (const auto line : kept) {
        if (line.empty()) {
            pending_blank = !out.empty();
            continue;
        }
        if (!out.empty()) {
            out += pending_blank ? "\n\n" : "\n";
        }
        out += line;
        pending_blank = false;
    }
    return out;
}

std::string cut_html_quote(std::string_view html) {
    static constexpr std::array<std::string_view, 9> markers{
        "class=\"gmail_quote",      "type=\"cite\"",        "class=\"moz-cite-prefix",
        "id=\"appendonsend",        "id=\"divrplyfwdmsg",   "border-top:solid #e1e1e1",
        "border-top:solid #b5c4df", "class=\"yahoo_quoted", "id=\"x_divrplyfwdmsg"};
    std::size_t cut = html.size();
    const std::string lowered = lower_ascii(html);
    for (const auto m : markers) {
        const std::size_t at = lowered.find(m);
        if (at != std::string::npos && at < cut) {
            const std::size_t tag = lowered.rfind('<', at);
            cut = tag == std::string::npos ? at : tag;
        }
    }
    return std::string(html.substr(0, cut));
}

std::string new_text(const parsed_message& m) {
    if (m.body_is_html()) {
        return strip_quotes(html_to_text(cut_html_quote(m.html)));
    }
    return strip_quotes(m.plain_text);
}

}  // namespace kv::email
