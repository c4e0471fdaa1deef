#pragma once
// Reminding an approver who has not decided, as pure functions of the pending approvals and
// `now`. `remind_after_working_days` working days after a request (a new procedure version, a
// deletion) the approver is reminded ("remind-1"), and again every `every_days` days while it
// waits ("remind-2", ...), with the approval's card and its buttons. Each step is delivered at
// the next working instant; after an outage only the latest step due is sent. A decided approval
// produces nothing, and its reminders still waiting are cancelled when it is decided
// (daemon/store/reminder_cancellation).

#include <chrono>
#include <optional>
#include <vector>

#include "bot/domain/approval.hpp"
#include "bot/ports.hpp"
#include "bot/schedule/reminder.hpp"
#include "bot/schedule/work_calendar.hpp"

namespace kv::bot {

struct approval_reminder_settings {
    int remind_after_working_days = 3;  // 1..30
    int every_days = 7;                 // then again while it waits, 1..90
};

// What the rules read: the approvals still pending and the organisation (languages, names on
// the card). `org` must outlive the call.
struct approval_snapshot {
    std::vector<approval> pending;
    const directory* org = nullptr;
};

// The reminders due at `now`: per pending approval the latest step that has fallen due, to its
// approver. Subject: the approval's id. Not deduplicated: the caller drops keys it has enqueued.
std::vector<due_reminder> approval_reminders(const approval_snapshot& snapshot,
                                             std::chrono::sys_seconds now, const work_calendar& cal,
                                             const approval_reminder_settings& settings = {},
                                             const reminder_selection& select = {});

// The earliest instant after `now` at which a step of a pending approval falls due (before
// working-hours shifting); nullopt when none is pending.
std::optional<std::chrono::sys_seconds> approval_next_due(
    const approval_snapshot& snapshot, std::chrono::sys_seconds now, const work_calendar& cal,
    const approval_reminder_settings& settings = {});

}  // namespace kv::bot
