#pragma once
// ISO 8601 instants as `remind --at` takes them and its JSON lines print them.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace kv::daemon {

// "2027-03-25T07:00:00+01:00" or "...Z"; seconds may be left out ("2027-03-25T07:00+01:00").
// nullopt for anything else, including dates that do not exist.
std::optional<std::chrono::sys_seconds> parse_iso_instant(std::string_view text);

// The instant in Oslo time with its offset: "2027-03-30T08:00:00+02:00".
std::string format_iso_oslo(std::chrono::sys_seconds t);

}  // namespace kv::daemon
