#pragma once
// The meeting invitation a wheel reminder carries: for a reminder message about a meeting (or
// review) occurrence of the annual wheel (subject key "wheel:<item id>:<YYYY-MM-DD>"), an
// iCalendar METHOD:REQUEST object with the occurrence under the same UID as in every feed, the
// committee's facilitator (else its chair, else the bot's own address) as organizer and the
// recipient as attendee. Immutable after construction; safe to share between threads.

#include <chrono>
#include <functional>
#include <string>

#include "bot/message/message.hpp"
#include "daemon/calendar/icalendar.hpp"
#include "daemon/config/settings.hpp"
#include "daemon/schedule/scheduler.hpp"

namespace kv::daemon {

class meeting_invitations {
  public:
    explicit meeting_invitations(schedule_config cfg) : cfg_(std::move(cfg)) {}

    // The invitation for `m` sent to `to` at `stamp`; empty when `m` is not about a meeting or
    // review occurrence of this wheel. Throws only what write_icalendar throws.
    std::string for_message(const bot::message& m, const calendar_person& to,
                            const calendar_person& bot, std::chrono::sys_seconds stamp) const;

  private:
    schedule_config cfg_;
};

// What the email sender calls per mail: (message, recipient, sender) -> invitation or "".
using invitation_writer =
    std::function<std::string(const bot::message&, const calendar_person&, const calendar_person&)>;

// An invitation writer over the organisation and wheel that `cfg` names, read now; one that
// writes none when there is no wheel or it does not load (the scheduler reports why).
invitation_writer make_invitation_writer(const settings& cfg);

}  // namespace kv::daemon
