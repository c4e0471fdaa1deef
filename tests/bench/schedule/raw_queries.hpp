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

// The items with a reminder due at `now`, each row read in full (every column the reminder is
// built from), counted by kind.
struct raw_due_rows {
    std::int64_t procedures = 0;  // within 30 days of their review date, or past it
    std::int64_t cases = 0;       // still new when the leader's reminder falls due
    std::int64_t measures = 0;    // open and past their due date

    std::int64_t total() const { return procedures + cases + measures; }
};
// `new_case_cutoff`: a new case created at or before it has its first reminder due at `now`.
raw_due_rows raw_due_at(daemon::database& db, std::chrono::sys_seconds now,
                        std::chrono::sys_seconds new_case_cutoff);

}  // namespace kv::bench
