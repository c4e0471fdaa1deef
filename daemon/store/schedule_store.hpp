#pragma once
// The scheduler's reads and writes on the store: which reminders are already in the outbox
// (their dedupe key is the record that a reminder was sent, across restarts), and enqueueing
// new ones at their delivery time. Same threading rules as the store: one thread at a time.

#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "bot/domain/approval.hpp"
#include "bot/domain/model.hpp"
#include "bot/domain/procedure.hpp"
#include "bot/schedule/agenda.hpp"
#include "bot/schedule/reminder.hpp"
#include "bot/settings.hpp"
#include "daemon/store/store.hpp"

namespace kv::daemon {

// For each reminder, whether a row with its recipient and dedupe key is already in the outbox
// (pending, delivered, failed or cancelled), or an enqueued digest carried it. Throws store_error.
std::vector<bool> already_enqueued(store& s, const std::vector<bot::due_reminder>& reminders);

// The same question for one reminder at a time, as a source decides it: one index seek each on
// the outbox's (recipient, key) and the digests' carried keys. Reads through `s`, which must
// outlive it; the store must not be written in between. Throws store_error.
class enqueued_keys {
  public:
    explicit enqueued_keys(store& s);
    bool contains(const bot::due_reminder& r) const;

  private:
    statement& find_;
};

// Enqueues the reminders through store::apply, one transaction per delivery instant, each row
// not to be delivered before its deliver_at. Rows whose dedupe key the recipient already has
// are ignored by the outbox, so calling this twice sends nothing twice. A digest's `covers` are
// recorded after its row: a crash in between computes the same digest (same key) again, which
// the outbox ignores, and then records them. Throws store_error; the reminders of the failing
// transaction are then not enqueued.
void enqueue_reminders(store& s, const std::vector<bot::due_reminder>& reminders);

// The unread reading-list entries of the current versions of active procedures, ordered by
// email, assignment time and procedure id. Throws store_error.
std::vector<bot::reading_entry> load_unread_reading(database& db);

// The approvals still waiting for a decision, ordered by id. Throws store_error.
std::vector<bot::approval> load_pending_approvals(database& db);

// Active people who chose the daily digest. Throws store_error.
std::set<std::string> load_daily_digest_people(database& db);

// Open cases in active units that the deviation follow-up may have a step due for: those still
// new and created at or before `new_created_by`, and those with an open measure due before
// `measures_due_before`; ordered by id; two index ranges, however many cases are open. Only what
// deciding reads (bot/schedule/deviation_followup.hpp): id, number, kind, category, unit, state,
// risk and filing time, and the open measures' numbers, responsible people and due dates; no
// texts. Throws store_error.
std::vector<bot::deviation_case> followup_cases_to_decide(
    database& db, std::chrono::sys_seconds new_created_by,
    std::chrono::year_month_day measures_due_before);

// The cases with these human ids (AV-2027-0001), whole, with all their measures, in the order
// given; ids not found are left out. One index seek each. Throws store_error.
std::vector<bot::deviation_case> cases_with_human_ids(database& db,
                                                      const std::set<std::string>& human_ids);

// Open cases in active units still new and created after `after`, with their measures, ordered
// by id. Throws store_error.
std::vector<bot::deviation_case> new_cases_created_after(database& db,
                                                         std::chrono::sys_seconds after);

// The measure rounds whose escalation can be the follow-up's next step, due in [from, to]: for
// each distinct due date, one open measure of an open case in an active unit with a leader or
// deputy to tell, as a received case holding that measure alone. A measure's steps depend only on
// its due date and who is told, so a day with a thousand measures costs one index seek. Ordered
// by due date. Throws store_error.
std::vector<bot::deviation_case> measure_rounds_due(database& db, std::chrono::year_month_day from,
                                                    std::chrono::year_month_day to);

// The first open measure due on or after `from` of an open case in an active unit, with a
// responsible person to remind; as measure_rounds_due shapes it. Throws store_error.
std::optional<bot::deviation_case> first_measure_due_from(database& db,
                                                          std::chrono::year_month_day from);

// The counts a meeting's agenda shows for the open cases of the units `unit_ids`, as
// bot::agenda_counts gives them over their cases (without `more`): one pass over the
// cases' risk columns and one over their late measures, counted as they stream, no case loaded.
// `since`: the previous meeting's start. Throws store_error.
std::vector<bot::agenda_count> agenda_counts_in(database& db,
                                                const std::vector<std::string>& unit_ids,
                                                const bot::bot_settings& rules,
                                                std::optional<std::chrono::sys_seconds> since,
                                                std::chrono::year_month_day late_before);

namespace detail {
// Records the daily-digest choice of a decision's sender (`actor`), inside the caller's
// transaction. Throws store_error.
void apply_digest_choice(database& db, const bot::decision& d, const std::string& actor,
                         std::chrono::sys_seconds now);
}  // namespace detail

}  // namespace kv::daemon
