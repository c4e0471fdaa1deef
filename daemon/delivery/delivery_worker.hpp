#pragma once
// The delivery worker: takes due outbox rows and hands each to its channel's sender, on its own
// thread with its own store connection, so a slow network never stalls the event loop or the
// store thread. Records every outcome in the outbox: delivered, retried later (backoff, or the
// channel's Retry-After), handed to the fallback channel, or given up on (kept, visible).

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "daemon/config/settings.hpp"
#include "daemon/delivery/channel_sender.hpp"
#include "daemon/store/store.hpp"

namespace kv::daemon {

struct delivery_worker_options {
    store_options store;  // the same database file as the rest of the daemon
    delivery_settings delivery;
    // Where a message goes when its channel cannot reach the person (or gives up). Used only
    // when a sender for it is registered.
    bot::channel fallback = bot::channel::email;
    // After a pass failed on a store error, the next one is tried this long after it.
    std::chrono::milliseconds retry_after_error{std::chrono::seconds{5}};
    std::function<std::chrono::sys_seconds()> now;  // empty: the system clock
    // Called once per outcome, e.g. to count deliveries by channel and result.
    std::function<void(bot::channel, std::string_view result)> on_outcome;
};

struct delivery_pass {
    int delivered = 0;
    int retried = 0;
    int rerouted = 0;
    int failed = 0;  // given up on
};

// A row handed over more than max_handovers times (Teams says "use email", email says the
// address bounced and "use Teams") goes to the console channel, where `chat` shows it.
// Owns its senders. Thread-safety: start(), wake() and stop() may be called from any thread;
// run_once() only while the thread is not started (tests, one-shot commands).
// Waiting: between passes the running worker sleeps until wake() or the next instant a row it
// takes falls due (a retry, a not_before), whichever comes first; with nothing to wait for it
// sleeps until woken. Rows committed elsewhere are found only when someone calls wake() (in
// `serve`, the store's commits and a database_watch do).
// Overlap: for a sender whose overlaps_store_work() (email), each batch is sent on a thread of
// its own while the worker's thread marks the batch before it and fetches and prepares the one
// after it; a row is never in two batches at once, so it is sent once in a run without
// failures. The store connection stays on the worker's thread.
// Failure: a store error in a pass is logged and the pass retried after retry_after_error; a
// sender never throws (its contract), and if one does, the row counts as a failed attempt.
class delivery_worker {
  public:
    delivery_worker(delivery_worker_options options,
                    std::vector<std::unique_ptr<channel_sender>> senders);
    ~delivery_worker();  // stops and joins
    delivery_worker(const delivery_worker&) = delete;
    delivery_worker& operator=(const delivery_worker&) = delete;

    // Opens the store connection and starts the thread. Throws store_error when the database
    // cannot be opened.
    void start();
    // New rows were committed: look again now instead of at the next due instant.
    void wake();
    // Finishes the row in hand, then returns; rows not yet taken stay in the outbox.
    void stop();

    // One pass over every row due now, on the calling thread; returns what happened.
    delivery_pass run_once();

    // The channels with a sender, i.e. whose rows this worker takes.
    std::vector<bot::channel> channels() const;

    // For metrics and tests: how many passes the running worker has made. Any thread.
    std::uint64_t passes() const { return passes_.load(); }

  private:
    delivery_pass pass(store& db);
    // One channel's due rows, batch by batch; false when it stopped for stop().
    bool deliver_in_turn(store& db, channel_sender& sender, delivery_pass& counts);
    // The same with the store work of the batches before and after done while a batch is on
    // the wire, for a sender whose overlaps_store_work().
    bool deliver_overlapped(store& db, channel_sender& sender, delivery_pass& counts);
    // The next batch of ch's due rows, leaving out those in `in_flight`.
    std::vector<outbox_item> due_besides(store& db, bot::channel ch,
                                         const std::vector<outbox_item>& in_flight);
    std::vector<delivery_outcome> send(channel_sender& sender, const std::vector<outbox_item>& rows,
                                       std::unique_ptr<prepared_batch> prepared);
    // Records the outcomes of a batch's rows (a prefix of them) and marks the delivered ones in
    // one transaction.
    void settle_batch(store& db, const std::vector<outbox_item>& rows,
                      const std::vector<delivery_outcome>& outcomes, delivery_pass& counts);
    // Records the outcome of one row; a delivered row is added to `sent`, which settle_batch
    // marks delivered.
    void settle(store& db, const outbox_item& item, const delivery_outcome& outcome,
                delivery_pass& counts,
                std::vector<std::pair<std::int64_t, std::chrono::sys_seconds>>& sent);
    std::chrono::sys_seconds now() const;
    std::chrono::seconds backoff(int attempts) const;
    void loop();

    delivery_worker_options options_;
    std::map<bot::channel, std::unique_ptr<channel_sender>> senders_;
    // Hand-overs per row since this worker started, to stop two channels that each send the
    // person to the other from passing a row back and forth.
    std::map<std::int64_t, int> handovers_;
    std::unique_ptr<store> db_;
    std::thread thread_;
    std::mutex mutex_;
    std::condition_variable cv_;
    bool woken_ = false;
    bool stopping_ = false;
    std::atomic<std::uint64_t> passes_{0};
};

}  // namespace kv::daemon
