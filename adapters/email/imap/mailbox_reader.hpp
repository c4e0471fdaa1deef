#pragma once
// Reads a mailbox over IMAP (imap_session) and hands each message to a handler: on its own
// thread, by UID, never relying on \Seen. A handled message is flagged \Seen and moved to the
// processed folder; one the handler calls failed goes to the failed folder with the reason
// logged; one it asks to retry stays where it is for the next round. Waits for new mail with
// IDLE when the server offers it (waking at once on new mail) and by polling otherwise; polls
// anyway every poll interval as a safety net. Connection failures are logged and retried with
// a growing pause (up to 5 minutes).
//
// Thread-safety: run() runs on one thread; request_stop() may be called from any thread.
// The handler is called on the run() thread only.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "adapters/email/auth/token_file.hpp"
#include "adapters/email/imap/imap_session.hpp"

namespace kv::email {

enum class message_verdict { processed, failed, retry_later };

struct handled_message {
    message_verdict verdict = message_verdict::processed;
    std::string reason;  // for failed and retry_later: short, logged, never message content
};

struct mailbox_reader_options {
    imap_endpoint endpoint;
    imap_credentials credentials;
    // When set, the XOAUTH2 token of each new connection is read from this file (again when it
    // changed; adapters/email/auth/token_file.hpp) instead of credentials.xoauth2_token. A token
    // that cannot be read fails that connection attempt, logged with the file's name. When the
    // file holds a new token, run() logs out after the current wait and connects with it, so a
    // long IDLE session never outlives its token.
    std::filesystem::path xoauth2_token_file;
    std::string folder = "INBOX";
    std::string processed_folder = "Behandlet";
    std::string failed_folder = "Feilet";
    std::chrono::seconds poll_interval{60};
    std::chrono::seconds timeout{30};  // per network wait
    // Receives one line per notable event (connects, moves, failures). Never message content.
    std::function<void(const std::string&)> log;
};

class mailbox_reader {
  public:
    using handler = std::function<handled_message(const std::string& raw)>;

    mailbox_reader(mailbox_reader_options options, handler on_message);

    // Connects and works until request_stop(); returns then. Never throws: errors are logged
    // and the connection is made again. An exception from the handler counts as retry_later.
    void run();
    void request_stop() noexcept { stop_ = true; }

    // One round without waiting: connect, handle every message in the folder, log out.
    // Returns the number of messages handed to the handler. Throws imap_error.
    std::size_t run_once();

    // Rounds started, and wake-ups by IDLE (for tests and metrics).
    std::size_t rounds() const noexcept { return rounds_; }
    std::size_t idle_wakeups() const noexcept { return idle_wakeups_; }

  private:
    std::size_t drain(imap_session& session);
    void log_in(imap_session& session);
    bool token_changed();
    void log(const std::string& line) const;

    mailbox_reader_options options_;
    handler on_message_;
    std::optional<token_file> tokens_;
    std::string logged_in_token_;
    std::atomic<bool> stop_{false};
    std::atomic<std::size_t> rounds_{0};
    std::atomic<std::size_t> idle_wakeups_{0};
};

}  // namespace kv::email
