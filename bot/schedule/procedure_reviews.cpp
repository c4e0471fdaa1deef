#include "bot/schedule/procedure_reviews.hpp"

#include <algorithm>

#include "bot/dialog/case_view.hpp"
#include "bot/dialog/procedure_actions.hpp"
#include "bot/domain/oslo_time.hpp"

namespace kv::bot {
namespace {

using namespace std::chrono;

enum class track { revision_owner, owner, superior };

struct step {
    sys_seconds at;  // local midnight of the step's day
    std::string name;
    track who = track::revision_owner;
};

sys_seconds local_midnight(year_month_day d) {
    return work_calendar::at_local(d, seconds{0});
}

year_month_day plus_days(year_month_day d, int n) {
    return year_month_day{sys_days{d} + days{n}};
}

// Every step of one review round, in time order per track. Overdue repeats are generated up to
// `until` only, so a procedure overdue for years costs one step per week up to now.
std::vector<step> steps_of(const procedure& p, const procedure_review_settings& s,
                           sys_seconds until) {
    const year_month_day due = review_due(p);
    const sys_seconds reviewed = local_midnight(plus_days(p.last_reviewed, 1));
    std::vector<step> out;
    std::vector<int> leads = s.lead_days;
    std::sort(leads.rbegin(), leads.rend());
    for (int lead : leads) {
        const sys_seconds at = local_midnight(plus_days(due, -lead));
        if (at >= reviewed) {
            out.push_back({at, "T-" + std::to_string(lead) + "d", track::revision_owner});
        }
    }
    const int every = std::max(1, s.overdue_every_days);
    for (int n = 1;; ++n) {
        const sys_seconds at = local_midnight(plus_days(due, n * every));
        out.push_back({at,
                       every == 7 ? "overdue-" + std::to_string(n) + "w"
                                  : "overdue-" + std::to_string(n * every) + "d",
                       track::revision_owner});
        if (at > until) {
            break;
        }
    }
    out.push_back(
        {local_midnight(plus_days(due, s.escalate_owner_after_days)), "escalate-1", track::owner});
    out.push_back({local_midnight(plus_days(due, s.escalate_superior_after_days)), "escalate-2",
                   track::superior});
    return out;
}

std::string recipient_of(const procedure& p, track t, const directory& dir) {
    switch (t) {
        case track::revision_owner:
            return p.revision_owner_email;
        case track::owner:
            return p.owner_email == p.revision_owner_email ? std::string{} : p.owner_email;
        case track::superior: {
            const std::string boss = superior_of(dir, p.owner_email);
            return boss == p.revision_owner_email ? std::string{} : boss;
        }
    }
    return {};
}

std::string title_of(const procedure& p, track t, language lang, sys_seconds now) {
    const bool nb = lang == language::nb;
    const year_month_day due = review_due(p);
    const std::string name = p.id + " " + p.title;
    if (t == track::revision_owner) {
        return local_midnight(due) <= now
                   ? (nb ? "Gjennomgangen av " + name + " er forsinket"
                         : "The review of " + name + " is overdue")
                   : (nb ? "Gjennomgang av " + name + " forfaller " + format_date(due)
                         : "The review of " + name + " is due " + format_date(due));
    }
    return nb ? "Forsinket gjennomgang: " + name : "Overdue review: " + name;
}

message body_of(const procedure& p, track t, language lang, std::string title,
                const directory& dir) {
    const bool nb = lang == language::nb;
    const year_month_day due = review_due(p);
    message m;
    m.subject_key = "procedure:" + p.id;
    m.title = std::move(title);
    const std::string name = p.id + " " + p.title;
    if (t == track::revision_owner) {
        m.text = nb ? "Du er revisjonsansvarlig. Gå gjennom prosedyren og velg om den skal "
                      "beholdes, revideres eller slettes."
                    : "You are the revision owner. Review the procedure and choose whether to "
                      "keep, revise or delete it.";
    } else {
        m.text = nb ? person_label(dir, p.revision_owner_email) +
                          " har ikke gjennomgått prosedyren innen fristen."
                    : person_label(dir, p.revision_owner_email) +
                          " has not reviewed the procedure by its due date.";
    }
    m.facts.push_back({nb ? "Prosedyre" : "Procedure", name});
    if (!p.version.empty()) {
        m.facts.push_back({"Versjon", p.version});
    }
    m.facts.push_back({nb ? "Sist gjennomgått" : "Last reviewed", format_date(p.last_reviewed)});
    m.facts.push_back({nb ? "Frist" : "Due", format_date(due)});
    m.facts.push_back(
        {nb ? "Revisjonsansvarlig" : "Revision owner", person_label(dir, p.revision_owner_email)});
    if (!p.url.empty()) {
        m.facts.push_back({nb ? "Lenke" : "Link", p.url});
    }
    if (t != track::superior) {
        m.actions = review_actions(p, lang);  // the owner may review too
    }
    return m;
}

}  // namespace

std::string superior_of(const directory& dir, const std::string& email) {
    const auto person = dir.find_person(email);
    if (!person) {
        return {};
    }
    auto u = dir.find_unit(person->unit_id);
    std::set<std::string> seen;
    while (u && seen.insert(u->id).second) {
        const bool leads = u->leader_email == email || u->deputy_email == email;
        if (!leads) {
            if (!u->leader_email.empty()) {
                return u->leader_email;
            }
            if (!u->deputy_email.empty()) {
                return u->deputy_email;
            }
        }
        if (u->parent_id.empty()) {
            return {};
        }
        u = dir.find_unit(u->parent_id);
    }
    return {};
}

std::vector<due_reminder> procedure_review_reminders(const procedure_review_snapshot& snapshot,
                                                     sys_seconds now, const work_calendar& cal,
                                                     const procedure_review_settings& settings,
                                                     const reminder_selection& select) {
    std::vector<due_reminder> out;
    if (snapshot.org == nullptr) {
        return out;
    }
    const directory& dir = *snapshot.org;
    for (const auto& p : snapshot.procedures) {
        if (!p.active || snapshot.awaiting_approval.contains(p.id)) {
            continue;
        }
        const auto steps = steps_of(p, settings, now);
        for (const track t : {track::revision_owner, track::owner, track::superior}) {
            const step* latest = nullptr;
            for (const auto& s : steps) {
                if (s.who == t && s.at <= now && (latest == nullptr || s.at >= latest->at)) {
                    latest = &s;
                }
            }
            if (latest == nullptr) {
                continue;
            }
            const std::string recipient = recipient_of(p, t, dir);
            if (recipient.empty()) {
                continue;
            }
            due_reminder r;
            r.deliver_at = cal.next_working_instant(latest->at);
            r.recipient_email = recipient;
            r.kind = reminder_kind::procedure_review;
            r.subject = p.id;
            r.step = latest->name;
            r.dedupe_key =
                make_dedupe_key(r.kind, p.id, format_date(review_due(p)), r.step, recipient);
            const language lang = language_of(dir, recipient);
            r.title = title_of(p, t, lang, now);
            if (select.keep && !select.keep(r)) {
                continue;
            }
            if (select.bodies) {
                r.body = body_of(p, t, lang, r.title, dir);
            }
            out.push_back(std::move(r));
        }
    }
    return out;
}

std::vector<std::optional<sys_seconds>> procedure_review_next_due_each(
    const procedure_review_snapshot& snapshot, sys_seconds now,
    const procedure_review_settings& settings) {
    std::vector<std::optional<sys_seconds>> out(snapshot.procedures.size());
    for (std::size_t i = 0; i < snapshot.procedures.size(); ++i) {
        const auto& p = snapshot.procedures[i];
        if (!p.active || snapshot.awaiting_approval.contains(p.id)) {
            continue;
        }
        for (const auto& s : steps_of(p, settings, now)) {
            if (s.at > now && (!out[i] || s.at < *out[i])) {
                out[i] = s.at;
            }
        }
    }
    return out;
}

std::optional<sys_seconds> procedure_review_next_due(const procedure_review_snapshot& snapshot,
                                                     sys_seconds now,
                                                     const procedure_review_settings& settings) {
    std::optional<sys_seconds> next;
    for (const auto& at : procedure_review_next_due_each(snapshot, now, settings)) {
        if (at && (!next || *at < *next)) {
            next = at;
        }
    }
    return next;
}

}  // namespace kv::bot
