#pragma once
// The quality library in the store: procedures imported from the library's export, their review
// history, approvals and reading confirmations. Tables from schema version 4. Functions here use
// the store's connection and follow its rules: one thread at a time, every write one IMMEDIATE
// transaction, store_error when the database fails (and then nothing is written).

#include <chrono>
#include <cstddef>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "bot/domain/procedure.hpp"
#include "daemon/store/store.hpp"

namespace kv::daemon {

// What import_procedures did, by procedure id.
struct procedure_import_report {
    std::vector<std::string> added, changed, removed, unchanged;
    // Review reminders of a round the import made past (a review recorded elsewhere, a new
    // interval, a retired procedure) that waited in the outbox, now cancelled.
    std::size_t reminders_cancelled = 0;
};

// Makes the active library match `library` (the whole export): new ids are added, changed rows
// updated, ids no longer in the export retired (kept inactive, with their history), in one
// transaction. A review recorded here after the export was taken is kept: the later of the
// stored and the exported last_reviewed wins. Running it twice with the same file changes
// nothing the second time. Pending review reminders of a round the import made past are
// cancelled in the same transaction (see cancel_superseded_reviews). Throws store_error.
procedure_import_report import_procedures(store& s, const std::vector<bot::procedure>& library,
                                          std::chrono::sys_seconds now);

// Active procedures (or all, when `include_retired`), ordered by id. Throws store_error.
std::vector<bot::procedure> load_procedures(database& db, bool include_retired = false);

// Emails of the active people, which a procedure's owners must be among. Throws store_error.
std::set<std::string> active_person_emails(database& db);

// Ids of the procedures with an approval still pending (not reminded of their review meanwhile).
// Throws store_error.
std::set<std::string> procedures_awaiting_approval(database& db);

// Active procedures not waiting for an approval whose review falls due on or before `last_due`,
// ordered by due date: one index range, however large the library. Throws store_error.
std::vector<bot::procedure> procedures_due_by(database& db, std::chrono::year_month_day last_due);

// The review rounds of active procedures not waiting for an approval, due on or before
// `last_due`: for each distinct due date, the procedure of that date reviewed earliest, carrying
// only its last review and interval. A round's steps depend on nothing else, and the earliest
// review has every lead step any procedure of that date has, so these rounds have every step the
// library has. One index seek per due date, however many procedures share it. Ordered by due
// date. Throws store_error.
std::vector<bot::procedure> review_rounds_due_by(database& db,
                                                 std::chrono::year_month_day last_due);

// The earliest due date after `after` of an active procedure not waiting for an approval;
// nullopt when none. Throws store_error.
std::optional<std::chrono::year_month_day> first_review_due_after(
    database& db, std::chrono::year_month_day after);

// The procedure with `id`, active or retired. Throws store_error.
std::optional<bot::procedure> load_procedure(database& db, const std::string& id);

// The active procedures with these ids, ordered by id; ids not found or retired are left out.
// One index seek each, in one statement. Throws store_error.
std::vector<bot::procedure> active_procedures_with_ids(database& db,
                                                       const std::vector<std::string>& ids);

namespace detail {
// Writes a decision's approvals, procedure changes (each with a history row) and reading-list
// changes, inside the caller's transaction. Throws store_error.
void apply_library_changes(database& db, const bot::decision& d, const std::string& actor,
                           std::chrono::sys_seconds now);
}  // namespace detail

}  // namespace kv::daemon
