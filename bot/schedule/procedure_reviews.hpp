#pragma once
// When procedure reviews are reminded and escalated, as pure functions of the library and `now`.
//
// A review falls due interval_months after the last review (bot::review_due). The revision
// owner is reminded 30 and 7 days before, then every week while it is overdue; the procedure's
// owner is told after 14 days overdue, and the owner's superior after 30 (all configurable).
// Each step falls due at local midnight of its day and is delivered at the next working instant.
// A procedure waiting for an approval (a new version or a deletion) is not reminded.

#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "bot/domain/procedure.hpp"
#include "bot/ports.hpp"
#include "bot/schedule/reminder.hpp"
#include "bot/schedule/work_calendar.hpp"

namespace kv::bot {

struct procedure_review_settings {
    std::vector<int> lead_days{30, 7};      // days before the due date, each 1..365
    int overdue_every_days = 7;             // repeat while overdue, 1..90
    int escalate_owner_after_days = 14;     // days overdue before the owner is told, 0..365
    int escalate_superior_after_days = 30;  // ... and the owner's superior, 0..365
};

// What the rules read: the active procedures, those waiting for an approval, and the
// organisation (owners' units, superiors, names and languages). `org` must outlive the call.
struct procedure_review_snapshot {
    std::vector<procedure> procedures;
    std::set<std::string> awaiting_approval;  // procedure ids
    const directory* org = nullptr;
};

// The reminders due at `now`: per procedure and track (the revision owner's reminders; the
// owner's escalation; the superior's escalation) only the latest step that has fallen due, so a
// late start does not send the 30-day reminder after the 7-day one. Ordered by procedure, then
// step. Not deduplicated: the caller drops keys it has enqueued before. The dedupe key names the
// due date, so the next round after a review starts fresh.
std::vector<due_reminder> procedure_review_reminders(const procedure_review_snapshot& snapshot,
                                                     std::chrono::sys_seconds now,
                                                     const work_calendar& cal,
                                                     const procedure_review_settings& settings = {},
                                                     const reminder_selection& select = {});

// The earliest instant after `now` at which a step of any procedure falls due (before working-
// hours shifting); nullopt when none ever will (no procedures).
std::optional<std::chrono::sys_seconds> procedure_review_next_due(
    const procedure_review_snapshot& snapshot, std::chrono::sys_seconds now,
    const procedure_review_settings& settings = {});

// The same per procedure: for each of the snapshot's procedures, in order, the earliest instant
// after `now` at which a step of it falls due; nullopt for one with none (retired, or waiting
// for an approval).
std::vector<std::optional<std::chrono::sys_seconds>> procedure_review_next_due_each(
    const procedure_review_snapshot& snapshot, std::chrono::sys_seconds now,
    const procedure_review_settings& settings = {});

// The person above `email`: the leader (else deputy) of their unit when they do not lead it
// themselves, else of the unit above. Empty when there is none (the top of the tree).
std::string superior_of(const directory& dir, const std::string& email);

}  // namespace kv::bot
