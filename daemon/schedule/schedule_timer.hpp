#pragma once
// The daemon's one scheduler timer: runs the scheduler at start, enqueues what is due, and
// sleeps until the next instant anything falls due. It recomputes at once when stored state
// changes: every commit on the store's connection wakes it (a commit hook, so whatever commits
// there — Teams, email links, the calendar — counts, except the scheduler's own writes). Commits
// by other connections and processes (`chat`, mail ingest, imports, the delivery worker) are
// confirmed by one cheap query (PRAGMA data_version) when others_may_have_written() is called,
// which a database_watch does when the store's files are written. The daemon's own commits do not
// change data_version, so they are not counted twice. Wakes are coalesced: however many arrive
// within `coalesce`, they cause one recompute, so a burst of filings costs one.
//
// `on_store_changed` (optional) is told, on the store executor, after every commit on the store's
// connection (the scheduler's own included) and after a commit by another one is confirmed, so
// that the delivery worker can look for new outbox rows then instead of on a timer.
//
// The scheduler and the store are used only on the store executor (one thread; every commit on
// the store's connection runs there, which on_store_changed's ordering relies on); the timers
// live on the I/O executor. A failed run is logged and retried a minute later. stop() cancels; the
// object must outlive the io_context's run and the store thread's last task.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/system_timer.hpp>

#include "daemon/schedule/scheduler.hpp"
#include "daemon/store/commit_watch.hpp"
#include "daemon/store/store.hpp"

namespace kv::daemon {

struct schedule_timer_options {
    // Wakes within this long of the first one are served by one recompute. 0: at once.
    std::chrono::milliseconds coalesce{std::chrono::seconds{1}};
    // Called on the store executor once the commits it follows are visible to other
    // connections; a burst of commits may share one call. Must not throw.
    std::function<void()> on_store_changed;
};

class schedule_timer {
  public:
    schedule_timer(boost::asio::any_io_executor io, boost::asio::any_io_executor store_executor,
                   const scheduler& sched, store& db, schedule_timer_options options = {});
    ~schedule_timer();
    schedule_timer(const schedule_timer&) = delete;
    schedule_timer& operator=(const schedule_timer&) = delete;

    // Starts watching the store's commits and computes at once.
    void start();
    // Stored state changed: recompute within `coalesce`. Cheap; safe to call from any thread.
    void wake();
    // Another connection or process may have committed: asks the store on the store executor
    // and, if one did, wakes and tells on_store_changed. Cheap; safe to call from any thread.
    void others_may_have_written();
    void stop();

    // For metrics and tests: when the timer is set to fire next (nullopt: nothing due). Read it
    // on the I/O executor's thread.
    std::optional<std::chrono::sys_seconds> next_wake() const { return next_; }
    // For metrics and tests: how many times the scheduler has run. Safe from any thread.
    std::uint64_t recomputes() const { return recomputes_.load(); }

  private:
    void run_on_store();
    void check_other_writers();
    void committed_here();
    void arm(std::optional<std::chrono::sys_seconds> next);

    boost::asio::any_io_executor io_;
    boost::asio::any_io_executor store_executor_;
    const scheduler& sched_;
    store& db_;
    schedule_timer_options options_;
    boost::asio::system_timer timer_;
    boost::asio::steady_timer coalesce_timer_;
    std::optional<std::chrono::sys_seconds> next_;
    bool stopped_ = false;  // I/O executor only
    std::atomic<bool> wake_pending_{false};
    std::atomic<bool> change_pending_{false};
    std::atomic<std::uint64_t> recomputes_{0};
    bool running_ = false;                 // store executor only: the scheduler's own commits
    std::unique_ptr<commit_watch> watch_;  // store executor only
};

}  // namespace kv::daemon
