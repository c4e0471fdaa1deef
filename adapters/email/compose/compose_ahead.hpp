#pragma once
// Composes a list of mails in order on a helper thread, so the caller can send mail i while
// mail i + 1 is being composed (compose and the SMTP round trips then overlap).
//
// Thread-safety: take() may be called from several threads (each i by one of them); the helper
// thread only reads the mails it was given, which must outlive the object and stay unchanged. The
// destructor stops the helper after the mail in hand and joins it. With one mail or fewer to
// compose, no thread is started and take() composes on the caller's thread.

#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "adapters/email/compose/outgoing_mail.hpp"

namespace kv::email {

struct composed_mail {
    std::string raw;            // the whole message, when error is empty
    std::string error;          // what compose_message threw
    bool invalid_mail = false;  // the error was a compose_error: the mail can never be written
};

class compose_ahead {
  public:
    // Composes mails[i] for every i where wanted[i] (same size as mails).
    compose_ahead(const std::vector<outgoing_mail>& mails, std::vector<bool> wanted);
    ~compose_ahead();
    compose_ahead(const compose_ahead&) = delete;
    compose_ahead& operator=(const compose_ahead&) = delete;

    // Mail i, composed; waits for the helper when it has not got there yet. Each wanted i may
    // be taken once, in any order. Never throws for a mail that cannot be composed: that is in
    // the result.
    composed_mail take(std::size_t i);

  private:
    void run();

    const std::vector<outgoing_mail>& mails_;
    std::vector<bool> wanted_;
    std::vector<composed_mail> results_;
    std::mutex mutex_;
    std::condition_variable ready_;
    std::size_t done_ = 0;  // mails [0, done_) are composed (or not wanted)
    bool stopping_ = false;
    std::thread helper_;  // last: started once the members above exist
};

}  // namespace kv::email
