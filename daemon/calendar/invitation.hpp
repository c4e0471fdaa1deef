#pragma once
// The meeting invitation a wheel reminder carries: for a reminder message about a meeting (or
// review) occurrence of the annual wheel (subject key "wheel:<item id>:<YYYY-MM-DD>"), an
// iCalendar METHOD:REQUEST object with the occurrence under the same UID as in every feed, the
// committee's facilitator (else its chair, else the bot's own address) as organizer and the
// recipient as attendee. Its SEQUENCE comes from the sequence source when one is given (else 0):
// higher once the occurrence's time, duration or title changed since the last invitation to that
// person. Immutable after construction; safe to share between threads when the sequence source
// is.

#include <chrono>
#include <functional>
#include <string>

#include "bot/message/message.hpp"
#include "daemon/calendar/icalendar.hpp"
#include "daemon/config/settings.hpp"
#include "daemon/schedule/scheduler.hpp"

namespace kv::daemon {

// The SEQUENCE for an invitation of `uid` to `recipient` whose event reads `version` now.
using sequence_source = std::function<int(const std::string& uid, const std::string& recipient,
                                          const std::string& version)>;

class meeting_invitations {
  public:
    explicit meeting_invitations(schedule_config cfg, sequence_source sequences = {})
        : cfg_(std::move(cfg)), sequences_(std::move(sequences)) {}

    // The invitation for `m` sent to `to` at `stamp`; empty when `m` is not about a meeting or
    // review occurrence of this wheel. Throws only what write_icalendar throws.
    std::string for_message(const bot::message& m, const calendar_person& to,
                            const calendar_person& bot, std::chrono::sys_seconds stamp) const;

  private:
    schedule_config cfg_;
    sequence_source sequences_;
};

// What the email sender calls per mail: (message, recipient, sender) -> invitation or "".
using invitation_writer =
    std::function<std::string(const bot::message&, const calendar_person&, const calendar_person&)>;

// An invitation writer over the organisation and wheel that `cfg` names, read now; one that
// writes none when there is no wheel or it does not load (the scheduler reports why). The
// SEQUENCE sent per UID and recipient is kept in the store `cfg` names (invitation_sequences).
invitation_writer make_invitation_writer(const settings& cfg);

}  // namespace kv::daemon
