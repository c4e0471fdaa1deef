#pragma once
// The daemon's IMAP reader: the configured mailbox read on its own thread (mailbox_reader),
// each message through the same inbound path as `mail ingest`, with the thread's own store
// connection to the same database file. Handled mail goes to the processed folder; malformed
// or oversized mail to the failed folder; a message whose outcome could not be stored stays in
// the inbox for the next round.
//
// start() and stop() are called from one thread (serve); stop() waits for the reader to finish
// the message in hand. Never throws after start(): failures are logged and retried.

#include <memory>
#include <thread>

#include "adapters/email/imap/mailbox_reader.hpp"
#include "bot/dialog/bot.hpp"
#include "daemon/config/settings.hpp"
#include "daemon/email/inbound.hpp"

namespace kv::daemon {

// Where the IMAP reader files a message with this outcome.
email::handled_message imap_verdict(const inbound_outcome& o);

// Reader options from [email]; nullopt (with `error` set) when imap_url does not parse.
std::optional<email::mailbox_reader_options> mailbox_reader_options_from(const email_settings& s,
                                                                         std::string& error);

class imap_inbound_service {
  public:
    // `brain` must outlive the service. Throws std::invalid_argument for an unusable imap_url.
    imap_inbound_service(const settings& cfg, const bot::bot& brain);
    ~imap_inbound_service();
    imap_inbound_service(const imap_inbound_service&) = delete;
    imap_inbound_service& operator=(const imap_inbound_service&) = delete;

    void start();
    void stop() noexcept;

  private:
    settings cfg_;
    const bot::bot& brain_;
    std::unique_ptr<email::mailbox_reader> reader_;
    std::unique_ptr<store> db_;
    std::unique_ptr<inbound_mail> inbound_;
    std::thread thread_;
};

}  // namespace kv::daemon
