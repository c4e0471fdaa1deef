#pragma once
// The chat command `kalender` (`calendar`): answers the person with the URL of their own
// calendar feed, to subscribe to in Outlook; `kalender ny` (`calendar new`) rotates it first,
// so every earlier URL stops working. `kalender <utvalg>` gives a member the committee's feed;
// `kalender ny <utvalg>` rotates it, for its chair or facilitator only. The daemon answers it
// before the bot sees the text,
// because issuing a feed writes to the store and signs with the daemon's secret.
// Runs on the store's thread, outside any transaction; throws store_error.

#include <chrono>
#include <optional>

#include "bot/events.hpp"
#include "bot/message/message.hpp"
#include "daemon/app/app.hpp"

namespace kv::daemon {

// The reply when `ev` is the command from an active person; nullopt for anything else (the bot
// handles it then).
std::optional<bot::message> answer_calendar_command(app& a, const bot::inbound_event& ev,
                                                    std::chrono::sys_seconds now);

}  // namespace kv::daemon
