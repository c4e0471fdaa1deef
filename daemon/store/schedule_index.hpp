#pragma once
// What the scheduler keeps between its runs, so that a run decides only the procedures and cases
// that may have something newly due: per item the first instant after the last run at which a
// step of it falls due, the items changed since (recorded by triggers on their tables), and the
// run itself. A filing writes none of it: a case filed since the last run is one whose id is
// above the highest that run saw. Same threading rules as the store: one thread at a time.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bot/domain/model.hpp"
#include "bot/domain/procedure.hpp"
#include "daemon/store/sqlite.hpp"

namespace kv::daemon {

struct schedule_progress {
    std::chrono::sys_seconds evaluated_at{};    // the latest instant a run enqueued for
    std::chrono::sys_seconds complete_until{};  // every item with a step due by then is indexed
    std::string fingerprint;                    // of the rules and organisation it decided by
    std::int64_t last_case_id = 0;              // the highest case id it saw
};

// The last recorded run; nullopt when none was (a new store, or after forget_schedule_progress).
// Throws store_error.
std::optional<schedule_progress> load_schedule_progress(database& db);

// A fingerprint of the organisation as the reminder rules read it: each unit's place in the tree,
// leader, deputy and whether active; each person's unit and whether active. Changes when any of
// these does, so a run after such a change decides everything again. Throws store_error.
std::string organisation_fingerprint(database& db);

// What may have something due at `at` that a run has not decided yet: the items whose indexed
// next step is at or before `at`, the items changed since (any step, past or future, may be new
// for them), and the cases with an id above `last_case_id`. Read in the caller's transaction.
struct schedule_candidates {
    std::vector<std::string> procedure_ids;  // sorted, unique
    std::vector<std::int64_t> case_ids;      // sorted, unique
    std::int64_t last_change = 0;            // the newest change read (0: none)
    std::int64_t last_case_id = 0;           // the highest case id in the store
};
schedule_candidates load_schedule_candidates(database& db, std::chrono::sys_seconds at,
                                             std::int64_t last_case_id);

// The newest change and the highest case id, without the candidates: what a run that decides
// everything records. Read in the caller's transaction. Throws store_error.
schedule_candidates schedule_watermarks(database& db);

// The cases with these ids that are open in an active unit, whole, with their measures, ordered by
// id. Throws store_error.
std::vector<bot::deviation_case> open_cases_with_ids(database& db,
                                                     const std::vector<std::int64_t>& ids);

// One item's next step after a run: nullopt when it has none (it leaves the index).
struct schedule_item_next {
    std::string subject;  // a procedure id; a case id in decimal
    std::optional<std::chrono::sys_seconds> at;
};

// Records a run in one transaction. `rebuild`: the index is replaced by the items given (a run
// that decided everything). Otherwise the items given are updated, and the changes up to
// `last_change` are forgotten (those after it were made after the run read, and stay). The
// progress never moves back: an earlier run recorded after a later one keeps the later instant.
// Throws store_error; nothing is recorded then.
void record_schedule_run(database& db, const schedule_progress& progress, bool rebuild,
                         const std::vector<schedule_item_next>& procedures,
                         const std::vector<schedule_item_next>& cases, std::int64_t last_change);

// Forgets the recorded run, so the next run decides everything again. Throws store_error.
void forget_schedule_progress(database& db);

}  // namespace kv::daemon
