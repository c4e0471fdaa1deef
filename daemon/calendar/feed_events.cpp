#include "daemon/calendar/feed_events.hpp"

#include <algorithm>
#include <cstdio>

#include "bot/domain/access.hpp"
#include "bot/domain/oslo_time.hpp"
#include "bot/domain/procedure.hpp"
#include "bot/domain/risk.hpp"

namespace kv::daemon {
namespace {

using namespace std::chrono;

constexpr days feed_past{31};
constexpr days feed_ahead{366};

std::string_view kind_nb(bot::wheel_item_kind kind) {
    switch (kind) {
        case bot::wheel_item_kind::meeting:
            return "Møte";
        case bot::wheel_item_kind::deadline:
            return "Frist";
        case bot::wheel_item_kind::report:
            return "Rapport";
        case bot::wheel_item_kind::review:
            return "Gjennomgang";
        case bot::wheel_item_kind::audit:
            return "Revisjon";
    }
    return "Årshjul";
}

const bot::committee* find_committee(const organisation& org, std::string_view id) {
    for (const auto& c : org.committees) {
        if (c.id == id) {
            return &c;
        }
    }
    return nullptr;
}

std::optional<calendar_person> committee_organizer(const organisation& org,
                                                   const bot::committee& c) {
    for (const char* role : {"facilitator", "chair"}) {
        for (const auto& m : c.members) {
            if (m.role == role) {
                calendar_person p{"", m.email};
                for (const auto& person : org.people) {
                    if (person.email == m.email) {
                        p.name = person.name;
                    }
                }
                return p;
            }
        }
    }
    return std::nullopt;
}

bool concerns(const bot::wheel_item& item, const bot::person& me, const organisation& org) {
    if (!item.role.empty()) {
        return item.role == me.role;
    }
    const auto* c = find_committee(org, item.committee_id);
    return c != nullptr && std::any_of(c->members.begin(), c->members.end(),
                                       [&](const auto& m) { return m.email == me.email; });
}

std::vector<calendar_event> wheel_events(const scheduler& sched, sys_seconds now,
                                         const std::function<bool(const bot::wheel_item&)>& pick) {
    std::vector<calendar_event> out;
    for (const auto& o : sched.occurrences(now - feed_past, now + feed_ahead)) {
        if (pick(*o.item)) {
            out.push_back(wheel_event(o, sched.config()));
        }
    }
    return out;
}

calendar_event all_day(std::string uid, year_month_day d, std::string summary,
                       std::string description) {
    calendar_event e;
    e.uid = std::move(uid);
    e.all_day = d;
    e.summary = std::move(summary);
    e.description = std::move(description);
    return e;
}

void add_reviews(const bot::repository& repo, const bot::person& me,
                 std::vector<calendar_event>& out) {
    const bot::library* lib = repo.quality_library();
    if (lib == nullptr) {
        return;
    }
    for (const auto& p : lib->procedures_reviewed_by(me.email)) {
        const auto due = bot::review_due(p);
        auto e = all_day("review-" + p.id + "-" + compact_date(due) + "@kvalitetsvakt", due,
                         "Gjennomgang av prosedyre " + p.id + " " + p.title,
                         "Du er revisjonsansvarlig for " + p.id + " " + p.title +
                             ". Gjennomgangen skal være gjort innen denne datoen: ingen endring, "
                             "ny versjon til godkjenning, eller forslag om sletting.");
        e.url = p.url;
        out.push_back(std::move(e));
    }
}

void add_case_deadlines(const bot::directory& dir, const bot::repository& repo,
                        const schedule_config& cfg, const bot::person& me,
                        std::vector<calendar_event>& out) {
    std::vector<std::string> unit_ids;
    for (const auto& u : dir.all_units()) {
        unit_ids.push_back(u.id);
    }
    for (const auto& c : repo.open_cases_in(unit_ids)) {
        for (const auto& m : c.measures) {
            if (m.state != bot::measure_state::open || m.responsible_email != me.email) {
                continue;
            }
            const auto due = bot::parse_iso_date(m.due_date);
            if (!due) {
                continue;
            }
            out.push_back(all_day(
                "measure-" + c.human_id + "-" + std::to_string(m.number) + "@kvalitetsvakt", *due,
                "Tiltak " + std::to_string(m.number) + " i " + c.human_id + " skal være utført",
                "Du er ansvarlig for tiltak " + std::to_string(m.number) + " i sak " + c.human_id +
                    ": " + m.text));
        }
        if (c.state == bot::case_state::ny && bot::leads_unit(dir, me.email, c.unit_id)) {
            const int n =
                bot::followup_days_for(c, cfg.rules, cfg.followup).receive_within_working_days;
            calendar_event e;
            e.uid = "receive-" + c.human_id + "@kvalitetsvakt";
            e.start = cfg.calendar.add_working_days(c.created_at, n);
            e.end = e.start;
            e.summary = "Motta sak " + c.human_id;
            e.description =
                "Sak " + c.human_id + " i din enhet skal være mottatt innen dette tidspunktet.";
            out.push_back(std::move(e));
        }
    }
}

void add_approvals(database& db, const bot::person& me, sys_seconds now,
                   std::vector<calendar_event>& out) {
    auto& q = db.cached(
        "SELECT id, title FROM approvals WHERE approver_email = ? AND state = 'pending' "
        "ORDER BY id");
    q.bind_all(me.email);
    const auto today = bot::to_oslo(now).date;
    while (q.step()) {
        // Waiting now: shown on today's date until it is decided.
        out.push_back(all_day("approval-" + std::to_string(q.int64(0)) + "@kvalitetsvakt", today,
                              "Venter på din godkjenning: " + q.text(1),
                              "Godkjenn eller avvis i Teams eller i e-posten du fikk."));
    }
}

}  // namespace

std::string compact_date(year_month_day d) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d%02u%02u", static_cast<int>(d.year()),
                  static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
    return buf;
}

std::optional<wheel_subject> parse_wheel_subject(std::string_view subject_key) {
    constexpr std::string_view prefix = "wheel:";
    const auto colon = subject_key.rfind(':');
    if (!subject_key.starts_with(prefix) || colon == std::string_view::npos ||
        colon <= prefix.size()) {
        return std::nullopt;
    }
    const auto date = bot::parse_iso_date(subject_key.substr(colon + 1));
    if (!date) {
        return std::nullopt;
    }
    return wheel_subject{std::string(subject_key.substr(prefix.size(), colon - prefix.size())),
                         *date};
}

std::string wheel_event_uid(const bot::wheel_item& item, year_month_day date) {
    return "wheel-" + item.id + "-" + compact_date(date) + "@kvalitetsvakt";
}

calendar_event wheel_event(const bot::wheel_occurrence& o, const schedule_config& cfg) {
    const bot::wheel_item& item = *o.item;
    calendar_event e;
    e.uid = wheel_event_uid(item, o.date);
    e.summary = item.title;
    e.start = o.start;
    e.end = o.end;
    std::string description = std::string(kind_nb(item.kind)) + " i årshjulet";
    if (const auto* c = find_committee(cfg.org, item.committee_id)) {
        description += " for " + c->name;
        e.organizer = committee_organizer(cfg.org, *c);
    }
    description += ".";
    if (!item.agenda.empty()) {
        description += "\n\nFaste saker:";
        for (const auto& a : item.agenda) {
            description += "\n- " + a;
        }
    }
    e.description = std::move(description);
    return e;
}

std::optional<calendar_document> feed_document(store& s, const scheduler& sched,
                                               std::string_view feed_id, sys_seconds now) {
    calendar_document doc;
    doc.stamp = now;
    const auto& cfg = sched.config();
    if (feed_id.starts_with("committee:")) {
        const auto* c = find_committee(cfg.org, feed_id.substr(10));
        if (c == nullptr) {
            return std::nullopt;
        }
        doc.name = c->name + " – Kvalitetsvakt";
        doc.events = wheel_events(sched, now, [&](const bot::wheel_item& item) {
            return item.role.empty() && item.committee_id == c->id;
        });
        return doc;
    }
    if (!feed_id.starts_with("person:")) {
        return std::nullopt;
    }
    const std::string email(feed_id.substr(7));
    std::optional<bot::person> me;
    s.with_read([&](const bot::directory& dir, const bot::repository& repo) {
        me = dir.find_person(email);
        if (!me || !me->active) {
            return;
        }
        doc.events = wheel_events(
            sched, now, [&](const bot::wheel_item& item) { return concerns(item, *me, cfg.org); });
        add_reviews(repo, *me, doc.events);
        add_case_deadlines(dir, repo, cfg, *me, doc.events);
        add_approvals(s.db(), *me, now, doc.events);
    });
    if (!me || !me->active) {
        return std::nullopt;
    }
    doc.name = "Kvalitetsvakt – " + (me->name.empty() ? me->email : me->name);
    return doc;
}

}  // namespace kv::daemon

namespace kv::daemon {

std::optional<calendar_document> occurrence_document(store& s, const scheduler& sched,
                                                     std::string_view feed_id,
                                                     std::string_view item_id, year_month_day date,
                                                     sys_seconds now) {
    const auto& cfg = sched.config();
    const bot::wheel_item* item = cfg.wheel.find(item_id);
    if (item == nullptr || !date.ok()) {
        return std::nullopt;
    }
    bool shown = false;
    if (feed_id.starts_with("committee:")) {
        shown = item->role.empty() && item->committee_id == feed_id.substr(10) &&
                find_committee(cfg.org, item->committee_id) != nullptr;
    } else if (feed_id.starts_with("person:")) {
        s.with_read([&](const bot::directory& dir, const bot::repository&) {
            const auto me = dir.find_person(std::string(feed_id.substr(7)));
            shown = me && me->active && concerns(*item, *me, cfg.org);
        });
    }
    if (!shown) {
        return std::nullopt;
    }
    const sys_seconds day = bot::work_calendar::at_local(date, minutes{0});
    for (const auto& o : sched.occurrences(day - days{1}, day + days{2})) {
        if (o.item == item && o.date == date) {
            calendar_document doc;
            doc.stamp = now;
            doc.events = {wheel_event(o, cfg)};
            return doc;
        }
    }
    return std::nullopt;
}

}  // namespace kv::daemon
