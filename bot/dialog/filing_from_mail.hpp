#pragma once
// Filing a deviation from one written message with a subject and a body (an email to the
// deviation address): the guided form's rules in one step. What the text does not say is
// filed with the form's defaults, and the answer says what was understood and how to add the
// rest by replying.

#include <string_view>

#include "bot/decision.hpp"
#include "bot/events.hpp"
#include "bot/ports.hpp"
#include "bot/settings.hpp"

namespace kv::bot {

// Files a case for the sender of `ev` (an active person) with `subject` as the first line of
// the description and `body` after it, redacted as everywhere. Refuses (a reply, nothing
// stored) when both are empty or together longer than settings.max_message_chars, or when the
// sender is unknown or inactive. Pure; throws only what the ports throw.
decision file_from_mail(const inbound_event& ev, std::string_view subject, std::string_view body,
                        const directory& dir, const repository& repo, const bot_settings& settings,
                        time_point now);

}  // namespace kv::bot
