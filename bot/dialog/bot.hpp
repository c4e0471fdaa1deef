#pragma once
// The bot: decides what to do with one inbound event, given read-only views of the
// organisation and the cases. Pure: no I/O, no clock of its own; the daemon commits the decision.

#include <memory>

#include "bot/decision.hpp"
#include "bot/events.hpp"
#include "bot/ports.hpp"
#include "bot/schedule/wheel.hpp"
#include "bot/settings.hpp"

namespace kv::bot {

class bot {
  public:
    // `wheel` (shared, may be null: no annual wheel) answers `årshjul`.
    explicit bot(bot_settings settings, std::shared_ptr<const wheel_calendar> wheel = nullptr)
        : settings_(std::move(settings)), wheel_(std::move(wheel)) {}

    // Never throws for bad input: an unknown person, an unknown command, a refused action all
    // become replies (and audit records). Throws only std::bad_alloc or what the ports throw.
    decision decide(const inbound_event& ev, const directory& dir, const repository& repo,
                    time_point now) const;

    const bot_settings& settings() const { return settings_; }

  private:
    bot_settings settings_;
    std::shared_ptr<const wheel_calendar> wheel_;
};

}  // namespace kv::bot
