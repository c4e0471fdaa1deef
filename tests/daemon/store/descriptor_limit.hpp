#pragma once
// Makes every new file descriptor of this process fail with EMFILE for one scope, as a daemon
// that has run out of descriptors sees it: lowers the soft RLIMIT_NOFILE to the lowest free
// descriptor and restores it when destroyed. Only for single-threaded moments of a test.

#include <sys/resource.h>
#include <unistd.h>

#include <stdexcept>

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

}  // namespace kv::daemon::test
