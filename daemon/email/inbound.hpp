#pragma once
// Inbound email: one code path from the bytes of a message to its outcome, used by the IMAP
// reader and by `kvalitetsvakt mail ingest`. It parses, drops duplicates, ignores auto-replies
// and bounces (marking bounced addresses as failing), refuses what is too large, unknown or not
// authenticated, finds the mail a reply answers (plus-address token, then In-Reply-To and
// References) and routes it by what that mail was about: a case (MOTTATT, LUKK, information), an
// approval request (GODKJENN, AVVIS), a procedure-review reminder ("Ingen endring"), a
// reading-list mail ("Lest"); a reply to any other mail is answered and changes nothing. It files
// new mail to the deviation address, and hands everything else to the bot through the store like
// any other channel. Answers go to the outbox on the email channel,
// rate-limited per sender; auto-replies and bounces are never answered.
// Uses its store from one thread at a time; not thread-safe. Throws store_error when the
// database fails (nothing of that message is then stored, so it can be offered again).

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "adapters/email/trust/automatic_mail.hpp"
#include "adapters/email/trust/reply_rate_limit.hpp"
#include "adapters/email/trust/sender_trust.hpp"
#include "bot/dialog/bot.hpp"
#include "daemon/config/settings.hpp"
#include "daemon/store/store.hpp"

namespace kv::daemon {

// The outcome of one message, as `mail ingest` prints it.
struct inbound_outcome {
    std::string message_id;  // without angle brackets; "sha256:<hex>" for mail without one
    std::string from;        // lower case; empty when the message has no From mailbox
    std::string outcome;     // deviation_created, reply_recorded, approval_recorded,
                             // ignored_autoreply, ignored_bounce, rejected_unverified,
                             // rejected_unknown_sender, rejected_too_large, not_understood,
                             // duplicate
    std::string case_id;     // empty: none
    std::string detail;      // short English; never message content
};

// {"message_id":..,"from":..,"outcome":..,"case":..|null,"detail":..} without a newline.
std::string to_json_line(const inbound_outcome& o);

struct inbound_options {
    email::trust_settings trust;
    email::automatic_settings automatic;
    email::reply_rate_limit answers;
    std::size_t max_bytes = 10 * 1024 * 1024;
    std::string deviation_address;  // lower case
};

inbound_options inbound_options_from(const email_settings& s);

class inbound_mail {
  public:
    // `db` and `brain` must outlive this object.
    inbound_mail(store& db, const bot::bot& brain, inbound_options options);

    // Handles one message completely (committed before it returns). Never throws for bad
    // input; throws store_error when the database fails.
    inbound_outcome handle(std::string_view raw, std::chrono::sys_seconds now);

  private:
    store& db_;
    const bot::bot& brain_;
    inbound_options options_;
};

}  // namespace kv::daemon
