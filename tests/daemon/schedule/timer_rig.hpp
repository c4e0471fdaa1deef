#pragma once
// A real scheduler timer on a real store file: an io_context run by the test thread, the store
// on its own thread as in `serve`, a database_watch on the store's files wired to the timer as in
// `serve`, the small organisation of the store tests, and one wheel item about 300 days away, so
// the timer starts armed for a far instant. Calls to on_store_changed are counted, and each
// records how many cases a connection of its own then reads, as the delivery worker's would.

#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <memory>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>

#include "bot/domain/oslo_time.hpp"
#include "daemon/schedule/schedule_timer.hpp"
#include "daemon/schedule/scheduler.hpp"
#include "daemon/store/database_watch.hpp"
#include "tests/daemon/store/descriptor_limit.hpp"
#include "tests/daemon/store/store_fixture.hpp"

namespace kv::daemon::test {

inline std::chrono::sys_seconds wall_now() {
    return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

inline schedule_config far_wheel_config(const organisation& org) {
    using namespace std::chrono;
    bot::wheel_item item;
    item.id = "langt-fram";
    item.title = "Møte langt fram";
    item.committee_id = "kvalitet";
    item.rrule = "FREQ=YEARLY";
    item.starts = year_month_day{sys_days{bot::to_oslo(wall_now()).date} + days{300}};
    item.lead_days = {0};
    schedule_config cfg;
    cfg.wheel.items.push_back(item);
    cfg.org = org;
    return cfg;
}

class timer_rig {
  public:
    explicit timer_rig(std::chrono::milliseconds coalesce,
                       database_watch_options watch_options = quick_watch())
        : db_(store_options{dir_.path() / "kv.db"}),
          sched_(far_wheel_config(small_org())),
          timer_(ioc_.get_executor(), store_thread_.get_executor(), sched_, db_,
                 schedule_timer_options{coalesce,
                                        [this] {
                                            cases_seen_ =
                                                count_rows(dir_.path() / "kv.db", "cases");
                                            ++store_changes_;
                                        }}),
          watch_(
              ioc_.get_executor(), dir_.path() / "kv.db",
              [this] { timer_.others_may_have_written(); }, watch_options) {
        db_.sync_organisation(small_org(), wall_now());
    }
    ~timer_rig() {
        watch_.stop();
        timer_.stop();
        ioc_.poll();
        store_thread_.join();
    }

    static database_watch_options quick_watch() {
        using namespace std::chrono_literals;
        return {10ms, 100ms, 5s};
    }

    // Starts the watch and then the timer; with `descriptors_left` false, as a daemon out of file
    // descriptors does, so that the watch falls back to checking on a timer.
    void start(bool descriptors_left = true) {
        watch_.start();
        if (descriptors_left) {
            ioc_.poll();
        } else {
            warm_up_watch_fallback();
            const descriptors_exhausted none;
            ioc_.poll();
        }
        timer_.start();
    }
    const schedule_timer& timer() const { return timer_; }
    const database_watch& watch() const { return watch_; }
    int store_changes() const { return store_changes_.load(); }
    std::int64_t cases_seen() const { return cases_seen_.load(); }
    const scheduler& sched() const { return sched_; }
    const std::filesystem::path& db_path() const { return dir_.path(); }

    // Runs `fn` with the store on the store thread, as serve's channels do, and waits for it.
    template <typename Fn>
    auto on_store(Fn fn) {
        std::packaged_task<decltype(fn(db_))()> task{[&] { return fn(db_); }};
        auto done = task.get_future();
        boost::asio::post(store_thread_, [&task] { task(); });
        return done.get();
    }

    // Runs the I/O loop for `how_long`, to see what it does meanwhile.
    void run_for(std::chrono::milliseconds how_long) {
        const auto until = std::chrono::steady_clock::now() + how_long;
        while (std::chrono::steady_clock::now() < until) {
            ioc_.run_until(until);
        }
    }

    // Runs the I/O loop until `ready` holds or 10 s passed; returns whether it holds.
    bool run_until(const std::function<bool()>& ready) {
        const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds{10};
        while (!ready() && std::chrono::steady_clock::now() < give_up) {
            ioc_.run_for(std::chrono::milliseconds{5});
        }
        return ready();
    }

  private:
    temp_folder dir_;
    store db_;
    scheduler sched_;
    boost::asio::io_context ioc_;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{
        ioc_.get_executor()};
    boost::asio::thread_pool store_thread_{1};
    std::atomic<int> store_changes_{0};
    std::atomic<std::int64_t> cases_seen_{-1};
    schedule_timer timer_;
    database_watch watch_;
};

// A new case in the unit "helse", as the bot files it.
inline bot::decision filing(int seq, std::chrono::sys_seconds at) {
    bot::decision d;
    auto c = new_case(2026, seq);
    c.created_at = at;
    c.updated_at = at;
    d.case_write = c;
    return d;
}

}  // namespace kv::daemon::test
