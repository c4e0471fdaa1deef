#include "daemon/store/database_watch.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <functional>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "daemon/store/sqlite.hpp"
#include "tests/daemon/store/descriptor_limit.hpp"
#include "tests/daemon/store/store_fixture.hpp"

using namespace kv::daemon;
using namespace kv::daemon::test;
using namespace std::chrono;

namespace {

// A watch on `kv.db` in a fresh folder, run by the test thread's io_context.
class watch_rig {
  public:
    explicit watch_rig(database_watch_options options)
        : watch_(
              ioc_.get_executor(), db_path(), [this] { ++changes_; }, options) {}
    ~watch_rig() {
        watch_.stop();
        ioc_.poll();
    }

    std::filesystem::path db_path() const { return dir_.path() / "kv.db"; }
    int changes() const { return changes_; }
    const database_watch& watch() const { return watch_; }

    // Starts the watch and lets it set itself up.
    void start() {
        watch_.start();
        ioc_.poll();
    }
    // Starts the watch and runs only its first step: trying to open inotify.
    void start_first_step() {
        watch_.start();
        ioc_.poll_one();
    }

    // Runs the loop until `ready` holds or 10 s passed; returns whether it holds.
    bool run_until(const std::function<bool()>& ready) {
        const auto give_up = steady_clock::now() + seconds{10};
        while (!ready() && steady_clock::now() < give_up) {
            ioc_.run_for(milliseconds{5});
        }
        return ready();
    }

    void run_for(milliseconds how_long) {
        const auto until = steady_clock::now() + how_long;
        while (steady_clock::now() < until) {
            ioc_.run_until(until);
        }
    }

  private:
    temp_folder dir_;
    boost::asio::io_context ioc_;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{
        ioc_.get_executor()};
    int changes_ = 0;
    database_watch watch_;
};

// Another process's connection: opens the file, writes one row, closes.
void commit_elsewhere(const std::filesystem::path& path, const char* journal_mode = "WAL") {
    database db{path, open_mode::create};
    db.exec(std::string{"PRAGMA journal_mode = "} + journal_mode);
    db.exec("CREATE TABLE IF NOT EXISTS t(x INTEGER)");
    db.exec("INSERT INTO t VALUES (1)");
}

}  // namespace

TEST_CASE("a commit in WAL mode by a connection the daemon does not own is reported", "[store]") {
    watch_rig rig{{milliseconds{0}, milliseconds{0}, seconds{60}}};
    database daemon{rig.db_path(), open_mode::create};  // keeps the WAL in place, as serve does
    daemon.exec("PRAGMA journal_mode = WAL; CREATE TABLE t(x INTEGER)");
    rig.start();
    REQUIRE_FALSE(rig.watch().polling());

    database other{rig.db_path(), open_mode::existing};
    other.exec("INSERT INTO t VALUES (1)");
    CHECK(rig.run_until([&] { return rig.changes() >= 1; }));
}

TEST_CASE("a WAL that does not exist yet, is deleted and comes back is still watched", "[store]") {
    watch_rig rig{{milliseconds{0}, milliseconds{0}, seconds{60}}};
    rig.start();  // the folder is empty: no database, no WAL

    commit_elsewhere(rig.db_path());  // creates both; closing the last connection deletes the WAL
    REQUIRE(rig.run_until([&] { return rig.changes() >= 1; }));
    REQUIRE_FALSE(std::filesystem::exists(rig.db_path().string() + "-wal"));
    rig.run_for(milliseconds{50});
    const int before = rig.changes();

    commit_elsewhere(rig.db_path());
    CHECK(rig.run_until([&] { return rig.changes() > before; }));
}

TEST_CASE("a commit in rollback-journal mode is reported through the database file", "[store]") {
    watch_rig rig{{milliseconds{0}, milliseconds{0}, seconds{60}}};
    commit_elsewhere(rig.db_path(), "DELETE");
    rig.start();

    commit_elsewhere(rig.db_path(), "DELETE");
    CHECK(rig.run_until([&] { return rig.changes() >= 1; }));
}

TEST_CASE("writes to other files in the database's folder are not reported", "[store]") {
    watch_rig rig{{milliseconds{0}, milliseconds{0}, seconds{60}}};
    rig.start();
    for (const char* name : {"notes.txt", "kv.db-backup", "other.db-wal"}) {
        std::ofstream{rig.db_path().parent_path() / name} << "not the store";
    }
    rig.run_for(milliseconds{200});
    CHECK(rig.changes() == 0);
}

TEST_CASE("a burst of commits is reported once, and once more when the writes have settled",
          "[store]") {
    watch_rig rig{{milliseconds{50}, milliseconds{800}, seconds{60}}};
    database writer{rig.db_path(), open_mode::create};
    writer.exec("PRAGMA journal_mode = WAL; CREATE TABLE t(x INTEGER)");
    rig.start();

    // An import: many commits, all written before the loop reads the first event.
    for (int i = 0; i < 50; ++i) {
        writer.exec("INSERT INTO t VALUES (1)");
    }
    REQUIRE(rig.run_until([&] { return rig.changes() >= 1; }));
    CHECK(rig.changes() == 1);
    rig.run_for(milliseconds{1000});
    CHECK(rig.changes() == 2);
    rig.run_for(milliseconds{300});
    CHECK(rig.changes() == 2);  // quiet files: no further calls
}

TEST_CASE("without a free file descriptor for inotify the watch checks on a timer instead",
          "[store]") {
    watch_rig rig{{milliseconds{0}, milliseconds{0}, milliseconds{20}}};
    warm_up_watch_fallback();
    {
        const descriptors_exhausted no_descriptors;
        rig.start_first_step();
    }
    REQUIRE(rig.watch().polling());
    // Nothing is written at all: the calls are the timer's, every 20 ms.
    CHECK(rig.run_until([&] { return rig.changes() >= 3; }));
}
