#pragma once
// The calendar feeds the daemon has handed out: one row per feed id ("person:<email>" or
// "committee:<id>") with the generation its current token is made from (see feed_token.hpp).
// No token is stored. Runs on the caller's connection: one thread at a time; every function
// throws store_error when the database fails, and writes nothing then.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "daemon/store/sqlite.hpp"

namespace kv::daemon {

struct calendar_feed_row {
    std::int64_t key = 0;
    std::string feed_id;
    std::int64_t generation = 1;
};

std::string person_feed_id(std::string_view email);
std::string committee_feed_id(std::string_view committee_id);

// Who asked for a feed, for the audit record ("calendar.issue", "calendar.rotate") written in
// the same transaction as the change: a person on a channel, or the system.
struct feed_requester {
    std::string email;  // empty: the system
    std::string via = "system";
};

// The feed's row, created (generation 1, audited) when it has none.
calendar_feed_row ensure_calendar_feed(database& db, std::string_view feed_id,
                                       const feed_requester& who, std::chrono::sys_seconds now);

// Moves the feed to its next generation (creating it when missing), audited, and returns the
// new row: every token made before stops working.
calendar_feed_row rotate_calendar_feed(database& db, std::string_view feed_id,
                                       const feed_requester& who, std::chrono::sys_seconds now);

std::optional<calendar_feed_row> find_calendar_feed(database& db, std::int64_t key);

}  // namespace kv::daemon
