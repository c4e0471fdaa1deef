#pragma once
// A bound on work handed from one thread to another: at most `capacity` inside at once, and
// enter() waits for room. Keeps a fast producer (request threads) from queueing without limit
// in front of a slow consumer (the store thread).
// Thread-safety: enter() and leave() may be called from any threads; leave() once per enter().

#include <condition_variable>
#include <cstddef>
#include <mutex>

namespace kv::daemon {

class waiting_room {
  public:
    explicit waiting_room(std::ptrdiff_t capacity) : free_(capacity) {}

    void enter() {
        std::unique_lock lock{mutex_};
        room_.wait(lock, [this] { return free_ > 0; });
        --free_;
    }
    void leave() {
        {
            std::lock_guard lock{mutex_};
            ++free_;
        }
        room_.notify_one();
    }

  private:
    std::mutex mutex_;
    std::condition_variable room_;
    std::ptrdiff_t free_;
};

}  // namespace kv::daemon
