#include "daemon/store/batched_wal_vfs.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <string>

#include "daemon/store/sqlite.hpp"
#include "tests/daemon/store/store_fixture.hpp"

using namespace kv::daemon;
using namespace kv::daemon::test;

namespace {

constexpr int tables = 10;

// A connection as the store opens one: WAL, synchronous=FULL, through the batched VFS.
database open_batched(const std::filesystem::path& p, open_mode mode) {
    const char* vfs = detail::batched_wal_vfs();
    REQUIRE(vfs != nullptr);
    database db{p, mode, vfs};
    db.set_busy_timeout(10000);
    db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL");
    return db;
}

database open_plain(const std::filesystem::path& p) {
    database db{p, open_mode::existing};
    db.set_busy_timeout(10000);
    db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL");
    return db;
}

void create_tables(database& db) {
    for (int t = 0; t < tables; ++t) {
        db.exec("CREATE TABLE IF NOT EXISTS t" + std::to_string(t) +
                " (k INTEGER PRIMARY KEY, v TEXT NOT NULL)");
    }
}

// One row into each table, in one transaction: a commit that writes a dozen pages.
void insert_everywhere(database& db, int k, std::size_t value_size = 40) {
    transaction tx{db, transaction_mode::immediate};
    for (int t = 0; t < tables; ++t) {
        statement s{db, "INSERT INTO t" + std::to_string(t) + " (k, v) VALUES (?, ?)"};
        s.bind_all(k, std::string(value_size, static_cast<char>('a' + t))).run();
    }
    tx.commit();
}

std::int64_t rows_everywhere(database& db) {
    std::int64_t n = 0;
    for (int t = 0; t < tables; ++t) {
        n += db.query_int("SELECT count(*) FROM t" + std::to_string(t));
    }
    return n;
}

// Write system calls this process has made so far (Linux).
long write_calls() {
    std::ifstream io{"/proc/self/io"};
    std::string key;
    long value = 0;
    while (io >> key >> value) {
        if (key == "syscw:") {
            return value;
        }
    }
    return -1;
}

}  // namespace

TEST_CASE("the batched WAL VFS writes a commit's pages with a few writes, not two per page",
          "[store][vfs]") {
    // Ten commits per side, so that a write the sanitizer runtime makes now and then does not
    // decide the outcome.
    constexpr int commits = 10;
    temp_folder tmp;
    const auto path = tmp.path() / "t.db";
    long batched = 0, plain = 0;
    {
        auto db = open_batched(path, open_mode::create);
        create_tables(db);
        insert_everywhere(db, 0);  // the WAL exists and has its header
        const long before = write_calls();
        for (int k = 1; k <= commits; ++k) {
            insert_everywhere(db, k);
        }
        batched = write_calls() - before;
    }
    {
        auto db = open_plain(path);
        insert_everywhere(db, 100);
        const long before = write_calls();
        for (int k = 101; k <= 100 + commits; ++k) {
            insert_everywhere(db, k);
        }
        plain = write_calls() - before;
        CHECK(rows_everywhere(db) == (2 * commits + 2) * tables);
    }
    REQUIRE(batched >= 0);
    CAPTURE(batched, plain);
    CHECK(plain >= commits * 2 * tables);  // a header and a page per frame: what batching saves
    CHECK(batched <= commits + 4);         // one write per commit
}

TEST_CASE("another connection sees every commit made through the batched WAL VFS at once",
          "[store][vfs]") {
    temp_folder tmp;
    const auto path = tmp.path() / "t.db";
    auto writer = open_batched(path, open_mode::create);
    create_tables(writer);
    auto reader = open_plain(path);
    for (int k = 0; k < 300; ++k) {
        insert_everywhere(writer, k);
        REQUIRE(rows_everywhere(reader) == (k + 1) * tables);
        if (k == 150) {
            // The WAL starts over from its beginning after a checkpoint.
            CHECK(writer.query_int("PRAGMA wal_checkpoint(TRUNCATE)") == 0);
        }
    }
    CHECK(writer.query_int("SELECT count(*) FROM t3 WHERE v = 'dddddddddddddddddddddddddddddddd"
                           "dddddddd'") == 300);
    CHECK(integrity(path) == "ok");
}

TEST_CASE("a transaction larger than the page cache reads back what it spilled to the WAL",
          "[store][vfs]") {
    temp_folder tmp;
    const auto path = tmp.path() / "t.db";
    auto db = open_batched(path, open_mode::create);
    create_tables(db);
    db.exec("PRAGMA cache_size = 8");  // pages spill into the WAL long before the commit
    {
        transaction tx{db, transaction_mode::immediate};
        statement s{db, "INSERT INTO t0 (k, v) VALUES (?, ?)"};
        for (int k = 0; k < 3000; ++k) {
            s.reset();
            s.bind_all(k, std::string(1500, static_cast<char>('A' + k % 26))).run();
        }
        // Spilled pages are read back and changed again before the commit.
        db.exec("UPDATE t0 SET v = upper(substr(v, 1, 1)) || lower(substr(v, 2)) WHERE k % 7 = 0");
        tx.commit();
    }
    auto reader = open_plain(path);
    CHECK(reader.query_int("SELECT count(*) FROM t0") == 3000);
    // 429 of 0..2999 are multiples of 7: those were changed after they had spilled.
    CHECK(reader.query_int("SELECT count(*) FROM t0 WHERE substr(v, 2, 1) = lower(substr(v, 1, 1)) "
                           "AND v <> upper(v)") == 429);
    CHECK(reader.query_int("SELECT count(*) FROM t0 WHERE v = upper(v)") == 3000 - 429);
    CHECK(reader.query_int("SELECT sum(length(v)) FROM t0") == 3000 * 1500);
    CHECK(integrity(path) == "ok");
}

TEST_CASE("a process killed through the batched WAL VFS keeps its commits and nothing else",
          "[store][vfs]") {
    temp_folder tmp;
    const auto path = tmp.path() / "t.db";
    {
        auto db = open_batched(path, open_mode::create);
        create_tables(db);
    }
    const pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        try {
            auto db = open_batched(path, open_mode::existing);
            for (int k = 0; k < 100; ++k) {
                insert_everywhere(db, k);
            }
            db.exec("PRAGMA cache_size = 8");
            db.exec("BEGIN IMMEDIATE");
            for (int k = 100; k < 400; ++k) {
                statement s{db, "INSERT INTO t0 (k, v) VALUES (?, ?)"};
                s.bind_all(k, std::string(2000, 'z')).run();
            }
        } catch (...) {
            _exit(1);
        }
        _exit(0);  // no commit, no close: as if the power went
    }
    int status = 0;
    REQUIRE(waitpid(child, &status, 0) == child);
    REQUIRE(WIFEXITED(status));
    REQUIRE(WEXITSTATUS(status) == 0);

    auto db = open_batched(path, open_mode::existing);
    CHECK(rows_everywhere(db) == 100 * tables);
    CHECK(db.query_int("SELECT count(*) FROM t0 WHERE k >= 100") == 0);
    CHECK(integrity(path) == "ok");
    insert_everywhere(db, 100);
    CHECK(rows_everywhere(db) == 101 * tables);
}
