#include "adapters/email/reply/procedure_reply.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <vector>

#include "adapters/email/reply/fold.hpp"

namespace kv::email {
namespace {

using words = std::vector<std::string>;
using kind = procedure_reply_reading::kind;

struct phrase {
    std::array<std::string_view, 4> words;  // lower case; unused slots empty
    kind means;
};

constexpr std::array<phrase, 13> phrases{{
    {{"ingen", "endring"}, kind::no_change},
    {{"ingen", "endringer"}, kind::no_change},
    {{"uendret"}, kind::no_change},
    {{"no", "change"}, kind::no_change},
    {{"no", "changes"}, kind::no_change},
    {{"unchanged"}, kind::no_change},
    {{"lest"}, kind::read},
    {{"har", "lest"}, kind::read},
    {{"jeg", "har", "lest"}, kind::read},
    {{"read"}, kind::read},
    {{"have", "read"}, kind::read},
    {{"i", "have", "read"}, kind::read},
    {{"i", "ve", "read"}, kind::read},
}};

// Words that turn a phrase around when they stand before it or anywhere after it on its line.
constexpr std::array<std::string_view, 7> negations{"ikke",  "not",   "nei", "never",
                                                    "aldri", "haven", "ennå"};

bool is_word_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           static_cast<unsigned char>(c) >= 0x80;
}

words words_of(std::string_view line) {
    words out;
    std::size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && !is_word_char(line[i])) {
            ++i;
        }
        const std::size_t start = i;
        while (i < line.size() && is_word_char(line[i])) {
            ++i;
        }
        if (i > start) {
            out.push_back(fold(line.substr(start, i - start)));
        }
    }
    return out;
}

// How many words of `w` the phrase takes from the start, or 0 when it does not start `w`.
std::size_t match(const phrase& p, const words& w) {
    std::size_t n = 0;
    for (const auto& part : p.words) {
        if (part.empty()) {
            break;
        }
        if (n >= w.size() || w[n] != part) {
            return 0;
        }
        ++n;
    }
    return n;
}

bool is_negation(const std::string& word) {
    return std::find(negations.begin(), negations.end(), word) != negations.end();
}

}  // namespace

procedure_reply_reading read_procedure_reply(std::string_view text, std::size_t first_lines) {
    procedure_reply_reading r;
    std::optional<kind> found;
    std::size_t seen = 0;
    std::size_t pos = 0;
    while (pos <= text.size() && seen < first_lines) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string_view::npos) {
            end = text.size();
        }
        words w = words_of(text.substr(pos, end - pos));
        pos = end + 1;
        if (w.empty()) {
            continue;
        }
        ++seen;
        // "Ikke lest", "har ikke lest", "I have not read": a negation before a phrase word.
        const bool negated_start =
            is_negation(w.front()) || (w.size() > 1 && is_negation(w[1])) ||
            (w.size() > 2 && is_negation(w[2]) && (w[0] == "i" || w[0] == "jeg"));
        if (negated_start) {
            for (const auto& word : w) {
                if (word == "lest" || word == "read" || word == "endring" || word == "change" ||
                    word == "uendret" || word == "unchanged") {
                    r.what = kind::unclear;
                    r.problem = "negated phrase";
                    return r;
                }
            }
            continue;
        }
        for (const auto& p : phrases) {
            const std::size_t n = match(p, w);
            if (n == 0) {
                continue;
            }
            if (std::any_of(w.begin() + static_cast<std::ptrdiff_t>(n), w.end(), is_negation)) {
                r.what = kind::unclear;
                r.problem = "negated phrase";
                return r;
            }
            if (found && *found != p.means) {
                r.what = kind::unclear;
                r.problem = "conflicting phrases";
                return r;
            }
            found = p.means;
            break;
        }
    }
    if (seen == 0) {
        return r;
    }
    r.what = found.value_or(kind::other);
    return r;
}

}  // namespace kv::email
