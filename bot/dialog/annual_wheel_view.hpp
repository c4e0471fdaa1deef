#pragma once
// `årshjul`: the next occurrences of the annual wheel items a person is reminded of (their
// committees' meetings, reports and reviews, and those owned by their role), with date and time
// in Oslo, title, committee and kind; a polite explanation for people in no committee.

#include <string_view>

#include "bot/dialog/context.hpp"

namespace kv::bot {

// Replies with the list; reads only, changes nothing.
void show_annual_wheel(context& ctx, std::string_view rest);

}  // namespace kv::bot
