#pragma once
// The SEQUENCE (RFC 5545 section 3.8.7.4) of each meeting invitation sent, per event UID and
// recipient: an invitation for an occurrence whose time, duration or title changed since the last
// one sent to that person carries a higher SEQUENCE, so the calendar client updates the meeting
// instead of adding a second one. Owns its own connection to the store's database, opened on first
// use. Thread-safe (one lock around each call).

#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "daemon/store/store.hpp"

namespace kv::daemon {

class invitation_sequences {
  public:
    explicit invitation_sequences(store_options opts);
    ~invitation_sequences();
    invitation_sequences(const invitation_sequences&) = delete;
    invitation_sequences& operator=(const invitation_sequences&) = delete;

    // The SEQUENCE for an invitation of `uid` to `recipient` whose event now reads `version`
    // (what counts as a change: time, duration, title): 0 the first time, the same as last time
    // when unchanged (a retried send), one more when changed. Recorded before it returns, in one
    // transaction. Throws store_error when the database fails (then nothing is recorded).
    int next(const std::string& uid, const std::string& recipient, const std::string& version,
             std::chrono::sys_seconds now);

  private:
    store_options opts_;
    std::mutex mutex_;
    std::unique_ptr<store> db_;
};

}  // namespace kv::daemon
