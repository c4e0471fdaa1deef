#pragma once
// Group commit on the store thread. Inbound events handed in from any thread are queued, and one
// task on the store thread commits everything queued so far in one transaction
// (store::handle_many). While that transaction waits for its fsync, new events queue up and go
// together in the next one: under load many filings share one durable commit, while a lone
// event is committed at once, as store::handle would.
//
// Thread-safety: submit() may be called from any thread. `post` must run its function on the
// store's thread (the only thread that uses the store). Each completion runs there, after the
// commit that holds its event, or with the failure that rolled it back; completions must not
// throw.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <vector>

#include "bot/events.hpp"
#include "daemon/store/store.hpp"

namespace kv::daemon {

class group_commit {
  public:
    using done_fn = std::function<void(handle_result result, std::exception_ptr error)>;
    using post_fn = std::function<void(std::function<void()>)>;
    using clock_fn = std::function<std::chrono::sys_seconds()>;

    // At most `max_batch` events go in one transaction, so one commit stays short.
    group_commit(store& db, post_fn post, clock_fn now, std::size_t max_batch = 256);

    void submit(bot::inbound_event ev, store::decide_fn decide, done_fn done);

    // Transactions committed, and events handled in them, so far.
    std::uint64_t commits() const noexcept { return commits_.load(); }
    std::uint64_t events() const noexcept { return events_.load(); }

  private:
    struct job {
        bot::inbound_event ev;
        store::decide_fn decide;
        done_fn done;
    };
    void drain();

    store& db_;
    post_fn post_;
    clock_fn now_;
    std::size_t max_batch_;
    std::mutex mutex_;
    std::vector<job> queue_;
    bool scheduled_ = false;  // a drain is posted or running
    std::atomic<std::uint64_t> commits_{0};
    std::atomic<std::uint64_t> events_{0};
};

}  // namespace kv::daemon
