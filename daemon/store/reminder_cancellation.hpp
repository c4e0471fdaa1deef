#pragma once
// Acting stops the chase: when a decision settles what a reminder chases, the reminders for it
// that wait in the outbox (pending, e.g. deferred to the next working morning) are cancelled in
// the decision's own transaction, so they are never sent:
//   - a case received, closed or forwarded (or first assessed or given a measure, which also
//     take it out of "ny"): its "not received" reminders and escalations (deviation_followup);
//   - a measure marked done: its overdue reminders;
//   - an approval approved or rejected: its reminders (kind approval, subject the approval id);
//   - a procedure reviewed, given a new version or deleted: its review reminders of the old round;
//   - a person's reading list fully confirmed: their unread-reminders.
// Only a decision that records such a transition reads the outbox at all, and then with one scan
// of the pending rows for all its subjects together. Reminders are found by their dedupe key
// (bot::make_dedupe_key). A cancelled row keeps its key, so the scheduler never enqueues it again,
// and an audit record per subject says how many were cancelled. A pending digest that carries a
// cancelled reminder is said again without it, or cancelled when nothing is left
// (daemon/store/digest_lines.hpp).

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "bot/decision.hpp"
#include "daemon/store/sqlite.hpp"

namespace kv::daemon::detail {

// Runs inside the caller's transaction, after the decision's writes. Throws store_error.
void cancel_settled_reminders(database& db, const bot::decision& d, const std::string& actor,
                              bot::channel via, std::chrono::sys_seconds now);

// For procedures an import changed (as now stored) or retired (active false): cancels their
// pending review reminders of every round but the current one (every round, when retired),
// audited as done by the system. Runs inside the caller's transaction; returns how many it
// cancelled. Throws store_error.
std::size_t cancel_superseded_reviews(database& db, const std::vector<bot::procedure>& changed,
                                      std::chrono::sys_seconds now);

}  // namespace kv::daemon::detail
