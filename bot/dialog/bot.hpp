#pragma once
// The bot: decides what to do with one inbound event, given read-only views of the
// organisation and the cases. Pure: no I/O, no clock of its own; the daemon commits the decision.

#include "bot/decision.hpp"
#include "bot/events.hpp"
#include "bot/ports.hpp"
#include "bot/settings.hpp"

namespace kv::bot {

class bot {
  public:
    explicit bot(bot_settings settings) : settings_(std::move(settings)) {}

    // Never throws for bad input: an unknown person, an unknown command, a refused action all
    // become replies (and audit records). Throws only std::bad_alloc or what the ports throw.
    decision decide(const inbound_event& ev, const directory& dir, const repository& repo,
                    time_point now) const;

    const bot_settings& settings() const { return settings_; }

  private:
    bot_settings settings_;
};

}  // namespace kv::bot
