#pragma once
// The email channel's sender: renders an outbox row as a mail (adapters/email/compose), with
// a Reply-To plus-address token and threading headers per recipient and case
// (daemon/store/email_threads) and one signed link per action (daemon/store/email_links), and
// hands it to a transport: SMTP, or the .eml folder when no server is configured.
//
// A resent row is the same mail: its Message-ID, token and links are derived from the row, so
// a retry after a transient failure never shows up as a second, different message.
// Runs on the delivery thread with that thread's own store; not thread-safe, except that
// send_prepared() may run on another thread than prepare_batch(), at the same time.

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "adapters/email/compose/compose_ahead.hpp"
#include "adapters/email/compose/outgoing_mail.hpp"
#include "adapters/email/smtp/mail_transport.hpp"
#include "daemon/config/settings.hpp"
#include "daemon/delivery/channel_sender.hpp"

namespace kv::daemon {

struct email_link;

struct email_sender_options {
    email::mailbox from;
    std::string reply_local_part;  // replies go to <reply_local_part>+<token>@<reply_domain>
    std::string reply_domain;
    std::string message_id_domain;
    std::string link_secret;  // empty: no links, reply keywords only
    std::string public_base_url;
    std::chrono::days link_lifetime{14};
    // How long to wait before trying again when the server refuses our login or TLS cannot be
    // set up: an operator has to fix something, retrying every few seconds helps nobody.
    // make_email_sender makes it 1 minute with an oauth2_token_file, which is kept fresh.
    std::chrono::seconds retry_after_setup_failure{15 * 60};
    // Whether Teams delivers (teams.enabled): a person whose address bounced is then handed to
    // Teams when we have a conversation with them; otherwise to the console channel.
    bool teams_delivers = false;
    std::function<std::chrono::sys_seconds()> clock;  // empty: the system clock
    // The meeting invitation (iCalendar, METHOD:REQUEST) a message carries to `to` from `from`,
    // or "" for none; empty: no invitations. Called on the delivery thread, inside the batch's
    // record transaction on `db`, where it may record what it sent.
    std::function<std::string(database& db, const bot::message&, const email::mailbox& to,
                              const email::mailbox& from)>
        calendar_invitation;
};

email_sender_options email_sender_options_from(const email_settings& s);

// The transport the settings ask for: smtp_client for an smtp_url, else the .eml folder.
// Throws std::invalid_argument for an unusable smtp_url (load_settings already refuses those).
std::unique_ptr<email::mail_transport> make_mail_transport(const email_settings& s);

class email_sender final : public channel_sender {
  public:
    // `db` and `transport` must outlive the sender and are used only inside deliver().
    email_sender(store& db, email::mail_transport& transport, email_sender_options options);
    // A batch is spread over the transports (one SMTP connection each), each used by one
    // thread at a time; none may be null. Throws std::invalid_argument for an empty list.
    email_sender(store& db, std::vector<email::mail_transport*> transports,
                 email_sender_options options);

    bot::channel channel() const override { return bot::channel::email; }

    // use_fallback, without mailing, while the recipient's address is marked failing (a bounce
    // came back for it): to Teams when teams_delivers and a conversation with the person is
    // stored, else to the console channel.
    // delivered when the server (or the folder) took the mail; retry_later for transient
    // failures (connection, 4xx) and, after retry_after_setup_failure, for login and TLS
    // failures; failed_permanently when the server rejects the recipient or message (5xx) or
    // the row cannot be written as mail. Never throws: a store failure is retry_later.
    delivery_outcome deliver(const outbox_item& item) override;

    // As deliver() for each row, with the batch's threads and links recorded in one
    // transaction before its first mail is sent, and each mail composed while the one before
    // it is on the wire. When the records cannot be written, nothing is sent and every row
    // (but those handed to a fallback) is retry_later. With several transports the mails go
    // out over all of them at once, and stop_requested is called from their threads.
    std::vector<delivery_outcome> deliver_batch(
        const std::vector<outbox_item>& items,
        const std::function<bool()>& stop_requested) override;

    // deliver_batch() in its two steps. prepare_batch() records the threads and links (the
    // store); send_prepared() only composes and sends, so it may run on another thread while
    // the next batch is prepared.
    bool overlaps_store_work() const override { return true; }
    std::unique_ptr<prepared_batch> prepare_batch(const std::vector<outbox_item>& items) override;
    std::vector<delivery_outcome> send_prepared(
        const std::vector<outbox_item>& items, std::unique_ptr<prepared_batch> prepared,
        const std::function<bool()>& stop_requested) override;

  private:
    // Fills decided[i] for rows answered without mailing (bounced address; a mail that cannot
    // be made), mails[i] for the others, and records their threads and links. Throws
    // store_error, and then nothing is recorded.
    void record_batch(const std::vector<outbox_item>& items,
                      std::vector<std::optional<delivery_outcome>>& decided,
                      std::vector<email::outgoing_mail>& mails);
    std::optional<delivery_outcome> bounced(const std::string& recipient);
    // Sends one composed mail; thread-safe for different transports.
    delivery_outcome send_one(email::mail_transport& transport, const email::outgoing_mail& mail,
                              const email::composed_mail& composed);
    email::outgoing_mail mail_for(const outbox_item& item, const std::string& name,
                                  std::chrono::sys_seconds now, std::string& subject_key,
                                  std::vector<email_link>& links);

    store& db_;
    std::vector<email::mail_transport*> transports_;
    email_sender_options options_;
};

// The email sender for the delivery worker, owning what it needs: its own store connection to
// cfg.store.database and the transport cfg.email asks for, both made on the first deliver()
// (so on the delivery thread). If they cannot be made, deliver() answers retry_later.
// `calendar_invitation` as in email_sender_options.
std::unique_ptr<channel_sender> make_email_sender(
    const settings& cfg,
    decltype(email_sender_options::calendar_invitation) calendar_invitation = {});

}  // namespace kv::daemon
