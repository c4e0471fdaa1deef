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
                               const scheduler& sched, store& db)
    : io_(std::move(io)),
      store_executor_(std::move(store_executor)),
      sched_(sched),
      db_(db),
      timer_(io_) {}

void schedule_timer::start() {
    wake();
}

void schedule_timer::wake() {
    net::post(store_executor_, [this] { run_on_store(); });
}

void schedule_timer::stop() {
    net::post(io_, [this] {
        stopped_ = true;
        timer_.cancel();
    });
}

void schedule_timer::run_on_store() {
    std::optional<std::chrono::sys_seconds> next;
    try {
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
    net::post(io_, [this, next] { arm(next); });
}

void schedule_timer::arm(std::optional<std::chrono::sys_seconds> next) {
    next_ = next;
    if (stopped_ || !next) {
        return;
    }
    timer_.expires_at(std::chrono::system_clock::time_point{next->time_since_epoch()});
    timer_.async_wait([this](const boost::system::error_code& ec) {
        if (!ec && !stopped_) {
            wake();
        }
    });
}

}  // namespace kv::daemon
