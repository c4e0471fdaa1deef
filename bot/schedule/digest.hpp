#pragma once
// The daily digest: for a person who chose it (`sammendrag daglig`), every non-urgent reminder
// is held for the next digest and delivered with the others in ONE message at the start of a
// working day (08:00 Oslo by default), grouped by kind with a heading each. Urgent reminders
// are never held. Pure.
//
// A reminder deliverable at the start of working day D (or earlier) goes in D's digest; one
// deliverable later in the day waits for the next working day's. D's digest falls due at local
// midnight of D, like every other morning reminder, and carries the dedupe keys of what it
// holds (`covers`). Its own key names the day and a fingerprint of those keys, so computing the
// same digest again gives the same key, and something that falls due after D's digest was
// enqueued is never swallowed by it.

#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "bot/ports.hpp"
#include "bot/schedule/reminder.hpp"
#include "bot/schedule/work_calendar.hpp"

namespace kv::bot {

// The local date of the digest a reminder deliverable at `deliver_at` goes in.
std::chrono::year_month_day digest_day(std::chrono::sys_seconds deliver_at,
                                       const work_calendar& cal);

// `fresh` (reminders not enqueued before) with the non-urgent ones of `digest_people` replaced
// by their digests: those whose digest is due at `now` are carried by ONE digest per person
// (after an outage, the days missed are caught up in that one, named by the day it goes out); those
// whose digest is not yet due are held back (left out, to be computed again later). Everyone
// else's reminders pass through unchanged, in input order, followed by the digests by person.
// `org` (may be null) gives each person's language.
std::vector<due_reminder> apply_daily_digest(std::vector<due_reminder> fresh,
                                             const std::set<std::string>& digest_people,
                                             std::chrono::sys_seconds now, const work_calendar& cal,
                                             const directory* org);

// `digest` (a digest's message) said again with only `lines` (kinds and order as before): the
// title stays, and so does its language. nullopt when no line is left: the digest has nothing to
// say and is not sent.
std::optional<message> digest_without_cancelled(const message& digest,
                                                const std::vector<digest_line>& lines);

}  // namespace kv::bot
