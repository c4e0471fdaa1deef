#include <catch2/catch.hpp>

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

}  // namespace

TEST_CASE("a version 11 outbox is rebuilt for cancelled reminders and keeps every row", "[store]") {
    temp_folder tmp;
    const auto path = tmp.path() / "kv.db";
    {
        store s{{path}};
        s.sync_organisation(small_org(), t0);
    }
    {
        database db{path, open_mode::existing};
        db.exec(outbox_v11);
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

}  // namespace kv::daemon::test
