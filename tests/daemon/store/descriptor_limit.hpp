#pragma once
// Makes every new file descriptor of this process fail with EMFILE for one scope, as a daemon
// that has run out of descriptors sees it: lowers the soft RLIMIT_NOFILE to the lowest free
// descriptor and restores it when destroyed. Only for single-threaded moments of a test.

#include <sys/resource.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <stdexcept>

#include "daemon/store/database_watch.hpp"

namespace kv::daemon::test {

class descriptors_exhausted {
  public:
    descriptors_exhausted() {
        if (::getrlimit(RLIMIT_NOFILE, &saved_) != 0) {
            throw std::runtime_error("getrlimit failed");
        }
        const int lowest_free = ::dup(0);
        if (lowest_free < 0) {
            throw std::runtime_error("dup failed");
        }
        ::close(lowest_free);
        rlimit lowered = saved_;
        lowered.rlim_cur = static_cast<rlim_t>(lowest_free);
        if (::setrlimit(RLIMIT_NOFILE, &lowered) != 0) {
            throw std::runtime_error("setrlimit failed");
        }
    }
    ~descriptors_exhausted() { ::setrlimit(RLIMIT_NOFILE, &saved_); }
    descriptors_exhausted(const descriptors_exhausted&) = delete;
    descriptors_exhausted& operator=(const descriptors_exhausted&) = delete;

  private:
    rlimit saved_{};
};

// UBSan checks a dynamic type once and caches the answer, but a check needs a pipe, which a
// process out of descriptors cannot make, so it would report a sound object as broken. Running
// the watch's fallback path once while descriptors are left (a folder that does not exist fails
// the same way) answers those checks before descriptors_exhausted takes them away.
inline void warm_up_watch_fallback() {
    using namespace std::chrono_literals;
    boost::asio::io_context io;
    database_watch w{io.get_executor(), "/nonexistent-kv-watch-folder/kv.db", [] {},
                     database_watch_options{0ms, 0ms, 20ms}};
    w.start();
    io.poll();
    w.stop();
    io.poll();
}

}  // namespace kv::daemon::test
