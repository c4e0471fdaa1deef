#pragma once
// iCalendar recurrence rules (RFC 5545 RRULE values), checked and expanded with libical.
// Dates are local (floating) dates: a rule says "the third Tuesday of March", and the caller
// puts the time of day on it in Oslo time. Thread-safe: no state is shared between calls.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kv::daemon {

// Why `rule` is not a usable recurrence rule, or nullopt when it is.
std::optional<std::string> rrule_error(std::string_view rule);

// The dates the rule gives from `dtstart` on that lie in [from, to], in order. An invalid rule
// gives none (check with rrule_error first). At most `limit` dates.
std::vector<std::chrono::year_month_day> rrule_dates(std::string_view rule,
                                                     std::chrono::year_month_day dtstart,
                                                     std::chrono::year_month_day from,
                                                     std::chrono::year_month_day to,
                                                     std::size_t limit = 10000);

}  // namespace kv::daemon
