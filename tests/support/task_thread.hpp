#pragma once
// A thread that runs posted functions one at a time, in the order they were posted: the store's
// thread in tests and benchmarks. The destructor runs what was posted before it, then joins.

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace kv::test {

class task_thread {
  public:
    task_thread() : worker_([this] { loop(); }) {}
    ~task_thread() {
        post({});
        worker_.join();
    }
    task_thread(const task_thread&) = delete;
    task_thread& operator=(const task_thread&) = delete;

    // Thread-safe. An empty function stops the thread after what was posted before it.
    void post(std::function<void()> f) {
        {
            const std::lock_guard lock{mutex_};
            tasks_.push_back(std::move(f));
        }
        wake_.notify_one();
    }

  private:
    void loop() {
        for (;;) {
            std::function<void()> f;
            {
                std::unique_lock lock{mutex_};
                wake_.wait(lock, [this] { return !tasks_.empty(); });
                f = std::move(tasks_.front());
                tasks_.pop_front();
            }
            if (!f) {
                return;
            }
            f();
        }
    }

    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::function<void()>> tasks_;
    std::thread worker_;
};

}  // namespace kv::test
