#include "daemon/schedule/scheduler.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "bot/domain/oslo_time.hpp"
#include "bot/schedule/agenda.hpp"
#include "bot/schedule/digest.hpp"
#include "daemon/config/annual_wheel.hpp"
#include "daemon/schedule/rrule.hpp"
#include "daemon/schedule/scheduler_detail.hpp"
#include "daemon/store/memo_directory.hpp"
#include "daemon/store/procedure_store.hpp"
#include "daemon/store/schedule_store.hpp"

namespace kv::daemon {
namespace {

using namespace std::chrono;
using detail::local_date;
using detail::longest_review_lead;
using detail::plus_days;

// How far back the previous meeting is looked for, for "since the last meeting".
constexpr days previous_meeting_window{400};

// An upper bound, in calendar days, on what `n` working days can span from any instant: the next
// working instant comes within a week, and so does each working day after it.
days working_days_span(int n) {
    return days{7 * (std::max(0, n) + 1)};
}

// The fewest and the most working days a new case waits before its first reminder, and before
// the escalation after it, over every kind and seriousness.
struct case_wait {
    int first_min = 0;
    int first_max = 0;
    int more_max = 0;
};

case_wait case_waits(const bot::deviation_followup_settings& f) {
    case_wait w{std::min(f.receive_within_working_days, f.serious_receive_within_working_days),
                std::max(f.receive_within_working_days, f.serious_receive_within_working_days),
                std::max(f.escalate_after_working_days, f.serious_escalate_after_working_days)};
    for (const auto& [level, own] : f.by_level) {
        w.first_min = std::min(w.first_min, own.receive_within_working_days);
        w.first_max = std::max(w.first_max, own.receive_within_working_days);
        w.more_max = std::max(w.more_max, own.escalate_after_working_days);
    }
    for (const auto& [kind, own] : f.by_kind) {
        w.first_min = std::min(w.first_min, own.receive_within_working_days);
        w.first_max = std::max(w.first_max, own.receive_within_working_days);
        w.more_max = std::max(w.more_max, own.escalate_after_working_days);
    }
    return w;
}

// Calls `fn` with the procedure review rules' view of the store, read in one snapshot: the
// procedures that `load` picks (the rules read nothing else of a procedure).
template <typename Load, typename Fn>
void with_review_snapshot(store& s, Load&& load, Fn&& fn) {
    s.with_read([&](const bot::directory& people, const bot::repository&) {
        const memo_directory org{people};
        bot::procedure_review_snapshot snap;
        snap.procedures = load(s.db());
        snap.awaiting_approval = procedures_awaiting_approval(s.db());
        snap.org = &org;
        fn(snap);
    });
}

// Calls `fn` with the reading-list rules' view of the store, read in one snapshot: the unread
// entries and the procedures they name.
template <typename Fn>
void with_reading_snapshot(store& s, Fn&& fn) {
    s.with_read([&](const bot::directory& people, const bot::repository&) {
        bot::reading_snapshot snap;
        snap.unread = load_unread_reading(s.db());
        std::set<std::string> ids;
        for (const auto& e : snap.unread) {
            ids.insert(e.procedure_id);
        }
        for (const auto& id : ids) {
            if (auto p = load_procedure(s.db(), id); p && p->active) {
                snap.procedures.push_back(std::move(*p));
            }
        }
        snap.org = &people;
        fn(snap);
    });
}

// Calls `fn` with the deviation follow-up rules' view of the store, read in one snapshot: the
// open cases that `load` picks.
template <typename Load, typename Fn>
void with_followup_snapshot(store& s, const bot::bot_settings& rules, Load&& load, Fn&& fn) {
    s.with_read([&](const bot::directory& people, const bot::repository&) {
        const memo_directory org{people};
        bot::deviation_followup_snapshot snap;
        snap.open_cases = load(s.db());
        snap.rules = rules;
        snap.org = &org;
        fn(snap);
    });
}

std::optional<sys_seconds> earliest(std::optional<sys_seconds> a, std::optional<sys_seconds> b) {
    if (!a) {
        return b;
    }
    if (!b) {
        return a;
    }
    return std::min(*a, *b);
}

bot::work_calendar working_calendar(const settings& cfg) {
    bot::working_hours hours;
    hours.start = minutes{cfg.schedule.working_start_minutes};
    hours.end = minutes{cfg.schedule.working_end_minutes};
    return bot::work_calendar{hours};
}

}  // namespace

bot::bot_settings bot_rules(const settings& cfg) {
    bot::bot_settings out = cfg.bot;
    out.followup = std::make_shared<const bot::deviation_followup_settings>(cfg.reminders.followup);
    out.calendar = std::make_shared<const bot::work_calendar>(working_calendar(cfg));
    return out;
}

std::optional<schedule_config> load_schedule_config(const settings& cfg, const organisation& org,
                                                    std::ostream& err) {
    schedule_config out{{},
                        working_calendar(cfg),
                        cfg.bot,
                        org,
                        cfg.reminders.reviews,
                        cfg.reminders.followup,
                        cfg.reminders.reading,
                        cfg.reminders.approvals};
    if (!cfg.schedule.annual_wheel_file.empty()) {
        auto wheel = load_annual_wheel(cfg.schedule.annual_wheel_file, org);
        if (!wheel.value) {
            for (const auto& e : wheel.errors) {
                err << e.to_string() << "\n";
            }
            return std::nullopt;
        }
        out.wheel = std::move(*wheel.value);
    }
    return out;
}

scheduler::scheduler(schedule_config config) : config_(std::move(config)) {
    for (const auto& item : config_.wheel.items) {
        for (const int lead : item.lead_days) {
            longest_lead_days_ = std::max(longest_lead_days_, lead);
        }
    }
}

std::vector<bot::wheel_occurrence> scheduler::occurrences(sys_seconds from, sys_seconds to) const {
    std::vector<bot::wheel_occurrence> out;
    // A day's margin either side: the local date of an instant differs from its UTC date.
    const year_month_day first{floor<days>(from) - days{1}};
    const year_month_day last{floor<days>(to) + days{1}};
    for (const auto& item : config_.wheel.items) {
        for (const auto d : rrule_dates(item.rrule, item.starts, first, last)) {
            const sys_seconds start = bot::work_calendar::at_local(d, item.local_time);
            if (start >= from && start <= to) {
                out.push_back({&item, d, start, start + item.duration});
            }
        }
    }
    std::stable_sort(out.begin(), out.end(),
                     [](const auto& a, const auto& b) { return a.start < b.start; });
    return out;
}

std::vector<std::string> scheduler::recipients(const bot::wheel_item& item) const {
    std::set<std::string> active;
    for (const auto& p : config_.org.people) {
        if (p.active && (item.role.empty() || p.role == item.role)) {
            active.insert(p.email);
        }
    }
    if (!item.role.empty()) {
        return {active.begin(), active.end()};
    }
    std::vector<std::string> out;
    for (const auto& c : config_.org.committees) {
        if (c.id != item.committee_id) {
            continue;
        }
        for (const auto& m : c.members) {
            if (active.contains(m.email)) {
                out.push_back(m.email);
            }
        }
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

std::vector<std::string> scheduler::committee_units(const std::string& committee_id) const {
    std::string top;
    for (const auto& c : config_.org.committees) {
        if (c.id == committee_id) {
            top = c.unit_id;
        }
    }
    if (top.empty()) {
        return {};
    }
    // The committee's unit and every unit below it.
    std::vector<std::string> out{top};
    for (std::size_t i = 0; i < out.size(); ++i) {
        for (const auto& u : config_.org.units) {
            if (u.parent_id == out[i]) {
                out.push_back(u.id);
            }
        }
    }
    return out;
}

std::vector<bot::due_reminder> scheduler::wheel_due(store& s, sys_seconds now,
                                                    const bot::reminder_selection& select) const {
    const auto upcoming = occurrences(now, now + days{longest_lead_days_ + 1} + hours{24});
    bot::wheel_context ctx;
    ctx.recipients = [this](const bot::wheel_item& item) { return recipients(item); };
    ctx.agenda = [&](const bot::wheel_occurrence& o) {
        const bot::wheel_item& item = *o.item;
        std::string committee_name;
        if (!item.committee_id.empty()) {
            for (const auto& c : config_.org.committees) {
                if (c.id == item.committee_id) {
                    committee_name = c.name;
                }
            }
        }
        std::vector<bot::agenda_count> counts;
        if (item.kind == bot::wheel_item_kind::meeting) {
            std::optional<sys_seconds> since;
            for (const auto& prev : occurrences(o.start - previous_meeting_window, o.start)) {
                if (prev.item == o.item && prev.start < o.start) {
                    since = prev.start;
                }
            }
            const auto units = committee_units(item.committee_id);
            s.with_read([&](const bot::directory&, const bot::repository&) {
                counts = agenda_counts_in(s.db(), units, config_.rules, since, local_date(now));
            });
        }
        return bot::build_agenda(o, committee_name, counts);
    };
    return bot::wheel_reminders(upcoming, now, config_.calendar, ctx, select);
}

std::vector<bot::due_reminder> scheduler::review_due(store& s, sys_seconds now,
                                                     const bot::reminder_selection& select) const {
    // A review's first step comes the longest lead before its due date, at local midnight.
    const year_month_day last_due =
        plus_days(local_date(now), longest_review_lead(config_.reviews));
    std::vector<bot::due_reminder> out;
    with_review_snapshot(
        s, [&](database& db) { return procedures_due_by(db, last_due); },
        [&](const bot::procedure_review_snapshot& snap) {
            out = bot::procedure_review_reminders(snap, now, config_.calendar, config_.reviews,
                                                  select);
        });
    return out;
}

std::optional<sys_seconds> scheduler::review_next_due(store& s, sys_seconds now) const {
    // Every step of a round lies at or after its due date less the longest lead, and each round
    // has a step `every` days after its due date. So once the first round whose steps all lie
    // ahead is known, rounds due more than every + lead days after it cannot come first.
    const int lead = longest_review_lead(config_.reviews);
    const int every = std::max(1, config_.reviews.overdue_every_days);
    const year_month_day horizon = plus_days(local_date(now), lead);
    std::optional<sys_seconds> out;
    with_review_snapshot(
        s,
        [&](database& db) {
            const auto first_ahead = first_review_due_after(db, horizon);
            return review_rounds_due_by(
                db, first_ahead ? plus_days(*first_ahead, every + lead) : horizon);
        },
        [&](const bot::procedure_review_snapshot& snap) {
            out = bot::procedure_review_next_due(snap, now, config_.reviews);
        });
    return out;
}

std::vector<bot::due_reminder> scheduler::reading_due(store& s, sys_seconds now) const {
    std::vector<bot::due_reminder> out;
    with_reading_snapshot(s, [&](const bot::reading_snapshot& snap) {
        out = bot::reading_reminders(snap, now, config_.calendar, config_.reading);
    });
    return out;
}

std::optional<sys_seconds> scheduler::reading_next_due(store& s, sys_seconds now) const {
    std::optional<sys_seconds> out;
    with_reading_snapshot(s, [&](const bot::reading_snapshot& snap) {
        out = bot::reading_next_due(snap, now, config_.calendar, config_.reading);
    });
    return out;
}

std::vector<bot::due_reminder> scheduler::followup_due(
    store& s, sys_seconds now, const bot::reminder_selection& select) const {
    // n working days after an instant is at least n days after it, less an hour when summer time
    // begins in between; a measure is first reminded the day after its due date.
    const int first_min = case_waits(config_.followup).first_min;
    const sys_seconds new_created_by = first_min > 0 ? now - days{first_min} + hours{1} : now;
    std::vector<bot::due_reminder> out;
    with_followup_snapshot(
        s, config_.rules,
        [&](database& db) { return followup_cases_to_decide(db, new_created_by, local_date(now)); },
        [&](const bot::deviation_followup_snapshot& snap) {
            out = bot::deviation_followup_reminders(snap, now, config_.calendar, config_.followup,
                                                    {select.keep, false});
        });
    if (!select.bodies || out.empty()) {
        return out;
    }
    // The messages show the whole case: those the kept reminders are about are read whole and
    // decided again, the same way, with their bodies.
    std::set<std::string> ids;
    std::set<std::pair<std::string, std::string>> kept;
    for (const auto& r : out) {
        ids.insert(r.subject.substr(0, r.subject.find('/')));  // a measure's: "<case>/<number>"
        kept.emplace(r.recipient_email, r.dedupe_key);
    }
    const bot::reminder_selection again{
        [&](const bot::due_reminder& r) {
            return kept.contains(std::pair{r.recipient_email, r.dedupe_key});
        },
        true};
    with_followup_snapshot(
        s, config_.rules, [&](database& db) { return cases_with_human_ids(db, ids); },
        [&](const bot::deviation_followup_snapshot& snap) {
            out = bot::deviation_followup_reminders(snap, now, config_.calendar, config_.followup,
                                                    again);
        });
    return out;
}

std::optional<sys_seconds> scheduler::followup_next_due(store& s, sys_seconds now) const {
    const case_wait w = case_waits(config_.followup);
    // Older new cases and measures have every step behind them.
    const sys_seconds new_since = now - working_days_span(w.first_max + w.more_max + 1);
    const year_month_day today = local_date(now);
    const year_month_day overdue_since =
        year_month_day{sys_days{today} -
                       working_days_span(config_.followup.measure_escalate_after_working_days + 1)};
    std::optional<sys_seconds> out;
    with_followup_snapshot(
        s, config_.rules,
        [&](database& db) {
            auto cases = new_cases_created_after(db, new_since);
            // No measure due after the first one ahead can come first: its steps follow that
            // one's reminder.
            auto first_ahead = first_measure_due_from(db, today);
            year_month_day last{year{9999} / December / 31};
            if (first_ahead) {
                if (const auto due = bot::parse_iso_date(first_ahead->measures.front().due_date)) {
                    last = *due;
                }
                cases.push_back(std::move(*first_ahead));
            }
            for (auto& round : measure_rounds_due(db, overdue_since, last)) {
                cases.push_back(std::move(round));
            }
            return cases;
        },
        [&](const bot::deviation_followup_snapshot& snap) {
            out = bot::deviation_followup_next_due(snap, now, config_.calendar, config_.followup);
        });
    return out;
}

std::vector<bot::due_reminder> scheduler::approval_due(
    store& s, sys_seconds now, const bot::reminder_selection& select) const {
    std::vector<bot::due_reminder> out;
    s.with_read([&](const bot::directory& people, const bot::repository&) {
        const bot::approval_snapshot snap{load_pending_approvals(s.db()), &people};
        out = bot::approval_reminders(snap, now, config_.calendar, config_.approvals, select);
    });
    return out;
}

std::optional<sys_seconds> scheduler::approval_next_due(store& s, sys_seconds now) const {
    std::optional<sys_seconds> out;
    s.with_read([&](const bot::directory& people, const bot::repository&) {
        const bot::approval_snapshot snap{load_pending_approvals(s.db()), &people};
        out = bot::approval_next_due(snap, now, config_.calendar, config_.approvals);
    });
    return out;
}

std::vector<bot::due_reminder> scheduler::decided_in_full(
    store& s, sys_seconds now, const bot::reminder_selection& select) const {
    std::vector<bot::due_reminder> out = wheel_due(s, now, select);
    for (auto& r : reading_due(s, now)) {
        if (!select.keep || select.keep(r)) {
            out.push_back(std::move(r));
        }
    }
    for (auto& r : approval_due(s, now, select)) {
        out.push_back(std::move(r));
    }
    return out;
}

std::vector<bot::due_reminder> scheduler::collect(store& s, sys_seconds now,
                                                  const bot::reminder_selection& select) const {
    std::vector<bot::due_reminder> out = decided_in_full(s, now, select);
    for (auto& r : review_due(s, now, select)) {
        out.push_back(std::move(r));
    }
    for (auto& r : followup_due(s, now, select)) {
        out.push_back(std::move(r));
    }
    detail::sort_reminders(out);
    return out;
}

std::vector<bot::due_reminder> scheduler::due_at(store& s, sys_seconds now) const {
    return collect(s, now, {{}, false});
}

std::optional<sys_seconds> scheduler::next_due(store& s, sys_seconds now) const {
    const auto upcoming = occurrences(now, now + days{longest_lead_days_ + 1} + days{400});
    auto next =
        earliest(earliest(earliest(bot::wheel_next_due(upcoming, now), review_next_due(s, now)),
                          followup_next_due(s, now)),
                 earliest(reading_next_due(s, now), approval_next_due(s, now)));
    // Reminders held for a digest are sent when the digest falls due, at a local midnight.
    bool digests = false;
    s.with_read([&](const bot::directory&, const bot::repository&) {
        digests = !load_daily_digest_people(s.db()).empty();
    });
    if (digests) {
        const year_month_day tomorrow{sys_days{local_date(now)} + days{1}};
        next = earliest(next, bot::work_calendar::at_local(tomorrow, seconds{0}));
    }
    return next;
}

}  // namespace kv::daemon
