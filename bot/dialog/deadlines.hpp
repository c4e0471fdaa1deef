#pragma once
// `frister`: a person's own upcoming and overdue deadlines, earliest first: reviews of the
// procedures they are revision owner of, open measures they are responsible for, and, for
// leaders and deputies, new cases in their units with the date they should be received by.

#include <string_view>

#include "bot/dialog/context.hpp"

namespace kv::bot {

// Replies with the list (or that there is nothing); reads only, changes nothing.
void list_my_deadlines(context& ctx, std::string_view rest);

}  // namespace kv::bot
