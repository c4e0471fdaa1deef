#pragma once
// The meeting invitation a wheel reminder carries: for a reminder message about a meeting (or
// review) occurrence of the annual wheel (subject key "wheel:<item id>:<YYYY-MM-DD>"), an
// iCalendar METHOD:REQUEST object with the occurrence under the same UID as in every feed, the
// committee's facilitator (else its chair, else the bot's own address) as organizer and the
// recipient as attendee. Its SEQUENCE comes from the sequence source when one is given (else 0):
// higher once the occurrence's time, duration or title changed since the last invitation to that
// person. Immutable after construction; safe to share between threads.

#include <chrono>
#include <functional>
#include <string>

#include "bot/message/message.hpp"
#include "daemon/calendar/icalendar.hpp"
#include "daemon/config/settings.hpp"
#include "daemon/schedule/scheduler.hpp"
#include "daemon/store/sqlite.hpp"

namespace kv::daemon {

// The SEQUENCE for an invitation of `uid` to `recipient` whose event reads `version` now.
using sequence_source = std::function<int(const std::string& uid, const std::string& recipient,
                                          const std::string& version)>;

class meeting_invitations {
  public:
    explicit meeting_invitations(schedule_config cfg) : cfg_(std::move(cfg)) {}

    // The invitation for `m` sent to `to` at `stamp`; empty when `m` is not about a meeting or
    // review occurrence of this wheel. Throws what write_icalendar and `sequences` throw.
    std::string for_message(const bot::message& m, const calendar_person& to,
                            const calendar_person& bot, std::chrono::sys_seconds stamp,
                            const sequence_source& sequences = {}) const;

  private:
    schedule_config cfg_;
};

// What the email sender calls per mail, inside its batch transaction on `db`:
// (db, message, recipient, sender) -> invitation or "".
using invitation_writer = std::function<std::string(
    database& db, const bot::message&, const calendar_person&, const calendar_person&)>;

// An invitation writer over the organisation and wheel that `cfg` names, read now; one that
// writes none when there is no wheel or it does not load (the scheduler reports why). The
// SEQUENCE sent per UID and recipient is kept in the store (next_invitation_sequence), recorded
// on the connection the sender passes.
invitation_writer make_invitation_writer(const settings& cfg);

}  // namespace kv::daemon
