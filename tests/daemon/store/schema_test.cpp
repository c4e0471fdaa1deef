#include "daemon/store/schema.hpp"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "daemon/store/message_json.hpp"
#include "tests/daemon/store/store_fixture.hpp"

using namespace kv;
using namespace kv::daemon;
using namespace kv::daemon::test;

namespace {

// The schema exactly as release 1 wrote it; it must never change, since files in the field have it.
constexpr std::string_view schema_v1 = R"sql(
CREATE TABLE units (id TEXT PRIMARY KEY, name TEXT NOT NULL, parent_id TEXT NOT NULL DEFAULT '',
    leader_email TEXT NOT NULL DEFAULT '', deputy_email TEXT NOT NULL DEFAULT '',
    active INTEGER NOT NULL DEFAULT 1);
CREATE TABLE persons (email TEXT PRIMARY KEY, name TEXT NOT NULL, unit_id TEXT NOT NULL DEFAULT '',
    role TEXT NOT NULL DEFAULT 'employee', lang TEXT NOT NULL DEFAULT 'nb',
    channel TEXT NOT NULL DEFAULT 'console', active INTEGER NOT NULL DEFAULT 1,
    source TEXT NOT NULL CHECK (source IN ('config', 'import')));
CREATE TABLE committees (id TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL,
    unit_id TEXT NOT NULL DEFAULT '');
CREATE TABLE committee_members (
    committee_id TEXT NOT NULL REFERENCES committees(id) ON DELETE CASCADE,
    position INTEGER NOT NULL, email TEXT NOT NULL, role TEXT NOT NULL,
    PRIMARY KEY (committee_id, position));
CREATE TABLE cases (id INTEGER PRIMARY KEY, human_id TEXT NOT NULL UNIQUE, year INTEGER NOT NULL,
    seq INTEGER NOT NULL, kind TEXT NOT NULL, category TEXT NOT NULL, unit_id TEXT NOT NULL,
    reporter_email TEXT NOT NULL, description TEXT NOT NULL, occurred TEXT NOT NULL,
    immediate_action TEXT NOT NULL, state TEXT NOT NULL, probability INTEGER, consequence INTEGER,
    authority TEXT NOT NULL, authority_note TEXT NOT NULL, conclusion TEXT NOT NULL,
    created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, UNIQUE (year, seq));
CREATE INDEX cases_by_reporter ON cases (reporter_email);
CREATE INDEX cases_by_unit ON cases (unit_id, state);
CREATE TABLE measures (case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    number INTEGER NOT NULL, text TEXT NOT NULL, responsible_email TEXT NOT NULL,
    due_date TEXT NOT NULL, state TEXT NOT NULL, done_at INTEGER, effect TEXT NOT NULL,
    evaluated_at INTEGER, PRIMARY KEY (case_id, number));
CREATE TABLE case_events (id INTEGER PRIMARY KEY, case_id INTEGER NOT NULL REFERENCES cases(id),
    at INTEGER NOT NULL, actor_email TEXT NOT NULL, via TEXT NOT NULL, kind TEXT NOT NULL,
    detail TEXT NOT NULL);
CREATE INDEX case_events_by_case ON case_events (case_id, at);
CREATE TABLE audit (id INTEGER PRIMARY KEY, at INTEGER NOT NULL, actor_email TEXT NOT NULL,
    via TEXT NOT NULL, action TEXT NOT NULL, target TEXT NOT NULL, outcome TEXT NOT NULL,
    detail TEXT NOT NULL);
CREATE TABLE outbox (id INTEGER PRIMARY KEY, recipient_email TEXT NOT NULL, channel TEXT NOT NULL,
    body TEXT NOT NULL, urgent INTEGER NOT NULL, dedupe_key TEXT,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL, not_before INTEGER NOT NULL, delivered_at INTEGER,
    UNIQUE (recipient_email, dedupe_key));
CREATE INDEX outbox_due ON outbox (state, not_before);
CREATE TABLE inbound_seen (dedupe_key TEXT PRIMARY KEY, at INTEGER NOT NULL);
PRAGMA user_version = 1;
)sql";

// What release 2 added on top of schema_v1; it must never change either.
constexpr std::string_view schema_v2 = R"sql(
ALTER TABLE persons ADD COLUMN lang_chosen INTEGER NOT NULL DEFAULT 0;
CREATE TABLE conversations (email TEXT NOT NULL, channel TEXT NOT NULL, state_json TEXT NOT NULL,
    updated_at INTEGER NOT NULL, PRIMARY KEY (email, channel));
PRAGMA user_version = 2;
)sql";

std::int64_t user_version(const std::filesystem::path& p) {
    database db{p, open_mode::existing};
    return db.query_int("PRAGMA user_version");
}

}  // namespace

TEST_CASE("a new database file is created with the current schema, folder included", "[store]") {
    temp_folder tmp;
    const auto path = tmp.path() / "var" / "data" / "kv.db";
    { store s{{path}}; }
    CHECK(std::filesystem::exists(path));
    CHECK(user_version(path) == latest_schema_version());
    CHECK(latest_schema_version() == 18);
    CHECK(integrity(path) == "ok");
}

TEST_CASE("reopening a database keeps what was stored", "[store]") {
    temp_folder tmp;
    const auto path = tmp.path() / "kv.db";
    {
        store s{{path}};
        s.sync_organisation(small_org(), t0);
        s.handle(event("k1"), t0, [](const bot::directory&, const bot::repository&) {
            bot::decision d;
            d.case_write = new_case(2026, 1);
            return d;
        });
    }
    store s{{path}};
    s.with_read([](const bot::directory& dir, const bot::repository& repo) {
        CHECK(dir.find_person("kari@k.no")->name == "Kari Leder");
        CHECK(repo.find_case("AV-2026-0001")->description == "Feil medisin gitt");
        CHECK(repo.next_case_seq(2026) == 2);
    });
    CHECK(s.handle(event("k1"), t0, [](const bot::directory&, const bot::repository&) {
               return bot::decision{};
           }).duplicate);
}

TEST_CASE("a version 1 database is migrated and keeps its data", "[store]") {
    temp_folder tmp;
    const auto path = tmp.path() / "old.db";
    {
        database db{path, open_mode::create};
        db.exec(schema_v1);
        db.exec(
            "INSERT INTO units VALUES ('helse', 'Helse', '', 'kari@k.no', '', 1);"
            "INSERT INTO persons VALUES ('kari@k.no', 'Kari Leder', 'helse', 'leader', 'en', "
            "'teams', 1, 'config');"
            "INSERT INTO cases VALUES (1, 'AV-2025-0007', 2025, 7, 'avvik', 'hms', 'helse', "
            "'kari@k.no', 'Glatt gulv', '2025-01-02 08:00', 'Strødd', 'mottatt', 2, 3, 'none', '', "
            "'', 1735800000, 1735800000);"
            "INSERT INTO measures VALUES (1, 1, 'Kjøp matter', 'kari@k.no', '2025-02-01', 'open', "
            "NULL, '', NULL);");
    }
    REQUIRE(user_version(path) == 1);

    store s{{path}};
    CHECK(user_version(path) == latest_schema_version());
    s.with_read([](const bot::directory& dir, const bot::repository& repo) {
        const auto kari = dir.find_person("kari@k.no");
        REQUIRE(kari);
        CHECK(kari->lang == bot::language::en);
        CHECK(kari->preferred == bot::channel::teams);
        const auto c = repo.find_case("AV-2025-0007");
        REQUIRE(c);
        CHECK(c->state == bot::case_state::mottatt);
        CHECK(c->risk->score() == 6);
        REQUIRE(c->measures.size() == 1);
        CHECK(c->measures[0].text == "Kjøp matter");
        CHECK(repo.next_case_seq(2025) == 8);
    });

    // What version 2 added works on the migrated file: dialog state and a chosen language.
    s.handle(event("k1", "kari@k.no"), t0, [](const bot::directory&, const bot::repository&) {
        bot::decision d;
        d.conversation = bot::conversation_state{"file", {{"unit", "helse"}}};
        d.preferences = bot::person_preferences{"kari@k.no", bot::language::nb};
        return d;
    });
    s.with_read([](const bot::directory& dir, const bot::repository& repo) {
        CHECK(repo.conversation("kari@k.no", bot::channel::console).fields.at("unit") == "helse");
        CHECK(dir.find_person("kari@k.no")->lang == bot::language::nb);
    });
    CHECK(integrity(path) == "ok");
}

TEST_CASE("a version 2 database is migrated and keeps its dedupe keys and dialog state",
          "[store]") {
    temp_folder tmp;
    const auto path = tmp.path() / "v2.db";
    {
        database db{path, open_mode::create};
        db.exec(schema_v1);
        db.exec(schema_v2);
        db.exec(
            "INSERT INTO units VALUES ('helse', 'Helse', '', 'kari@k.no', '', 1);"
            "INSERT INTO persons VALUES ('kari@k.no', 'Kari Leder', 'helse', 'leader', 'en', "
            "'console', 1, 'config', 1);"
            "INSERT INTO inbound_seen VALUES ('console:old:1', 1735800000);"
            "INSERT INTO cases VALUES (4, 'AV-2025-0007', 2025, 7, 'avvik', 'hms', 'helse', "
            "'kari@k.no', 'Glatt gulv', '2025-01-02 08:00', 'Strødd', 'mottatt', 2, 3, 'none', '', "
            "'', 1735800000, 1735800000);"
            "INSERT INTO measures VALUES (4, 1, 'Kjøp matter', 'kari@k.no', '2025-02-01', 'open', "
            "NULL, '', NULL);"
            "INSERT INTO case_events VALUES (9, 4, 1735800000, 'kari@k.no', 'console', 'filed', "
            "'');"
            "INSERT INTO case_events VALUES (10, 4, 1735800000, 'kari@k.no', 'console', "
            "'received', '');");
        statement conversation{db, "INSERT INTO conversations VALUES (?, ?, ?, ?)"};
        conversation
            .bind_all("kari@k.no", "console",
                      conversation_to_json(bot::conversation_state{"file", {{"unit", "helse"}}}),
                      1735800000)
            .run();
    }
    REQUIRE(user_version(path) == 2);

    store s{{path}};
    CHECK(user_version(path) == latest_schema_version());
    {
        database db{path, open_mode::existing};
        for (const auto* table : {"inbound_seen", "conversations"}) {
            CAPTURE(table);
            statement sql{db, "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?"};
            sql.bind_all(table);
            REQUIRE(sql.step());
            CHECK_THAT(sql.text(0), Catch::EndsWith("WITHOUT ROWID"));
        }
    }
    {
        // A case's rowid is its number; no index of its own is needed to find it, and a
        // second case with the same (year, seq) cannot exist.
        database db{path, open_mode::existing};
        CHECK(db.query_int(
                  "SELECT count(*) FROM pragma_index_list('cases') WHERE \"unique\" = 1") == 0);
        CHECK(db.query_int("SELECT id FROM cases WHERE human_id = 'AV-2025-0007'") == 2025000007);
        CHECK(db.query_int("SELECT count(*) FROM measures WHERE case_id = 2025000007") == 1);
        CHECK(db.query_int("SELECT count(*) FROM case_events WHERE case_id = 2025000007") == 2);
        CHECK_THROWS_WITH(
            db.exec("INSERT INTO cases SELECT 2025000007, 'AV-2025-0007x', year, "
                    "seq, kind, category, unit_id, reporter_email, description, "
                    "occurred, immediate_action, state, probability, consequence, "
                    "authority, authority_note, conclusion, created_at, updated_at "
                    "FROM cases"),
            path.string() + ": cannot run a statement: UNIQUE constraint failed: cases.id");
        CHECK(db.query_int("SELECT count(*) FROM pragma_foreign_key_check") == 0);
    }
    s.with_read([](const bot::directory&, const bot::repository& repo) {
        struct row {
            const char* human_id;
            bool found;
        };
        const row rows[] = {
            {"AV-2025-0007", true},
            {"AV-2025-7", false},
            {"av-2025-0007", false},
            {"AV-2025-0008", false},
            {"AV-2025-", false},
            {"2025-0007", false},
            {"", false},
            {"AV--0007", false},
        };
        for (const auto& r : rows) {
            CAPTURE(r.human_id);
            const auto c = repo.find_case(r.human_id);
            REQUIRE(c.has_value() == r.found);
            if (c) {
                CHECK(c->id == 2025000007);
                REQUIRE(c->measures.size() == 1);
                CHECK(c->measures[0].text == "Kjøp matter");
            }
        }
        CHECK(repo.next_case_seq(2025) == 8);
    });
    const auto report = s.report_cases(2025);
    REQUIRE(report.size() == 1);
    // Two lines in the same second keep the order they were written in.
    REQUIRE(report[0].history.size() == 2);
    CHECK(report[0].history[0].kind == "filed");
    CHECK(report[0].history[1].kind == "received");
    CHECK(count_rows(path, "inbound_seen") == 1);
    CHECK(s.handle(event("console:old:1", "kari@k.no"), t0,
                   [](const bot::directory&, const bot::repository&) { return bot::decision{}; })
              .duplicate);
    s.with_read([](const bot::directory& dir, const bot::repository& repo) {
        CHECK(repo.conversation("kari@k.no", bot::channel::console).fields.at("unit") == "helse");
        CHECK(dir.find_person("kari@k.no")->lang == bot::language::en);
    });

    // Both tables take new rows and replace old ones after the migration.
    s.handle(event("k1", "kari@k.no"), t0, [](const bot::directory&, const bot::repository&) {
        bot::decision d;
        d.conversation = bot::conversation_state{"file", {{"unit", "solbakken"}}};
        d.events = {{"AV-2025-0007", {}, "kari@k.no", bot::channel::console, "assessed", ""}};
        return d;
    });
    const auto history = s.report_cases(2025)[0].history;
    REQUIRE(history.size() == 3);
    CHECK(history[2].kind == "assessed");
    CHECK(count_rows(path, "inbound_seen") == 2);
    CHECK(count_rows(path, "conversations") == 1);
    s.with_read([](const bot::directory&, const bot::repository& repo) {
        CHECK(repo.conversation("kari@k.no", bot::channel::console).fields.at("unit") ==
              "solbakken");
    });
    CHECK(integrity(path) == "ok");
}

TEST_CASE("migrating leaves foreign keys switched as they were", "[store]") {
    for (const bool on : {true, false}) {
        CAPTURE(on);
        temp_folder tmp;
        database db{tmp.path() / "fk.db", open_mode::create};
        db.exec(on ? "PRAGMA foreign_keys = ON" : "PRAGMA foreign_keys = OFF");
        migrate(db);
        CHECK(db.query_int("PRAGMA user_version") == latest_schema_version());
        CHECK(db.query_int("PRAGMA foreign_keys") == (on ? 1 : 0));
    }
}

TEST_CASE("a database written by a newer release is refused and left as it was", "[store]") {
    temp_folder tmp;
    const auto path = tmp.path() / "new.db";
    { store s{{path}}; }
    {
        database db{path, open_mode::existing};
        db.exec("PRAGMA user_version = 99");
    }
    const auto before = read_bytes(path);
    try {
        store s{{path}};
        FAIL("opened a database with a newer schema");
    } catch (const store_error& e) {
        CHECK(std::string{e.what()} == path.string() +
                                           ": the database has schema version 99, but this "
                                           "kvalitetsvakt knows versions up to " +
                                           std::to_string(latest_schema_version()) +
                                           "; it was written by a newer release, use that "
                                           "release or newer");
    }
    CHECK(read_bytes(path) == before);
    CHECK(user_version(path) == 99);
}

TEST_CASE("a file that is not a usable database is refused and never overwritten", "[store]") {
    struct row {
        const char* label;
        std::string bytes;
        std::string message;  // after "<path>: "
        int code;
    };
    std::string damaged_header = std::string{"SQLite format 3", 16} + std::string(4080, '\x7f');
    const row rows[] = {
        {"4 KB of text", std::string(4096, 'a'),
         "cannot read the database: the file is not an SQLite database", 26},
        {"an SQLite header followed by noise", damaged_header,
         "cannot read the database: the file is not an SQLite database", 26},
    };
    for (const auto& r : rows) {
        CAPTURE(r.label);
        temp_folder tmp;
        const auto path = tmp.path() / "kv.db";
        write_bytes(path, r.bytes);
        try {
            store s{{path}};
            FAIL("opened a file that is not a database");
        } catch (const store_error& e) {
            CHECK(std::string{e.what()} == path.string() + ": " + r.message);
            CHECK(e.code() == r.code);
        }
        CHECK(read_bytes(path) == r.bytes);
    }
}

TEST_CASE("a damaged database is refused with the damage named", "[store]") {
    temp_folder tmp;
    const auto path = tmp.path() / "kv.db";
    {
        store s{{path}};
        s.sync_organisation(small_org(), t0);
        for (int i = 1; i <= 50; ++i) {
            s.handle(event("k" + std::to_string(i)), t0,
                     [i](const bot::directory&, const bot::repository&) {
                         bot::decision d;
                         d.case_write = new_case(2026, i);
                         d.case_write->description = std::string(300, 'x');
                         return d;
                     });
        }
    }
    auto bytes = read_bytes(path);
    REQUIRE(bytes.size() > 4 * 4096);
    // Scribble over the middle of the third page: a b-tree page of one of the tables.
    for (std::size_t i = 2 * 4096 + 8; i < 3 * 4096; ++i) {
        bytes[i] = '\x55';
    }
    write_bytes(path, bytes);
    try {
        store s{{path}};
        FAIL("opened a damaged database");
    } catch (const store_error& e) {
        CHECK_THAT(e.what(), Catch::StartsWith(path.string() + ": "));
        CHECK_THAT(e.what(), Catch::Contains("damaged") || Catch::Contains("malformed"));
        CHECK(e.code() == 11);
    }
    CHECK(read_bytes(path) == bytes);
}

TEST_CASE("a database this user cannot write is refused, naming the file", "[store]") {
    if (geteuid() != 0) {
        WARN("needs root to switch to an unprivileged user; skipped");
        return;
    }
    struct row {
        const char* label;
        mode_t file_mode;
        mode_t folder_mode;
        std::string message;  // after "<path>: "
    };
    const row rows[] = {
        {"read-only file", 0444, 0755,
         "cannot open the database for writing: the file or its folder is read-only for this "
         "user"},
        {"file owned by someone else", 0644, 0755,
         "cannot open the database for writing: the file or its folder is read-only for this "
         "user"},
    };
    for (const auto& r : rows) {
        CAPTURE(r.label);
        temp_folder tmp;
        const auto folder = tmp.path() / "data";
        const auto path = folder / "kv.db";
        { store s{{path}}; }
        REQUIRE(chmod(tmp.path().c_str(), 0755) == 0);
        REQUIRE(chmod(folder.c_str(), r.folder_mode) == 0);
        REQUIRE(chmod(path.c_str(), r.file_mode) == 0);
        const auto before = read_bytes(path);

        int fds[2];
        REQUIRE(pipe(fds) == 0);
        const pid_t child = fork();
        REQUIRE(child >= 0);
        if (child == 0) {
            close(fds[0]);
            std::string report;
            if (setgid(65534) != 0 || setuid(65534) != 0) {
                report = "setuid failed";
            } else {
                try {
                    store s{{path}};
                    report = "opened";
                } catch (const store_error& e) {
                    report = e.what();
                }
            }
            const auto written = write(fds[1], report.data(), report.size());
            _exit(written == static_cast<ssize_t>(report.size()) ? 0 : 1);
        }
        close(fds[1]);
        std::string reported;
        char buf[512];
        for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;) {
            reported.append(buf, static_cast<std::size_t>(n));
        }
        close(fds[0]);
        int status = 0;
        waitpid(child, &status, 0);
        CHECK(WIFEXITED(status));
        CHECK(reported == path.string() + ": " + r.message);
        CHECK(read_bytes(path) == before);
    }
}
