#pragma once
// A pending digest said again without the reminders cancelled after it was enqueued. A digest
// records, per reminder it carries, that reminder's line (digest_members.line) and whether it was
// cancelled since; this is what lets the outbox row be rewritten, or cancelled once nothing is
// left. Used inside the caller's transaction, on the store's connection (one thread at a time).

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "bot/schedule/reminder.hpp"
#include "daemon/store/sqlite.hpp"

namespace kv::daemon::detail {

// The line `digest` says of the reminder with `covered_key`, as stored; empty when it has none.
// Never throws except std::bad_alloc.
std::string digest_line_json(const bot::due_reminder& digest, const std::string& covered_key);

// Which cancellation (by index) takes a carried reminder, given its key; nullopt: none.
using digest_match = std::function<std::optional<std::size_t>(const std::string& key)>;

// Leaves the carried reminders that `match` takes out of the pending digest in outbox row
// `outbox_id` (of `recipient`, dedupe key `digest_key`): they are marked cancelled, and the row's
// message is said again without them, or the row is cancelled when none is left. A digest from
// before lines were kept is only cancelled when none is left. Calls `taken(index)` once per
// reminder left out; returns whether the digest itself was cancelled. Throws store_error.
bool leave_out_of_digest(database& db, std::int64_t outbox_id, const std::string& recipient,
                         const std::string& digest_key, const digest_match& match,
                         const std::function<void(std::size_t)>& taken);

}  // namespace kv::daemon::detail
