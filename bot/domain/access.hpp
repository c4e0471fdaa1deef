#pragma once
// Who leads what: a unit's leader and deputy lead it and every unit below it in the tree.

#include <string>
#include <vector>

#include "bot/domain/model.hpp"
#include "bot/ports.hpp"

namespace kv::bot {

// True when `email` is the leader or deputy of `unit_id` or of a unit above it.
bool leads_unit(const directory& dir, const std::string& email, const std::string& unit_id);
// The units `email` leads, directly or through a unit above them. Empty for non-leaders.
std::vector<std::string> units_led_by(const directory& dir, const std::string& email);
// The leader and deputy of `unit_id` (those that are set), without duplicates.
std::vector<std::string> unit_leaders(const directory& dir, const std::string& unit_id);
// Members of every patient and user safety committee.
std::vector<std::string> patient_safety_members(const directory& dir);

}  // namespace kv::bot
