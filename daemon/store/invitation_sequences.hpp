#pragma once
// The SEQUENCE (RFC 5545 section 3.8.7.4) of each meeting invitation sent, per event UID and
// recipient: an invitation for an occurrence whose time, duration or title changed since the last
// one sent to that person carries a higher SEQUENCE, so the calendar client updates the meeting
// instead of adding a second one.

#include <chrono>
#include <string>

#include "daemon/store/sqlite.hpp"

namespace kv::daemon {

// The SEQUENCE for an invitation of `uid` to `recipient` whose event now reads `version` (what
// counts as a change: time, duration, title): 0 the first time, the same as last time when
// unchanged (a retried send), one more when changed. Recorded on `db` in the caller's transaction
// (the email sender's batch, so it commits with the mail's other records), or on its own when
// none is open. Throws store_error when the database fails.
int next_invitation_sequence(database& db, const std::string& uid, const std::string& recipient,
                             const std::string& version, std::chrono::sys_seconds now);

}  // namespace kv::daemon
