#include "daemon/schedule/schedule_timer.hpp"

#include <boost/asio/post.hpp>
#include <exception>
#include <string>

#include "daemon/log.hpp"

namespace kv::daemon {

namespace net = boost::asio;

namespace {

std::chrono::sys_seconds wall_clock_now() {
    return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

}  // namespace

schedule_timer::schedule_timer(net::any_io_executor io, net::any_io_executor store_executor,
                               const scheduler& sched, store& db, schedule_timer_options options)
    : io_(std::move(io)),
      store_executor_(std::move(store_executor)),
      sched_(sched),
      db_(db),
      options_(options),
      timer_(io_),
      coalesce_timer_(io_) {}

schedule_timer::~schedule_timer() = default;

void schedule_timer::start() {
    net::post(store_executor_, [this] {
        try {
            watch_ = std::make_unique<commit_watch>(db_.db(), [this] {
                if (!running_) {
                    wake();
                }
                committed_here();
            });
        } catch (const std::exception& e) {
            log::error(std::string("scheduler cannot watch the store: ") + e.what());
        }
        run_on_store();
    });
}

void schedule_timer::wake() {
    if (wake_pending_.exchange(true)) {
        return;  // a recompute is already on its way and will see this change too
    }
    net::post(io_, [this] {
        if (stopped_) {
            return;
        }
        coalesce_timer_.expires_after(options_.coalesce);
        coalesce_timer_.async_wait([this](const boost::system::error_code& ec) {
            if (!ec && !stopped_) {
                net::post(store_executor_, [this] { run_on_store(); });
            }
        });
    });
}

void schedule_timer::others_may_have_written() {
    net::post(store_executor_, [this] { check_other_writers(); });
}

void schedule_timer::committed_here() {
    if (!options_.on_store_changed || change_pending_.exchange(true)) {
        return;
    }
    // The hook runs before the commit completes; the store executor runs this after the task
    // that commits, when other connections can read what it wrote.
    net::post(store_executor_, [this] {
        change_pending_.store(false);
        options_.on_store_changed();
    });
}

void schedule_timer::stop() {
    net::post(io_, [this] {
        stopped_ = true;
        timer_.cancel();
        coalesce_timer_.cancel();
    });
    net::post(store_executor_, [this] { watch_.reset(); });
}

void schedule_timer::run_on_store() {
    // Cleared before reading, so a commit during this run wakes the next one.
    wake_pending_.store(false);
    std::optional<std::chrono::sys_seconds> next;
    running_ = true;
    try {
        // This run reads what others wrote too; the delivery worker still has to hear of it.
        if (watch_ && watch_->others_committed() && options_.on_store_changed) {
            options_.on_store_changed();
        }
        const auto now = wall_clock_now();
        const auto sent = sched_.run_once(db_, now, false);
        if (!sent.empty()) {
            log::info("scheduler: " + std::to_string(sent.size()) + " reminders enqueued");
        }
        next = sched_.next_due(db_, now);
    } catch (const std::exception& e) {
        // The boundary of the scheduler loop: try again in a minute rather than stop reminding.
        log::error(std::string("scheduler failed: ") + e.what());
        next = wall_clock_now() + std::chrono::minutes{1};
    }
    running_ = false;
    ++recomputes_;
    net::post(io_, [this, next] { arm(next); });
}

void schedule_timer::check_other_writers() {
    try {
        if (watch_ && watch_->others_committed()) {
            wake();
            if (options_.on_store_changed) {
                options_.on_store_changed();
            }
        }
    } catch (const std::exception& e) {
        log::error(std::string("scheduler cannot read the store's version: ") + e.what());
    }
}

void schedule_timer::arm(std::optional<std::chrono::sys_seconds> next) {
    next_ = next;
    if (stopped_) {
        return;
    }
    if (!next) {
        timer_.cancel();
        return;
    }
    timer_.expires_at(std::chrono::system_clock::time_point{next->time_since_epoch()});
    timer_.async_wait([this](const boost::system::error_code& ec) {
        if (!ec && !stopped_) {
            net::post(store_executor_, [this] { run_on_store(); });
        }
    });
}

}  // namespace kv::daemon
