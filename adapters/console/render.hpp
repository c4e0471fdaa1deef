#pragma once
// Renders the bot's messages as plain text for a terminal or a pipe, numbering the actions so
// that typing a number presses the button.

#include <string>
#include <vector>

#include "bot/message/message.hpp"

namespace kv::console {

// Appends `m` as text to `out`; its actions get the numbers after those already in `numbered`,
// and are appended there.
void render(const bot::message& m, std::string& out, std::vector<bot::action>& numbered);

}  // namespace kv::console
