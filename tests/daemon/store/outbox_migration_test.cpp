#include <catch2/catch.hpp>
#include <string>
#include <tuple>

#include "daemon/store/message_json.hpp"
#include "daemon/store/schema.hpp"
#include "tests/daemon/store/store_fixture.hpp"

namespace kv::daemon::test {
namespace {

// The outbox as schema version 11 left it (version 1's table plus version 9's column), and the
// indexes of version 13 taken back, so that migrating runs versions 12 and 13 again.
constexpr std::string_view outbox_v11 = R"sql(
DROP INDEX cases_by_state;
DROP INDEX measures_by_due;
DROP INDEX reading_list_waiting;
DROP INDEX procedures_due;
CREATE INDEX procedures_due ON procedures (active, due_date);
DROP TRIGGER outbox_cancelled_stays_cancelled;
DROP TABLE outbox;
CREATE TABLE outbox (id INTEGER PRIMARY KEY, recipient_email TEXT NOT NULL, channel TEXT NOT NULL,
    body TEXT NOT NULL, urgent INTEGER NOT NULL, dedupe_key TEXT,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL, not_before INTEGER NOT NULL, delivered_at INTEGER,
    UNIQUE (recipient_email, dedupe_key));
CREATE INDEX outbox_due ON outbox (state, not_before);
ALTER TABLE outbox ADD COLUMN conversation TEXT NOT NULL DEFAULT '';
PRAGMA user_version = 11;
)sql";

// The outbox as schema versions 12 to 16 left it: its state checked with an IN list.
constexpr std::string_view outbox_v16 = R"sql(
DROP TABLE outbox;
CREATE TABLE outbox (id INTEGER PRIMARY KEY, recipient_email TEXT NOT NULL, channel TEXT NOT NULL,
    body TEXT NOT NULL, urgent INTEGER NOT NULL, dedupe_key TEXT,
    state TEXT NOT NULL DEFAULT 'pending'
        CHECK (state IN ('pending', 'delivered', 'failed', 'cancelled')),
    attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL, not_before INTEGER NOT NULL, delivered_at INTEGER,
    conversation TEXT NOT NULL DEFAULT '', UNIQUE (recipient_email, dedupe_key));
CREATE INDEX outbox_pending_by_channel ON outbox (state, channel, not_before);
CREATE TRIGGER outbox_cancelled_stays_cancelled BEFORE UPDATE OF state ON outbox
    WHEN OLD.state = 'cancelled' AND NEW.state NOT IN ('cancelled', 'delivered')
BEGIN
    SELECT RAISE(IGNORE);
END;
PRAGMA user_version = 16;
)sql";

// How many temporary B-trees the statement `sql` builds each time it runs.
int temporary_btrees(database& db, const std::string& sql) {
    statement plan{db, "EXPLAIN " + sql};
    int n = 0;
    while (plan.step()) {
        n += plan.text(1) == "OpenEphemeral" ? 1 : 0;
    }
    return n;
}

// One outbox row as version 11 kept it, every column given.
constexpr std::string_view row_v11 =
    "INSERT INTO outbox VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

std::string rows(const std::filesystem::path& path) {
    database db{path, open_mode::existing};
    statement s{db,
                "SELECT group_concat(id || ' ' || recipient_email || ' ' || channel || ' ' || "
                "urgent || ' ' || dedupe_key || ' ' || state || ' ' || attempts || ' ' || "
                "last_error || ' ' || not_before || ' ' || ifnull(delivered_at, '-') || ' ' || "
                "conversation, ' | ') FROM (SELECT * FROM outbox ORDER BY id)"};
    s.step();
    return s.text(0);
}

// A current store on `path` with the small organisation, its schema then taken back by `sql`.
database store_taken_back(const std::filesystem::path& path, std::string_view sql) {
    {
        store s{{path}};
        s.sync_organisation(small_org(), t0);
    }
    database db{path, open_mode::existing};
    db.exec(schema_before_v18);
    db.exec(sql);
    return db;
}

}  // namespace

TEST_CASE("a version 11 outbox is rebuilt for cancelled reminders and keeps every row", "[store]") {
    temp_folder tmp;
    const auto path = tmp.path() / "kv.db";
    {
        auto db = store_taken_back(path, outbox_v11);
        bot::message m;
        m.title = "Påminnelse";
        statement row{db, row_v11};
        row.bind_all(7, "kari@k.no", "teams", message_to_json(m), 0,
                     "deviation_followup:AV-2026-0001::remind-1:kari@k.no", "pending", 2, "timeout",
                     1790000000, 1790000600, std::optional<std::int64_t>{}, "")
            .run();
        statement other{db, row_v11};
        other
            .bind_all(9, "per@k.no", "email", message_to_json(m), 1, "AV-2026-0001:filed",
                      "delivered", 0, "", 1790000000, 1790000000, 1790000100, "conv-1")
            .run();
    }
    const auto before = rows(path);

    store s{{path}};
    CHECK(s.db().query_int("PRAGMA user_version") == latest_schema_version());
    CHECK(rows(path) == before);
    CHECK(s.outbox_depth().pending == 1);
    const auto due = s.due_outbox(t0 + std::chrono::hours{1}, bot::channel::teams, "kari@k.no", 10);
    REQUIRE(due.size() == 1);
    CHECK(due[0].id == 7);
    CHECK(due[0].attempts == 2);

    s.db().exec("UPDATE outbox SET state = 'cancelled' WHERE id = 7");
    CHECK(s.outbox_depth().pending == 0);
    CHECK(s.outbox_depth().failed == 0);
    CHECK(s.due_outbox(t0 + std::chrono::hours{1}, bot::channel::teams, "kari@k.no", 10).empty());
}

TEST_CASE("a version 16 outbox keeps every row, its index and its rules when rebuilt", "[store]") {
    temp_folder tmp;
    const auto path = tmp.path() / "kv.db";
    {
        auto db = store_taken_back(path, outbox_v16);
        bot::message m;
        m.title = "Påminnelse";
        const std::tuple<int, const char*, const char*, const char*, const char*> old_rows[] = {
            {3, "kari@k.no", "teams", "AV-2026-0001:filed", "pending"},
            {4, "per@k.no", "email", "AV-2026-0001:filed", "delivered"},
            {8, "kari@k.no", "email", "remind-1:kari@k.no", "failed"},
            {11, "per@k.no", "teams", "remind-2:per@k.no", "cancelled"},
        };
        for (const auto& [id, who, channel, key, state] : old_rows) {
            statement row{db, std::string{row_v11}};
            row.bind_all(id, who, channel, message_to_json(m), 0, key, state, 1, "", 1790000000,
                         1790000000, std::optional<std::int64_t>{}, "conv")
                .run();
        }
    }
    const auto before = rows(path);

    store s{{path}};
    CHECK(s.db().query_int("PRAGMA user_version") == latest_schema_version());
    CHECK(rows(path) == before);
    CHECK(s.db().query_int("SELECT count(*) FROM pragma_index_list('outbox') WHERE name = "
                           "'outbox_pending_by_channel'") == 1);
    CHECK(s.outbox_depth().pending == 1);
    CHECK(s.outbox_depth().failed == 1);

    // A cancelled reminder still never becomes pending again; a state nobody knows is refused.
    s.mark_attempt_failed(11, "timeout", t0, false);
    CHECK(s.db().query_int("SELECT count(*) FROM outbox WHERE id = 11 AND state = 'cancelled'") ==
          1);
    CHECK_THROWS_WITH(s.db().exec("UPDATE outbox SET state = 'sent' WHERE id = 3"),
                      Catch::Contains("CHECK constraint failed"));
    CHECK_THROWS_WITH(
        s.db().exec("INSERT INTO outbox (recipient_email, channel, body, urgent, created_at, "
                    "not_before, state) VALUES ('kari@k.no', 'teams', '{}', 0, 1, 1, 'Pending')"),
        Catch::Contains("CHECK constraint failed"));
    CHECK(rows(path) == before);

    // The id sequence goes on after the highest id, and a key already enqueued stays once.
    const auto enqueue = std::string{
        "INSERT OR IGNORE INTO outbox (recipient_email, channel, body, urgent, dedupe_key, "
        "created_at, not_before) VALUES ('kari@k.no', 'teams', '{}', 0, ?, 1, 1)"};
    statement again{s.db(), enqueue};
    again.bind_all("AV-2026-0001:filed").run();
    statement fresh{s.db(), enqueue};
    fresh.bind_all("AV-2026-0002:filed").run();
    CHECK(s.db().query_int("SELECT count(*) FROM outbox") == 5);
    CHECK(s.db().query_int("SELECT max(id) FROM outbox") == 12);

    // Enqueueing checks the state without building a temporary B-tree for it.
    CHECK(temporary_btrees(s.db(), enqueue) == 0);
}

}  // namespace kv::daemon::test
