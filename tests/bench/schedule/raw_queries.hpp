#pragma once
// The baselines the scheduler is measured against: plain indexed SQLite queries, on the same
// connection, that answer the scheduler's two questions for the rows the benchmark fills in
// (default reminder settings, no approvals pending, no reading list, no digests). Each throws
// store_error when the database fails.

#include <chrono>
#include <cstdint>
#include <optional>

#include "daemon/store/sqlite.hpp"

namespace kv::bench {

// The first local midnight after `now` at which a procedure review step (30 and 7 days before,
// weekly while overdue, 14 and 30 days after) or a measure's overdue step falls, computed in SQL.
// The working-day steps of new cases and measure escalations fall at a working morning, never
// before that midnight when `now` is past the morning and new cases are at least 20 days old.
std::optional<std::chrono::sys_seconds> raw_next_due(daemon::database& db,
                                                     std::chrono::sys_seconds now);

// Where the working-day steps stand at `now`, worked out by the benchmark from the calendar.
struct raw_cutoffs {
    std::chrono::sys_seconds new_case_reminded;     // a new case filed by then has its remind-1 due
    std::chrono::sys_seconds new_case_escalated;    // ... and its escalate-1
    std::chrono::year_month_day measure_escalated;  // an open measure due by then: escalate-1 due
};

// The items with a reminder due at `now` that is not in the outbox yet (anti-joined on the
// outbox's recipient and dedupe key, and on digests' carried keys, as the scheduler excludes
// them), and how many such reminders. Each candidate row is read with the columns deciding
// needs, and each due step's key is built in SQL: the revision owner's latest step, the owner's
// and the superior's escalations; a new case's reminder to the unit's leader and deputy and its
// escalation to the leader above; an overdue measure's reminder to the responsible person and
// its escalation to the unit's leader. Default reminder settings, no serious new cases.
struct raw_due_rows {
    std::int64_t procedures = 0;
    std::int64_t cases = 0;
    std::int64_t measures = 0;
    std::int64_t reminders = 0;

    std::int64_t total() const { return procedures + cases + measures; }
};
raw_due_rows raw_fresh_due_at(daemon::database& db, std::chrono::sys_seconds now,
                              const raw_cutoffs& cutoffs);

}  // namespace kv::bench
