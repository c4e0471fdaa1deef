#include "bot/schedule/approval_reminders.hpp"

#include <algorithm>
#include <string>

#include "bot/dialog/approval_actions.hpp"
#include "bot/dialog/context.hpp"
#include "bot/domain/oslo_time.hpp"

namespace kv::bot {
namespace {

using namespace std::chrono;

// The number and instant of the latest step due at `now`, or of the first one when none is.
struct step {
    int number = 1;
    sys_seconds at;
};

// Step n (1, 2, ...): the first after the working days, the others `every_days` later each at
// the same local time, so a reminder at 14:00 stays at 14:00 across a change of summer time.
sys_seconds step_at(sys_seconds first, int n, const approval_reminder_settings& s) {
    const local_date_time local = to_oslo(first);
    const sys_days day{local.date};
    return work_calendar::at_local(year_month_day{day + days{std::max(1, s.every_days) * (n - 1)}},
                                   local.time.to_duration());
}

step latest_step(const approval& a, sys_seconds now, const work_calendar& cal,
                 const approval_reminder_settings& s) {
    const sys_seconds first = cal.add_working_days(a.created_at, s.remind_after_working_days);
    if (now < first) {
        return {1, first};
    }
    // Whole periods since the first, less one for the hour a change of summer time may move.
    int n = 1 + std::max(0, static_cast<int>((now - first) / days{std::max(1, s.every_days)}) - 1);
    while (step_at(first, n + 1, s) <= now) {
        ++n;
    }
    return {n, step_at(first, n, s)};
}

std::string title_of(const approval& a, language lang) {
    return (lang == language::nb ? "Venter på din godkjenning: " : "Waiting for your approval: ") +
           a.title;
}

}  // namespace

std::vector<due_reminder> approval_reminders(const approval_snapshot& snapshot, sys_seconds now,
                                             const work_calendar& cal,
                                             const approval_reminder_settings& settings,
                                             const reminder_selection& select) {
    std::vector<due_reminder> out;
    if (snapshot.org == nullptr) {
        return out;
    }
    for (const auto& a : snapshot.pending) {
        if (a.state != approval_state::pending || a.approver_email.empty()) {
            continue;
        }
        const step st = latest_step(a, now, cal, settings);
        if (st.at > now) {
            continue;
        }
        due_reminder r;
        r.deliver_at = cal.next_working_instant(st.at);
        r.recipient_email = a.approver_email;
        r.kind = reminder_kind::approval;
        r.subject = std::to_string(a.id);
        r.step = "remind-" + std::to_string(st.number);
        r.dedupe_key = make_dedupe_key(r.kind, r.subject, "", r.step, r.recipient_email);
        const language lang = language_of(*snapshot.org, r.recipient_email);
        r.title = title_of(a, lang);
        if (select.keep && !select.keep(r)) {
            continue;
        }
        if (select.bodies) {
            r.body = approval_card(a, *snapshot.org, r.recipient_email, lang);
            r.body.title = r.title;
        }
        out.push_back(std::move(r));
    }
    return out;
}

std::optional<sys_seconds> approval_next_due(const approval_snapshot& snapshot, sys_seconds now,
                                             const work_calendar& cal,
                                             const approval_reminder_settings& settings) {
    std::optional<sys_seconds> next;
    for (const auto& a : snapshot.pending) {
        if (a.state != approval_state::pending || a.approver_email.empty()) {
            continue;
        }
        step st = latest_step(a, now, cal, settings);
        if (st.at <= now) {
            st.at = step_at(cal.add_working_days(a.created_at, settings.remind_after_working_days),
                            st.number + 1, settings);
        }
        if (!next || st.at < *next) {
            next = st.at;
        }
    }
    return next;
}

}  // namespace kv::bot
