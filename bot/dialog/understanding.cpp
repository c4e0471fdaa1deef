#include "bot/dialog/understanding.hpp"

#include <array>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <vector>

#include "bot/domain/oslo_time.hpp"

namespace kv::bot {
namespace {

using namespace std::chrono;

bool contains(std::string_view haystack, std::string_view needle) {
    return haystack.find(needle) != std::string_view::npos;
}

// Counts the cue words found; a cue ending in '*' matches as a word prefix, others match
// anywhere (Norwegian compounds like "medisinrom" still count for "medisin").
int score(std::string_view text, const std::vector<std::string_view>& cues) {
    int n = 0;
    for (const auto cue : cues) {
        if (contains(text, cue)) {
            ++n;
        }
    }
    return n;
}

struct civil {
    year_month_day date;
    int hour = 0;
    int minute = 0;
};

civil local_now(time_point now) {
    const auto l = to_oslo(now);
    return {l.date, static_cast<int>(l.time.hours().count()),
            static_cast<int>(l.time.minutes().count())};
}

std::string stamp(year_month_day d, std::optional<std::pair<int, int>> hm) {
    std::string s = format_date(d);
    if (hm) {
        char buf[8];
        std::snprintf(buf, sizeof buf, " %02d:%02d", hm->first, hm->second);
        s += buf;
    }
    return s;
}

// "kl 14", "kl. 14:30", "14:30", "14.30" after a day word.
std::optional<std::pair<int, int>> find_clock(std::string_view t) {
    for (std::size_t i = 0; i < t.size(); ++i) {
        if (std::isdigit(static_cast<unsigned char>(t[i])) == 0 ||
            (i > 0 && std::isdigit(static_cast<unsigned char>(t[i - 1])) != 0)) {
            continue;
        }
        std::size_t j = i;
        int h = 0;
        while (j < t.size() && std::isdigit(static_cast<unsigned char>(t[j])) != 0 && j - i < 2) {
            h = h * 10 + (t[j] - '0');
            ++j;
        }
        if (j < t.size() && std::isdigit(static_cast<unsigned char>(t[j])) != 0) {
            continue;
        }
        int m = 0;
        bool has_minutes = false;
        if (j + 2 < t.size() + 0 && (t[j] == ':' || t[j] == '.') &&
            std::isdigit(static_cast<unsigned char>(t[j + 1])) != 0 &&
            std::isdigit(static_cast<unsigned char>(t[j + 2])) != 0) {
            m = (t[j + 1] - '0') * 10 + (t[j + 2] - '0');
            has_minutes = true;
        }
        const bool after_kl = (i >= 3 && t.substr(i - 3, 3) == "kl ") ||
                              (i >= 4 && t.substr(i - 4, 4) == "kl. ") ||
                              (i >= 3 && t.substr(i - 3, 3) == "at ");
        if ((has_minutes || after_kl) && h < 24 && m < 60) {
            return std::pair{h, m};
        }
    }
    return std::nullopt;
}

struct found_date {
    year_month_day date;
    std::size_t at = 0;  // where the date's text starts, and how long it is
    std::size_t length = 0;
};

// "23.11", "23.11.2026", "2026-11-23".
std::optional<found_date> find_date(std::string_view t, year_month_day today) {
    for (std::size_t i = 0; i < t.size(); ++i) {
        if (i > 0 && std::isdigit(static_cast<unsigned char>(t[i - 1])) != 0) {
            continue;
        }
        unsigned d = 0, mo = 0;
        int y = 0;
        int consumed = 0;
        const std::string rest(t.substr(i, 16));
        if (std::sscanf(rest.c_str(), "%4d-%2u-%2u%n", &y, &mo, &d, &consumed) == 3 &&
            consumed == 10) {
        } else if (std::sscanf(rest.c_str(), "%2u.%2u.%4d%n", &d, &mo, &y, &consumed) == 3 &&
                   consumed >= 8) {
        } else if (std::sscanf(rest.c_str(), "%2u.%2u%n", &d, &mo, &consumed) == 2 &&
                   consumed >= 3) {
            y = static_cast<int>(today.year());
            const year_month_day candidate{year{y}, month{mo}, day{d}};
            if (candidate.ok() && candidate > today) {
                y -= 1;  // "28.12" said in January means last year
            }
        } else {
            continue;
        }
        const year_month_day date{year{y}, month{mo}, day{d}};
        if (date.ok()) {
            return found_date{date, i, static_cast<std::size_t>(consumed)};
        }
    }
    return std::nullopt;
}

year_month_day shift(year_month_day d, int days) {
    return year_month_day{sys_days{d} + std::chrono::days{days}};
}

std::optional<std::string> read_time(std::string_view t, time_point now, bool whole_answer) {
    const civil c = local_now(now);
    const auto clock = find_clock(t);
    const auto yesterday = shift(c.date, -1);
    const auto later_than_now = [&](std::pair<int, int> hm) {
        return hm.first > c.hour || (hm.first == c.hour && hm.second > c.minute);
    };
    struct phrase {
        std::string_view words;
        int day_offset;
        std::string_view part;  // "", "natt", "morgen", "kveld"
    };
    // Longest phrases first, so "i går kveld" wins over "i går".
    static constexpr std::array<phrase, 16> phrases{{
        {"i går kveld", -1, "kveld"},
        {"i går morges", -1, "morgen"},
        {"i forgårs", -2, ""},
        {"yesterday evening", -1, "kveld"},
        {"last night", -1, "natt"},
        {"i natt", 0, "natt"},
        {"i går", -1, ""},
        {"yesterday", -1, ""},
        {"i morges", 0, "morgen"},
        {"this morning", 0, "morgen"},
        {"i kveld", 0, "kveld"},
        {"this evening", 0, "kveld"},
        {"i ettermiddag", 0, "ettermiddag"},
        {"i dag", 0, ""},
        {"today", 0, ""},
        {"nettopp", 0, "now"},
    }};
    for (const auto& p : phrases) {
        if (!contains(t, p.words)) {
            continue;
        }
        year_month_day d = shift(c.date, p.day_offset);
        if (p.part == "now") {
            return stamp(c.date, std::pair{c.hour, c.minute});
        }
        if (p.part == "natt" && p.day_offset == 0 && !(clock && clock->first < 12)) {
            d = yesterday;  // reporting what happened "i natt": the night that began yesterday
        }
        if (clock) {
            if (d == c.date && later_than_now(*clock)) {
                return std::nullopt;
            }
            return stamp(d, clock);
        }
        return p.part.empty() ? stamp(d, std::nullopt)
                              : stamp(d, std::nullopt) + " " + std::string(p.part);
    }
    if (whole_answer && (t == "nå" || t == "now" || t == "akkurat nå" || t == "just now")) {
        return stamp(c.date, std::pair{c.hour, c.minute});
    }
    if (const auto found = find_date(t, c.date)) {
        // The date's own digits ("20.11") must not be read as a clock time (20:11).
        std::string beside(t);
        beside.replace(found->at, found->length, found->length, ' ');
        const auto at_clock = find_clock(beside);
        if (found->date > c.date ||
            (at_clock && found->date == c.date && later_than_now(*at_clock))) {
            return std::nullopt;
        }
        return stamp(found->date, at_clock);
    }
    if (whole_answer && clock) {
        const bool later_today =
            clock->first > c.hour || (clock->first == c.hour && clock->second > c.minute);
        return stamp(later_today ? yesterday : c.date, clock);
    }
    return std::nullopt;
}

}  // namespace

std::string fold_case(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto ch = static_cast<unsigned char>(text[i]);
        if (ch == 0xC3 && i + 1 < text.size()) {
            auto next = static_cast<unsigned char>(text[i + 1]);
            if (next >= 0x80 && next <= 0x9E && next != 0x97) {
                next = static_cast<unsigned char>(next + 0x20);  // À..Þ -> à..þ
            }
            out += static_cast<char>(ch);
            out += static_cast<char>(next);
            ++i;
        } else {
            out += static_cast<char>(std::tolower(ch));
        }
    }
    return out;
}

std::string_view trim(std::string_view text) {
    const auto is_space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
    while (!text.empty() && is_space(text.front())) {
        text.remove_prefix(1);
    }
    while (!text.empty() && is_space(text.back())) {
        text.remove_suffix(1);
    }
    return text;
}

std::optional<case_kind> guess_kind(std::string_view description) {
    const std::string t = fold_case(description);
    if (score(t, {"nestenuhell", "nesten ", "holdt på å", "kunne ha ", "kunne gått galt", "nære på",
                  "near miss", "almost"}) > 0) {
        return case_kind::nestenuhell;
    }
    if (score(t, {"forslag", "foreslår", "forbedr", "bør vi", "kunne vi", "suggest", "improve"}) >
        0) {
        return case_kind::forbedringsforslag;
    }
    if (score(t, {"klage", "klager", "misfornøyd", "synspunkt", "complain"}) > 0) {
        return case_kind::klage;
    }
    return std::nullopt;
}

std::optional<category> guess_category(std::string_view description) {
    const std::string t = fold_case(description);
    const int service =
        score(t, {"beboer", "bruker", "pasient", "pårørende", "elev", "barnet", "barna", "medisin",
                  "legemiddel", "tablett", "dose", "falt", "fall ", "tjenestemottaker", "resident",
                  "patient", "client", "wrong dose", "fell"});
    const int staff =
        score(t, {"ansatt", "kollega", "stikkskade", "stakk meg", "skadet meg", "slo meg",
                  "sparket meg", "vold mot", "trussel", "trusler", "ryggen", "løft", "arbeidsmiljø",
                  "verneombud", "employee", "colleague", "hit me", "injured myself"});
    const int internal =
        score(t, {"faktura", "innkjøp", "anskaffelse", "økonomi", "rutine", "datasystem",
                  "fagsystem", "tilgang", "passord", "turnus", "bemanning", "vikar", "nøkkel",
                  "invoice", "purchas", "procedure", "system"});
    // Violence or injury to the reporter is HMS even when a service user is mentioned.
    if (staff > 0 && staff >= service) {
        return category::hms;
    }
    if (service > 0 && service >= internal) {
        return category::tjeneste;
    }
    if (internal > 0) {
        return category::organisasjon;
    }
    return std::nullopt;
}

std::optional<std::string> parse_occurred(std::string_view answer, time_point now) {
    return read_time(fold_case(trim(answer)), now, true);
}

std::optional<std::string> find_occurred(std::string_view description, time_point now) {
    return read_time(fold_case(description), now, false);
}

std::optional<int> parse_scale(std::string_view answer) {
    const std::string t = fold_case(trim(answer));
    if (t.size() == 1 && t[0] >= '1' && t[0] <= '5') {
        return t[0] - '0';
    }
    static constexpr std::array<std::pair<std::string_view, int>, 10> names{{{"svært lav", 1},
                                                                             {"very low", 1},
                                                                             {"svært høy", 5},
                                                                             {"very high", 5},
                                                                             {"lav", 2},
                                                                             {"low", 2},
                                                                             {"middels", 3},
                                                                             {"medium", 3},
                                                                             {"høy", 4},
                                                                             {"high", 4}}};
    for (const auto& [name, value] : names) {
        if (t == name) {
            return value;
        }
    }
    return std::nullopt;
}

}  // namespace kv::bot
