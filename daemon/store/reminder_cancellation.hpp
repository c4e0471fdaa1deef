#pragma once
// Acting stops the chase: when a decision settles what a reminder chases, the reminders for it
// that wait in the outbox (pending, e.g. deferred to the next working morning) are cancelled in
// the decision's own transaction, so they are never sent:
//   - a case received, closed or forwarded: its "not received" reminders and escalations
//     (kind deviation_followup);
//   - a measure done: its overdue reminders; a measure whose due date moved: those of the old date;
//   - a procedure reviewed, given a new version or deleted: its review reminders of the old round;
//   - a person's reading list fully confirmed: their unread-reminders.
// Reminders are found by their dedupe key (bot::make_dedupe_key). A cancelled row keeps its key,
// so the scheduler never enqueues it again, and an audit record per subject says how many were
// cancelled. A digest that already carries a reminder is left as it is.

#include <chrono>
#include <string>

#include "bot/decision.hpp"
#include "daemon/store/sqlite.hpp"

namespace kv::daemon::detail {

// Runs inside the caller's transaction, after the decision's writes. Throws store_error.
void cancel_settled_reminders(database& db, const bot::decision& d, const std::string& actor,
                              bot::channel via, std::chrono::sys_seconds now);

}  // namespace kv::daemon::detail
