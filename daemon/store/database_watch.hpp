#pragma once
// Tells when the database's files were written, so that commits by other processes and
// connections are noticed without asking the store on a timer. Watches, with inotify, the folder
// that holds the database for writes to the database file, its `-wal` and its `-journal` (a
// commit in WAL mode appends to the WAL; a checkpoint, or a commit in rollback-journal mode,
// writes the file itself), read through Asio on the given executor. Watching the folder rather
// than the files keeps working when the WAL does not exist yet, is deleted, recreated or
// truncated: no watch has to be added again.
//
// A write is a hint, not a commit: it may be this process's own, and it may come before the
// writer's commit is visible to readers (the commit is published after the WAL is written and
// synced). So `on_change` asks its owner to check (PRAGMA data_version, see commit_watch): it is
// called `coalesce` after the first write of a burst, at most once per `coalesce` while writes
// go on, and once more `settle` after the last one, for a commit that became visible late.
//
// When inotify cannot be used (no free file descriptor, the per-user limit of instances or
// watches, a folder that cannot be watched) the watch logs that once at warn and calls
// `on_change` every `fallback_every` instead.
//
// Thread-safety: start() and stop() may be called from any thread; `on_change` runs on the
// executor. The object must outlive the executor's last handler (stop(), then let the
// io_context finish). Never throws after construction; the constructor throws only
// std::bad_alloc.

#include <array>
#include <chrono>
#include <filesystem>
#include <functional>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

namespace kv::daemon {

struct database_watch_options {
    // Delay from the first write of a burst to on_change; writes meanwhile share that call.
    std::chrono::milliseconds coalesce{50};
    // A second on_change this long after the last write (0: none).
    std::chrono::milliseconds settle{std::chrono::seconds{1}};
    // Without inotify, on_change is called this often (must be > 0).
    std::chrono::milliseconds fallback_every{std::chrono::seconds{5}};
};

class database_watch {
  public:
    database_watch(boost::asio::any_io_executor io, std::filesystem::path database,
                   std::function<void()> on_change, database_watch_options options = {});
    ~database_watch();
    database_watch(const database_watch&) = delete;
    database_watch& operator=(const database_watch&) = delete;

    // Starts watching (or, without inotify, checking every fallback_every).
    void start();
    // Stops watching; no on_change is called after the handlers already running.
    void stop();

    // Whether the watch fell back to checking on a timer. Read it on the executor's thread.
    bool polling() const { return polling_; }

  private:
    void begin();
    void fall_back(const std::string& why);
    void read_events();
    void handle_events(std::size_t bytes);
    void written();
    void arm_fallback();

    boost::asio::any_io_executor io_;
    std::filesystem::path folder_;
    std::array<std::string, 3> names_;  // the database, its -wal and its -journal
    std::function<void()> on_change_;
    database_watch_options options_;
    boost::asio::posix::stream_descriptor events_;
    boost::asio::steady_timer coalesce_timer_;
    boost::asio::steady_timer settle_timer_;
    boost::asio::steady_timer fallback_timer_;
    alignas(8) std::array<char, 4096> buffer_{};
    bool coalescing_ = false;
    bool polling_ = false;
    bool stopped_ = false;
};

}  // namespace kv::daemon
