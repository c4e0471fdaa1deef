#include "daemon/store/sqlite.hpp"

#include <catch2/catch.hpp>

#include "tests/daemon/store/store_fixture.hpp"

using namespace kv::daemon;
using namespace kv::daemon::test;

namespace {

struct sqlite_fixture {
    temp_folder tmp;
    database db{tmp.path() / "t.db", open_mode::create};
    sqlite_fixture() { db.exec("CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER)"); }
    std::int64_t rows() { return db.query_int("SELECT count(*) FROM t"); }
};

}  // namespace

TEST_CASE_METHOD(sqlite_fixture, "a transaction keeps its writes only when committed", "[store]") {
    for (const bool commit : {false, true}) {
        CAPTURE(commit);
        db.exec("DELETE FROM t");
        {
            transaction tx{db, transaction_mode::immediate};
            statement s{db, "INSERT INTO t VALUES (?, ?)"};
            s.bind_all("a", 1).run();
            if (commit) {
                tx.commit();
            }
        }
        CHECK(rows() == (commit ? 1 : 0));
    }
}

TEST_CASE_METHOD(sqlite_fixture, "a transaction left by an exception is rolled back", "[store]") {
    try {
        transaction tx{db};
        db.exec("INSERT INTO t VALUES ('a', 1)");
        db.exec("INSERT INTO t VALUES ('a', 2)");
        tx.commit();
    } catch (const store_error& e) {
        CHECK(std::string{e.what()} ==
              db.path().string() + ": cannot run a statement: UNIQUE constraint failed: t.k");
        CHECK(e.code() == 19);
        CHECK(e.extended_code() == 1555);  // SQLITE_CONSTRAINT_PRIMARYKEY
    }
    CHECK(rows() == 0);
}

TEST_CASE_METHOD(sqlite_fixture, "statements bind values and read them back, null included",
                 "[store]") {
    statement insert{db, "INSERT INTO t VALUES (?, ?)"};
    insert.bind_all(std::string{"x"}, std::optional<int>{}).run();
    insert.reset();
    insert.bind_all("y", std::int64_t{1} << 40).run();

    statement moved{db, "SELECT k, v FROM t ORDER BY k"};
    statement s = std::move(moved);
    REQUIRE(s.step());
    CHECK(s.text(0) == "x");
    CHECK(s.is_null(1));
    REQUIRE(s.step());
    CHECK(s.int64(1) == std::int64_t{1} << 40);
    CHECK_FALSE(s.step());
}

TEST_CASE_METHOD(sqlite_fixture,
                 "run_with stores text bound by reference and keeps no binding afterwards",
                 "[store]") {
    statement insert{db, "INSERT INTO t VALUES (?, ?)"};
    {
        std::string key = "first";
        insert.run_with(key, std::optional<int>{7});
        key.assign("overwritten after the call");
    }
    insert.run_with(std::optional<std::string>{}, 8);  // a NULL key is a distinct row
    insert.run_with(std::string{"third"} + " row", std::optional<std::int64_t>{});
    CHECK(db.query_int("SELECT count(*) FROM t WHERE k = 'first' AND v = 7") == 1);
    CHECK(db.query_int("SELECT count(*) FROM t WHERE k IS NULL AND v = 8") == 1);
    CHECK(db.query_int("SELECT count(*) FROM t WHERE k = 'third row' AND v IS NULL") == 1);

    // Run again without arguments, it binds nothing: both parameters are NULL.
    insert.run();
    CHECK(db.query_int("SELECT count(*) FROM t WHERE k IS NULL AND v IS NULL") == 1);

    // A failing run reports the failure, is reset and forgets its arguments too.
    CHECK_THROWS_WITH(insert.run_with("first", 9), Catch::Contains("UNIQUE constraint failed"));
    insert.run();
    CHECK(db.query_int("SELECT count(*) FROM t WHERE k IS NULL AND v IS NULL") == 2);
    CHECK(rows() == 5);
}

TEST_CASE("a statement with a mistake is reported with the file and SQLite's words", "[store]") {
    temp_folder tmp;
    database db{tmp.path() / "t.db", open_mode::create};
    CHECK_THROWS_WITH(
        statement(db, "SELEC 1"),
        db.path().string() + ": cannot prepare a statement: near \"SELEC\": syntax error");
}

TEST_CASE("opening a missing file without create is refused", "[store]") {
    temp_folder tmp;
    const auto path = tmp.path() / "missing.db";
    try {
        database db{path, open_mode::existing};
        FAIL("opened a missing file");
    } catch (const store_error& e) {
        CHECK(std::string{e.what()} ==
              path.string() +
                  ": cannot open the database: cannot open the file (unable to open "
                  "database file)");
        CHECK(e.code() == 14);
    }
    CHECK_FALSE(std::filesystem::exists(path));
}
