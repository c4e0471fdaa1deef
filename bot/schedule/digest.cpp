#include "bot/schedule/digest.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <utility>

#include "bot/domain/oslo_time.hpp"

namespace kv::bot {
namespace {

using namespace std::chrono;

struct heading {
    reminder_kind kind;
    std::string_view nb;
    std::string_view en;
};

// The digest's sections, in this order.
constexpr std::array<heading, 6> headings{{
    {reminder_kind::wheel, "Årshjul", "Annual wheel"},
    {reminder_kind::procedure_review, "Gjennomgang av prosedyrer", "Procedure reviews"},
    {reminder_kind::reading, "Leseliste", "Reading list"},
    {reminder_kind::deviation_followup, "Oppfølging av avvik", "Deviation follow-up"},
    {reminder_kind::measure, "Tiltak", "Measures"},
    {reminder_kind::approval, "Godkjenninger", "Approvals"},
}};

// FNV-1a, 64 bits, as 16 hex digits: stable across runs and platforms, unlike std::hash.
std::string fingerprint(const std::vector<std::string>& keys) {
    std::uint64_t h = 14695981039346656037ULL;
    for (const auto& k : keys) {
        for (const char c : k) {
            h ^= static_cast<unsigned char>(c);
            h *= 1099511628211ULL;
        }
        h ^= static_cast<unsigned char>('\n');
        h *= 1099511628211ULL;
    }
    constexpr char hex[] = "0123456789abcdef";
    std::string out(16, '0');
    for (int i = 15; i >= 0; --i) {
        out[static_cast<std::size_t>(i)] = hex[h & 0xFU];
        h >>= 4U;
    }
    return out;
}

constexpr std::string_view nb_title = "Daglig sammendrag ";

message digest_body(const std::vector<digest_line>& lines, std::string title, language lang) {
    const bool nb = lang == language::nb;
    message m;
    m.title = std::move(title);
    for (const auto& h : headings) {
        std::string section;
        for (const auto& line : lines) {
            if (line.kind != h.kind) {
                continue;
            }
            section += "\n• " + line.title;
            for (const auto& a : line.actions) {
                m.actions.push_back(a);
            }
        }
        if (!section.empty()) {
            m.text += (m.text.empty() ? "" : "\n\n") + std::string(nb ? h.nb : h.en) + section;
        }
    }
    return m;
}

std::string digest_title(year_month_day day, language lang) {
    return (lang == language::nb ? std::string{nb_title} : "Daily digest ") + format_date(day);
}

}  // namespace

year_month_day digest_day(sys_seconds deliver_at, const work_calendar& cal) {
    const year_month_day d = to_oslo(deliver_at).date;
    if (cal.is_working_day(d) && deliver_at <= work_calendar::at_local(d, cal.hours().start)) {
        return d;
    }
    return to_oslo(cal.next_working_morning(deliver_at)).date;
}

std::vector<due_reminder> apply_daily_digest(std::vector<due_reminder> fresh,
                                             const std::set<std::string>& digest_people,
                                             sys_seconds now, const work_calendar& cal,
                                             const directory* org) {
    std::vector<due_reminder> out;
    // By person: the reminders whose digest is due at `now`, and the latest such digest day.
    struct due_digest {
        std::vector<due_reminder> members;
        sys_days day{};
    };
    std::map<std::string, due_digest> digests;
    for (auto& r : fresh) {
        if (r.urgent || r.kind == reminder_kind::digest ||
            !digest_people.contains(r.recipient_email)) {
            out.push_back(std::move(r));
            continue;
        }
        const sys_days day{digest_day(r.deliver_at, cal)};
        if (now < work_calendar::at_local(year_month_day{day}, seconds{0})) {
            continue;  // held for a later digest
        }
        auto& d = digests[r.recipient_email];
        d.day = std::max(d.day, day);
        d.members.push_back(std::move(r));
    }
    for (auto& [email, digest] : digests) {
        const sys_seconds deliver_at = cal.next_working_instant(
            std::max(work_calendar::at_local(year_month_day{digest.day}, seconds{0}), now));
        const year_month_day day = to_oslo(deliver_at).date;  // the day it is read
        const auto person = org != nullptr ? org->find_person(email) : std::optional<bot::person>{};
        const language lang = person ? person->lang : language::nb;
        due_reminder d;
        d.deliver_at = deliver_at;
        d.recipient_email = email;
        d.kind = reminder_kind::digest;
        d.subject = format_date(day);
        d.step = "daily";
        for (const auto& r : digest.members) {
            d.covers.push_back(r.dedupe_key);
            d.lines.push_back({r.dedupe_key, r.kind, r.title, r.body.actions});
        }
        std::sort(d.covers.begin(), d.covers.end());
        d.dedupe_key = make_dedupe_key(reminder_kind::digest, d.subject, fingerprint(d.covers),
                                       "daily", email);
        d.body = digest_body(d.lines, digest_title(day, lang), lang);
        d.title = d.body.title + " (" + std::to_string(digest.members.size()) + ")";
        out.push_back(std::move(d));
    }
    return out;
}

std::optional<message> digest_without_cancelled(const message& digest,
                                                const std::vector<digest_line>& lines) {
    if (lines.empty()) {
        return std::nullopt;
    }
    const language lang = digest.title.starts_with(nb_title) ? language::nb : language::en;
    auto m = digest_body(lines, digest.title, lang);
    m.subject_key = digest.subject_key;
    return m;
}

}  // namespace kv::bot
