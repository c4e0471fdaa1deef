#pragma once
// The daemon's one scheduler timer: runs the scheduler at start, enqueues what is due, and
// sleeps until the next instant anything falls due (no polling). wake() recomputes at once,
// for when stored state changed. The scheduler and the store are used only on the store
// executor (one thread); the timer lives on the I/O executor. stop() cancels; the object must
// outlive the io_context's run.

#include <chrono>
#include <optional>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/system_timer.hpp>

#include "daemon/schedule/scheduler.hpp"
#include "daemon/store/store.hpp"

namespace kv::daemon {

class schedule_timer {
  public:
    schedule_timer(boost::asio::any_io_executor io, boost::asio::any_io_executor store_executor,
                   const scheduler& sched, store& db);

    void start();
    // Recompute now; safe to call from any thread.
    void wake();
    void stop();

    // For metrics and tests: when the timer is set to fire next (nullopt: nothing due).
    std::optional<std::chrono::sys_seconds> next_wake() const { return next_; }

  private:
    void run_on_store();
    void arm(std::optional<std::chrono::sys_seconds> next);

    boost::asio::any_io_executor io_;
    boost::asio::any_io_executor store_executor_;
    const scheduler& sched_;
    store& db_;
    boost::asio::system_timer timer_;
    std::optional<std::chrono::sys_seconds> next_;
    bool stopped_ = false;
};

}  // namespace kv::daemon
