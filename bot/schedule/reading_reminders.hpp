#pragma once
// Reading-list messages, as pure functions of the unread entries and `now`.
//
// Everything put on a person's reading list during a local day goes out together the next
// working morning (08:00 by default): ONE message per person per working day listing every new
// procedure, with a Lest button per procedure (step "T-0"). What is still unread 7 days after
// that morning is reminded of ONCE, again in one message per person and batch (step
// "unread-7d"). Each step falls due at local midnight of its day and is delivered at the next
// working instant. Read entries are neither listed nor reminded of.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "bot/domain/procedure.hpp"
#include "bot/ports.hpp"
#include "bot/schedule/reminder.hpp"
#include "bot/schedule/work_calendar.hpp"

namespace kv::bot {

struct reading_settings {
    int remind_after_days = 7;  // days after the batch morning an unread entry is reminded, 1..90
};

// What the rules read: the unread entries of the current versions of active procedures, those
// procedures, and the organisation (who is active, their language). `org` must outlive the call.
struct reading_snapshot {
    std::vector<reading_entry> unread;
    std::vector<procedure> procedures;
    const directory* org = nullptr;
};

// The local date of the working morning an entry assigned at `assigned_at` is sent on: the
// first working day after the local date of `assigned_at`.
std::chrono::year_month_day reading_batch_date(std::chrono::sys_seconds assigned_at,
                                               const work_calendar& cal);

// The messages due at `now`: a batch while its reminder is not yet due, then the reminder; one
// per person and batch date, ordered by person then date. Inactive people get nothing. Not
// deduplicated: the caller drops keys it has enqueued before (the key names the batch date).
std::vector<due_reminder> reading_reminders(const reading_snapshot& snapshot,
                                            std::chrono::sys_seconds now, const work_calendar& cal,
                                            const reading_settings& settings = {});

// The earliest instant after `now` at which a batch or a reminder falls due (before working-
// hours shifting); nullopt when nothing is unread.
std::optional<std::chrono::sys_seconds> reading_next_due(const reading_snapshot& snapshot,
                                                         std::chrono::sys_seconds now,
                                                         const work_calendar& cal,
                                                         const reading_settings& settings = {});

}  // namespace kv::bot
