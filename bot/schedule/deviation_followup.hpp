#pragma once
// Chasing deviations nobody acts on, as pure functions of the open cases and `now`.
//
// A case still new (not received) after `receive_within` working days reminds the unit's leader
// and deputy ("remind-1"); after `escalate_after` more working days the leader of the unit above
// is told ("escalate-1"). Serious events (bot::is_serious) follow the faster numbers and go at
// once (urgent); other reminders wait for the next working instant. An open measure past its due
// date reminds its responsible person the morning after ("overdue-1"), then the unit's leader
// `measure_escalate_after` working days later ("escalate-1"). The rules read current state only,
// so acting stops the chase: a received case or a done measure produces nothing more.

#include <chrono>
#include <map>
#include <optional>
#include <vector>

#include "bot/domain/model.hpp"
#include "bot/ports.hpp"
#include "bot/schedule/reminder.hpp"
#include "bot/schedule/work_calendar.hpp"
#include "bot/settings.hpp"

namespace kv::bot {

// The receive and escalate working days for ordinary cases of one kind.
struct followup_days {
    int receive_within_working_days = 2;  // 0..30
    int escalate_after_working_days = 2;  // 0..30
};

struct deviation_followup_settings {
    int receive_within_working_days = 2;          // then the leader and deputy, 0..30
    int escalate_after_working_days = 2;          // then, this many more, the leader above, 0..30
    int serious_receive_within_working_days = 1;  // the same for serious events
    int serious_escalate_after_working_days = 1;
    int measure_escalate_after_working_days = 2;  // after the responsible person's reminder
    // Kinds with their own numbers (e.g. complaints); serious events keep the serious numbers.
    // Empty by default: every kind uses the numbers above.
    std::map<case_kind, followup_days> by_kind;
    // Risk levels with their own numbers, for a case that has been risk-assessed (e.g. one
    // forwarded after its assessment); they go before its kind's. Empty by default.
    std::map<risk_level, followup_days> by_level;
};

// The working days case `c` has to be received, and then until the leader above is told: the
// serious numbers for serious events, else its risk level's own numbers (once assessed, levels by
// `rules.risk`), else its kind's own numbers, else the general ones.
followup_days followup_days_for(const deviation_case& c, const bot_settings& rules,
                                const deviation_followup_settings& settings);

// What the rules read: the open cases (any state but closed, with their measures), the bot's
// rules (which events are serious; how a case card looks), and the organisation (units, leaders,
// languages). `org` must outlive the call.
struct deviation_followup_snapshot {
    std::vector<deviation_case> open_cases;
    bot_settings rules;
    const directory* org = nullptr;
};

// Every step due at `now` that the cases' current state still calls for, ordered by case, then
// step, then recipient. Not deduplicated: the caller drops keys it has enqueued before.
// Reminders about cases have kind deviation_followup and the case id as subject; about measures
// kind measure and "<case id>/<measure number>" as subject. A body reads the whole case (its
// card); deciding reads only its state, kind, category, risk, unit, filing time and measures'
// numbers, due dates, states and responsible people.
std::vector<due_reminder> deviation_followup_reminders(
    const deviation_followup_snapshot& snapshot, std::chrono::sys_seconds now,
    const work_calendar& cal, const deviation_followup_settings& settings = {},
    const reminder_selection& select = {});

// The earliest instant after `now` at which a step of any case or measure falls due (before
// working-hours shifting); nullopt when none will without a change of state.
std::optional<std::chrono::sys_seconds> deviation_followup_next_due(
    const deviation_followup_snapshot& snapshot, std::chrono::sys_seconds now,
    const work_calendar& cal, const deviation_followup_settings& settings = {});

// The same per case: for each of the snapshot's open cases, in order, the earliest instant after
// `now` at which a step of it or of its measures falls due; nullopt for a case with none.
std::vector<std::optional<std::chrono::sys_seconds>> deviation_followup_next_due_each(
    const deviation_followup_snapshot& snapshot, std::chrono::sys_seconds now,
    const work_calendar& cal, const deviation_followup_settings& settings = {});

}  // namespace kv::bot
