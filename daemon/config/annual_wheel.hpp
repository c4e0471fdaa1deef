#pragma once
// Reading the annual wheel file named by [schedule] annual_wheel.
//
// Shape of the file:
//
//     default_lead_times = ["14d", "2d", "0d"]   # for items without their own; "0d": the morning
//     of
//
//     [[item]]                      # id, title, kind, rrule and an owner required
//     id = "ku-helse-mote"          # unique; letters, digits, '-', '_' and '.'
//     title = "Møte i kvalitetsutvalget i Helse og omsorg"
//     kind = "meeting"              # meeting, deadline, report, review or audit
//     committee = "ku-helse"        # the owner: a committee of the organisation ...
//     # role = "quality_coordinator"  # ... or everyone with a person role (not both)
//     rrule = "FREQ=YEARLY;BYMONTH=3,5,9;BYDAY=1TU"   # RFC 5545, expanded with libical
//     starts = "2026-01-01"         # DTSTART date; default 2026-01-01
//     time = "12:00"                # Oslo local time, default 09:00
//     duration_minutes = 120        # default 0
//     lead_times = ["14d", "2d", "0d"]  # whole days before, 0..366; default default_lead_times
//     agenda = ["Kvalitetsindikatorer og resultater", "Åpne avvik og risiko"]
//
// Errors name the file, the line and the element by its 0-based index (`item[3].rrule`).

#include <filesystem>
#include <optional>
#include <vector>

#include "bot/schedule/wheel.hpp"
#include "daemon/config/config_error.hpp"
#include "daemon/config/organisation.hpp"

namespace kv::daemon {

struct annual_wheel_result {
    std::optional<bot::annual_wheel> value;
    std::vector<config_error> errors;
};

// Reads and validates the wheel: required keys and types, unique ids, recurrence rules libical
// accepts, owners that are committees of `org` or known person roles, lead times on every item.
// Returns all errors found, in line order. Completes synchronously; throws only std::bad_alloc.
annual_wheel_result load_annual_wheel(const std::filesystem::path& file, const organisation& org);

}  // namespace kv::daemon
