#pragma once
// Tells when the store's contents changed: `on_commit` is called for every write transaction
// committed through the watched connection (an SQLite commit hook, so a commit made by any code
// on that connection counts), and others_committed() says whether another connection or process
// committed since it was last asked (PRAGMA data_version). The callback runs on the committing
// thread just before the commit completes, must not throw and must not use the connection; a
// commit that then fails makes it a harmless false alarm. SQLite allows one commit hook per
// connection: at most one commit_watch per database. Same threading rules as the database; the
// database must outlive the watch, which removes its hook when destroyed.

#include <cstdint>
#include <functional>

#include "daemon/store/sqlite.hpp"

namespace kv::daemon {

class commit_watch {
  public:
    commit_watch(database& db, std::function<void()> on_commit);
    ~commit_watch();
    commit_watch(const commit_watch&) = delete;
    commit_watch& operator=(const commit_watch&) = delete;

    // True when another connection committed since the watch was made or this was last called.
    // Throws store_error.
    bool others_committed();

  private:
    database& db_;
    std::function<void()> on_commit_;
    std::int64_t data_version_ = 0;
};

}  // namespace kv::daemon
