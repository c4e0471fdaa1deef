#include "daemon/store/store.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <set>

#include "daemon/store/message_json.hpp"
#include "tests/daemon/store/store_fixture.hpp"

using namespace kv;
using namespace kv::daemon;
using namespace kv::daemon::test;

namespace {

bot::measure measure(int number, const std::string& text, const std::string& responsible) {
    bot::measure m;
    m.number = number;
    m.text = text;
    m.responsible_email = responsible;
    m.due_date = "2026-10-01";
    return m;
}

bot::decision filing_decision(int seq) {
    bot::decision d;
    d.case_write = new_case(2026, seq);
    d.case_write->measures = {measure(1, "Dobbeltkontroll", "kari@k.no")};
    d.events = {{human_id(2026, seq), {}, "ola@k.no", bot::channel::console, "filed", ""}};
    d.audit = {{"ola@k.no", bot::channel::console, "case.file", human_id(2026, seq), "ok", ""}};
    bot::message m;
    m.title = "Nytt avvik " + human_id(2026, seq);
    m.subject_key = "case:" + human_id(2026, seq);
    d.notifications = {{"kari@k.no", m, false, "filed:" + human_id(2026, seq)}};
    d.conversation = bot::conversation_state{};
    d.replies = {bot::message{"Mottatt", {}, "", {}, ""}};
    return d;
}

const char* const written_tables[] = {"cases",  "measures",      "case_events", "audit",
                                      "outbox", "conversations", "inbound_seen"};

// Rows a decision may have written; the daemon's own audit rows (organisation sync) excluded.
std::int64_t written_rows(const std::filesystem::path& path) {
    std::int64_t total = 0;
    for (const auto* table : written_tables) {
        total += count_rows(path, table);
    }
    return total - count_rows(path, "audit WHERE via = 'system'");
}

int wait_for(pid_t child) {
    int status = 0;
    waitpid(child, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// A store on a fresh file with the small organisation synced into it.
struct store_fixture {
    temp_folder tmp;
    std::filesystem::path path = tmp.path() / "kv.db";
    store s{{path}};
    store_fixture() { s.sync_organisation(small_org(), t0); }
};

}  // namespace

TEST_CASE_METHOD(store_fixture, "handle applies a whole decision and the views see it", "[store]") {
    // The sender is mid-dialog; the decision files a case and ends the dialog.
    s.handle(event("k0"), t0, [](const bot::directory&, const bot::repository&) {
        bot::decision d;
        d.conversation = bot::conversation_state{"file", {{"unit", "helse"}}};
        return d;
    });
    const auto result =
        s.handle(event("k1"), t0 + 10s, [](const bot::directory& dir, const bot::repository& repo) {
            CHECK(dir.find_person("ola@k.no")->unit_id == "helse");
            CHECK(repo.conversation("ola@k.no", bot::channel::console).flow == "file");
            auto d = filing_decision(repo.next_case_seq(2026));
            d.preferences = bot::person_preferences{"ola@k.no", bot::language::en};
            return d;
        });
    CHECK_FALSE(result.duplicate);
    CHECK(result.decision.replies.size() == 1);

    s.with_read([](const bot::directory& dir, const bot::repository& repo) {
        const auto c = repo.find_case("AV-2026-0001");
        REQUIRE(c);
        CHECK(c->id > 0);
        CHECK(c->created_at == t0 + 10s);
        REQUIRE(c->measures.size() == 1);
        CHECK(c->measures[0].responsible_email == "kari@k.no");
        CHECK(repo.cases_reported_by("ola@k.no").size() == 1);
        CHECK(repo.open_cases_in({"helse", "skole"}).size() == 1);
        CHECK(repo.open_cases_in({"skole"}).empty());
        CHECK(repo.next_case_seq(2026) == 2);
        CHECK(repo.next_case_seq(2027) == 1);
        CHECK(repo.conversation("ola@k.no", bot::channel::console).empty());
        CHECK(dir.find_person("ola@k.no")->lang == bot::language::en);
        CHECK(dir.all_units().size() == 3);
        const auto committees = dir.all_committees();
        REQUIRE(committees.size() == 1);
        CHECK(committees[0].members.size() == 2);
        CHECK(committees[0].members[0].role == "chair");
    });

    const auto due = s.due_outbox(t0 + 10s, std::nullopt, std::nullopt, 10);
    REQUIRE(due.size() == 1);
    CHECK(due[0].recipient_email == "kari@k.no");
    CHECK(due[0].via == bot::channel::teams);  // Kari's preferred channel
    CHECK(due[0].body.title == "Nytt avvik AV-2026-0001");
    CHECK(due[0].dedupe_key == "filed:AV-2026-0001");

    const auto report = s.report_cases(2026);
    REQUIRE(report.size() == 1);
    REQUIRE(report[0].history.size() == 1);
    CHECK(report[0].history[0].kind == "filed");
    CHECK(report[0].history[0].at == t0 + 10s);
    // The filing's audit record is its history line, which names the action.
    CHECK(count_rows(path,
                     "audit_log WHERE action = 'case.file' AND target = 'AV-2026-0001' AND "
                     "actor_email = 'ola@k.no' AND via = 'console' AND outcome = 'ok' AND "
                     "at = " +
                         std::to_string((t0 + 10s).time_since_epoch().count())) == 1);
    CHECK(count_rows(path, "audit WHERE action = 'case.file'") == 0);
    CHECK(count_rows(path, "audit_log WHERE action = 'organisation.sync'") == 1);
}

TEST_CASE_METHOD(store_fixture, "a later decision updates the case and replaces its measures",
                 "[store]") {
    s.handle(event("k1"), t0,
             [](const bot::directory&, const bot::repository&) { return filing_decision(1); });
    s.handle(event("k2", "kari@k.no"), t0 + 60s,
             [](const bot::directory&, const bot::repository& repo) {
                 bot::decision d;
                 auto c = *repo.find_case("AV-2026-0001");
                 c.state = bot::case_state::under_behandling;
                 c.risk = bot::risk_assessment{4, 5};
                 c.measures[0].state = bot::measure_state::done;
                 c.measures[0].done_at = t0 + 60s;
                 c.measures.push_back(measure(2, "Opplæring", "per@k.no"));
                 c.updated_at = {};
                 d.case_write = c;
                 d.events = {{c.human_id, {}, "kari@k.no", bot::channel::teams, "assessed", "4x5"}};
                 return d;
             });
    const auto rows = s.report_cases(std::nullopt);
    REQUIRE(rows.size() == 1);
    const auto& c = rows[0].c;
    CHECK(c.state == bot::case_state::under_behandling);
    CHECK(c.risk->score() == 20);
    CHECK(c.created_at == t0);
    CHECK(c.updated_at == t0 + 60s);
    REQUIRE(c.measures.size() == 2);
    CHECK(c.measures[0].done_at == t0 + 60s);
    CHECK(c.measures[1].text == "Opplæring");
    REQUIRE(rows[0].history.size() == 2);
    CHECK(rows[0].history[1].via == "teams");
}

TEST_CASE_METHOD(store_fixture, "an event handled twice is applied once", "[store]") {
    int decided = 0;
    const auto decide = [&](const bot::directory&, const bot::repository& repo) {
        ++decided;
        return filing_decision(repo.next_case_seq(2026));
    };
    CHECK_FALSE(s.handle(event("same"), t0, decide).duplicate);
    const auto before = written_rows(path);
    const auto second = s.handle(event("same"), t0 + 1s, decide);
    CHECK(second.duplicate);
    CHECK(second.decision.replies.empty());
    CHECK(decided == 1);
    CHECK(written_rows(path) == before);
}

TEST_CASE_METHOD(store_fixture, "a decide that throws leaves nothing behind", "[store]") {
    CHECK_THROWS_WITH(s.handle(event("k1"), t0,
                               [](const bot::directory&, const bot::repository&) -> bot::decision {
                                   throw std::runtime_error("bug in the dialog");
                               }),
                      "bug in the dialog");
    CHECK(written_rows(path) == 0);
    // The key was not recorded, so the event can be handled once the bug is fixed.
    CHECK_FALSE(s.handle(event("k1"), t0, [](const bot::directory&, const bot::repository&) {
                     return filing_decision(1);
                 }).duplicate);
}

TEST_CASE_METHOD(store_fixture, "a write failing at any step leaves nothing behind", "[store]") {
    {
        // Every write to a table the decision touches counts down; the n-th one fails.
        database db{path, open_mode::existing};
        db.exec("CREATE TABLE fault (remaining INTEGER NOT NULL); INSERT INTO fault VALUES (0);");
        for (const auto* table : written_tables) {
            for (const auto* op : {"INSERT", "UPDATE"}) {
                db.exec(std::string{"CREATE TRIGGER fault_"} + op + "_" + table + " BEFORE " + op +
                        " ON " + table +
                        " BEGIN UPDATE fault SET remaining = remaining - 1; "
                        "SELECT RAISE(ABORT, 'injected fault') WHERE (SELECT remaining FROM fault) "
                        "< 0; END;");
            }
        }
        db.exec(
            "CREATE TRIGGER fault_prefs BEFORE UPDATE ON persons BEGIN UPDATE fault SET remaining "
            "= remaining - 1; SELECT RAISE(ABORT, 'injected fault') WHERE (SELECT remaining FROM "
            "fault) < 0; END;");
    }
    const auto decide = [](const bot::directory&, const bot::repository&) {
        auto d = filing_decision(1);
        d.conversation = bot::conversation_state{"input", {{"step", "2"}}};
        d.preferences = bot::person_preferences{"ola@k.no", bot::language::en};
        // The filing's audit record rides on its history line; this one has a row of its own.
        d.audit.push_back(
            {"ola@k.no", bot::channel::console, "preferences.lang", "ola@k.no", "ok", "en"});
        return d;
    };
    int failures = 0;
    for (int n = 0; n < 50; ++n) {
        CAPTURE(n);
        {
            database db{path, open_mode::existing};
            statement arm{db, "UPDATE fault SET remaining = ?"};
            arm.bind_all(n).run();
        }
        try {
            s.handle(event("k1"), t0, decide);
            break;
        } catch (const store_error& e) {
            ++failures;
            CHECK_THAT(e.what(), Catch::Contains("injected fault"));
            CHECK(written_rows(path) == 0);
            s.with_read([](const bot::directory& dir, const bot::repository&) {
                CHECK(dir.find_person("ola@k.no")->lang == bot::language::nb);
            });
        }
    }
    // case, measure, event, audit, outbox, conversation, preference, dedupe key
    CHECK(failures == 8);
    CHECK(count_rows(path, "cases") == 1);
    CHECK(count_rows(path, "inbound_seen") == 1);
}

TEST_CASE("a process dying inside a transaction leaves the database consistent", "[store]") {
    temp_folder tmp;
    const auto path = tmp.path() / "kv.db";
    {
        store s{{path}};
        s.sync_organisation(small_org(), t0);
    }
    struct row {
        const char* label;
        void (*child)(const std::filesystem::path&);
    };
    const row rows[] = {
        {"exit while deciding",
         [](const std::filesystem::path& p) {
             store s{{p}};
             s.handle(event("crash"), t0, [](const bot::directory&, const bot::repository&) {
                 _exit(0);
                 return bot::decision{};
             });
         }},
        {"exit after many uncommitted writes",
         [](const std::filesystem::path& p) {
             database db{p, open_mode::existing};
             db.exec("PRAGMA cache_size = 4");  // small cache: pages spill into the WAL file
             db.exec("BEGIN IMMEDIATE");
             statement ins{db,
                           "INSERT INTO cases (id, human_id, year, seq, kind, category, "
                           "unit_id, reporter_email, description, occurred, immediate_action, "
                           "state, authority, authority_note, conclusion, created_at, updated_at) "
                           "VALUES (2026000000 + ?, ?, 2026, ?, 'avvik', 'hms', 'helse', "
                           "'ola@k.no', ?, '', '', 'ny', 'none', '', '', 0, 0)"};
             for (int i = 1; i <= 2000; ++i) {
                 ins.reset();
                 ins.bind_all(i, human_id(2026, i), i, std::string(500, 'x')).run();
             }
             _exit(0);
         }},
    };
    for (const auto& r : rows) {
        CAPTURE(r.label);
        const auto seen_before = count_rows(path, "inbound_seen");
        const pid_t child = fork();
        REQUIRE(child >= 0);
        if (child == 0) {
            r.child(path);
            _exit(1);
        }
        CHECK(wait_for(child) == 0);

        store s{{path}};
        CHECK(integrity(path) == "ok");
        CHECK(count_rows(path, "cases") == 0);
        CHECK(count_rows(path, "inbound_seen") == seen_before);
        // The lock died with the process: the next writer gets in at once.
        CHECK_FALSE(
            s.handle(event(std::string{"after "} + r.label), t0,
                     [](const bot::directory&, const bot::repository&) { return bot::decision{}; })
                .duplicate);
    }
}

TEST_CASE("two processes filing cases at once get distinct numbers", "[store]") {
    temp_folder tmp;
    const auto path = tmp.path() / "kv.db";
    {
        store s{{path}};
        s.sync_organisation(small_org(), t0);
    }
    constexpr int per_process = 200;
    pid_t children[2];
    for (int p = 0; p < 2; ++p) {
        children[p] = fork();
        REQUIRE(children[p] >= 0);
        if (children[p] == 0) {
            try {
                store s{{path, true, 60000}};
                for (int i = 0; i < per_process; ++i) {
                    s.handle(event("p" + std::to_string(p) + ":" + std::to_string(i)), t0,
                             [](const bot::directory&, const bot::repository& repo) {
                                 bot::decision d;
                                 d.case_write = new_case(2026, repo.next_case_seq(2026));
                                 d.events = {{d.case_write->human_id,
                                              {},
                                              "ola@k.no",
                                              bot::channel::console,
                                              "filed",
                                              ""}};
                                 return d;
                             });
                }
            } catch (...) {
                _exit(1);
            }
            _exit(0);
        }
    }
    CHECK(wait_for(children[0]) == 0);
    CHECK(wait_for(children[1]) == 0);

    store s{{path}};
    const auto rows = s.report_cases(2026);
    REQUIRE(rows.size() == 2 * per_process);
    for (int i = 0; i < 2 * per_process; ++i) {
        CHECK(rows[static_cast<std::size_t>(i)].c.seq == i + 1);
        CHECK(rows[static_cast<std::size_t>(i)].history.size() == 1);
    }
    CHECK(integrity(path) == "ok");
}

TEST_CASE_METHOD(store_fixture, "the outbox hands out due rows and records their fate", "[store]") {
    bot::decision d;
    const auto note = [](const std::string& to, const std::string& key, bool urgent) {
        bot::message m;
        m.title = key;
        return bot::notification{to, m, urgent, key};
    };
    d.notifications = {note("kari@k.no", "a", false), note("per@k.no", "b", false),
                       note("sigrid@k.no", "c", true), note("kari@k.no", "a", false)};
    s.apply(d, "system", bot::channel::console, t0);
    // Queueing the same notification again, later, changes nothing.
    s.apply(d, "system", bot::channel::console, t0 + 5s);
    CHECK(count_rows(path, "outbox") == 3);
    CHECK(s.outbox_depth().pending == 3);
    CHECK(s.due_outbox(t0 - 1s, std::nullopt, std::nullopt, 10).empty());

    struct row {
        const char* label;
        std::optional<bot::channel> via;
        std::optional<std::string> recipient;
        int limit;
        std::vector<std::string> titles;
    };
    const row rows[] = {
        {"all, urgent first", std::nullopt, std::nullopt, 10, {"c", "a", "b"}},
        {"limited", std::nullopt, std::nullopt, 2, {"c", "a"}},
        {"email only", bot::channel::email, std::nullopt, 10, {"c", "b"}},
        {"one recipient", std::nullopt, std::string{"kari@k.no"}, 10, {"a"}},
        {"channel and recipient", bot::channel::teams, std::string{"per@k.no"}, 10, {}},
    };
    for (const auto& r : rows) {
        CAPTURE(r.label);
        std::vector<std::string> titles;
        for (const auto& item : s.due_outbox(t0, r.via, r.recipient, r.limit)) {
            titles.push_back(item.body.title);
        }
        CHECK(titles == r.titles);
    }

    const auto due = s.due_outbox(t0, std::nullopt, std::nullopt, 10);
    s.mark_delivered(due[0].id, t0 + 1s);
    s.mark_attempt_failed(due[1].id, "503 from Teams", t0 + 30s, false);
    s.mark_attempt_failed(due[2].id, "mailbox unknown", t0 + 30s, true);
    CHECK(s.outbox_depth().pending == 1);
    CHECK(s.outbox_depth().failed == 1);
    CHECK(s.due_outbox(t0 + 29s, std::nullopt, std::nullopt, 10).empty());
    const auto retry = s.due_outbox(t0 + 30s, std::nullopt, std::nullopt, 10);
    REQUIRE(retry.size() == 1);
    CHECK(retry[0].body.title == "a");
    CHECK(retry[0].attempts == 1);
    CHECK(retry[0].not_before == t0 + 30s);
    CHECK(retry[0].created_at == t0);
}

TEST_CASE_METHOD(store_fixture,
                 "an answer meant for the chat it was asked in keeps that channel in the outbox",
                 "[store]") {
    bot::decision d;
    bot::message m;
    m.title = "Svar";
    // Per prefers email, but asked in Teams: the answer waits for Teams, not for his mailbox.
    d.notifications = {{"per@k.no", m, true, "teams:reply:1", bot::channel::teams},
                       {"per@k.no", m, false, "notice:1"}};
    s.apply(d, "per@k.no", bot::channel::teams, t0);
    const auto teams = s.due_outbox(t0, bot::channel::teams, std::string{"per@k.no"}, 10);
    REQUIRE(teams.size() == 1);
    CHECK(teams[0].dedupe_key == "teams:reply:1");
    CHECK(s.due_outbox(t0, bot::channel::email, std::string{"per@k.no"}, 10).size() == 1);
}

TEST_CASE_METHOD(store_fixture, "a notification to an unknown or inactive person is audited",
                 "[store]") {
    auto org = small_org();
    org.people[1].active = false;  // per
    s.sync_organisation(org, t0);
    bot::decision d;
    d.notifications = {{"per@k.no", {}, false, "x"}, {"nobody@k.no", {}, false, "y"}};
    s.apply(d, "ola@k.no", bot::channel::console, t0);
    CHECK(count_rows(path, "outbox") == 0);
    database db{path, open_mode::existing};
    CHECK(db.query_int("SELECT count(*) FROM audit WHERE outcome = 'undeliverable'") == 2);
}

TEST_CASE_METHOD(store_fixture, "each notification is stored with its own message", "[store]") {
    bot::message card;
    card.title = "Ny sak AV-2026-0001";
    card.actions = {{"case.receive", "Motta", {{"case", "AV-2026-0001"}}, {}}};
    auto english = card;
    english.title = "New case AV-2026-0001";
    bot::decision d;
    // The leader and the deputy share a card; Sigrid reads English; Kari's copy comes last.
    d.notifications = {{"kari@k.no", card, false, "a"},
                       {"per@k.no", card, false, "b"},
                       {"sigrid@k.no", english, false, "c"},
                       {"nobody@k.no", card, false, "d"},
                       {"ola@k.no", card, false, "e"}};
    s.apply(d, "ola@k.no", bot::channel::console, t0);
    database db{path, open_mode::existing};
    statement rows{db, "SELECT recipient_email, body FROM outbox ORDER BY id"};
    std::vector<std::pair<std::string, bot::message>> stored;
    while (rows.step()) {
        stored.emplace_back(rows.text(0), message_from_json(rows.text(1)));
    }
    REQUIRE(stored.size() == 4);
    CHECK(stored[0] == std::pair{std::string{"kari@k.no"}, card});
    CHECK(stored[1] == std::pair{std::string{"per@k.no"}, card});
    CHECK(stored[2] == std::pair{std::string{"sigrid@k.no"}, english});
    CHECK(stored[3] == std::pair{std::string{"ola@k.no"}, card});
}

TEST_CASE_METHOD(store_fixture,
                 "syncing the organisation keeps chosen languages and retires people and units",
                 "[store]") {
    s.handle(event("k1", "sigrid@k.no"), t0, [](const bot::directory&, const bot::repository&) {
        bot::decision d;
        d.preferences = bot::person_preferences{"sigrid@k.no", bot::language::nb};
        return d;
    });
    s.import_people({{"lise@k.no", "Lise", "skole", "employee"}}, t0);

    auto org = small_org();
    org.people.erase(org.people.begin() + 2);  // ola leaves
    org.people[0].name = "Kari Nordmann";
    org.people.back().lang = bot::language::en;  // config still says en for Sigrid
    org.units.pop_back();                        // skole is merged away
    org.committees[0].members.pop_back();
    s.sync_organisation(org, t0 + 1h);

    s.with_read([](const bot::directory& dir, const bot::repository&) {
        CHECK(dir.find_person("kari@k.no")->name == "Kari Nordmann");
        CHECK(dir.find_person("sigrid@k.no")->lang == bot::language::nb);
        CHECK_FALSE(dir.find_person("ola@k.no")->active);
        CHECK(dir.find_person("lise@k.no")->active);  // imported, not the config's to retire
        CHECK_FALSE(dir.find_unit("skole"));
        CHECK(dir.all_units().size() == 2);
        CHECK(dir.all_committees()[0].members.size() == 1);
    });
    s.sync_organisation(small_org(), t0 + 2h);
    s.with_read([](const bot::directory& dir, const bot::repository&) {
        CHECK(dir.find_person("ola@k.no")->active);
        CHECK(dir.find_unit("skole"));
    });
}

TEST_CASE_METHOD(store_fixture, "importing people is all or nothing", "[store]") {
    const std::vector<bot::person> bad = {
        {"Nina@K.no", "Nina", "helse", "employee"},
        {"tor@k.no", "Tor", "brannvesen", "employee"},
        {"", "Uten adresse", "helse", "employee"},
    };
    const auto refused = s.import_people(bad, t0);
    CHECK(refused.errors ==
          std::vector<std::string>{"tor@k.no: unit 'brannvesen' is not a known unit",
                                   "(no email) Uten adresse: an email address is required"});
    CHECK(refused.added.empty());
    s.with_read([](const bot::directory& dir, const bot::repository&) {
        CHECK_FALSE(dir.find_person("nina@k.no"));
    });

    const std::vector<bot::person> good = {
        {"Nina@K.no", "Nina", "helse", "employee"},
        {"ola@k.no", "Ola Ansatt", "helse", "employee", bot::language::nb, bot::channel::console},
        {"per@k.no", "Per Nestleder", "skole", "deputy", bot::language::nb, bot::channel::email},
    };
    const auto report = s.import_people(good, t0);
    CHECK(report.errors.empty());
    CHECK(report.added == std::vector<std::string>{"nina@k.no"});
    CHECK(report.unchanged == std::vector<std::string>{"ola@k.no"});
    CHECK(report.changed == std::vector<std::string>{"per@k.no"});
    s.with_read([](const bot::directory& dir, const bot::repository&) {
        CHECK(dir.find_person("nina@k.no")->unit_id == "helse");
        CHECK(dir.find_person("per@k.no")->unit_id == "skole");
    });
}

TEST_CASE_METHOD(store_fixture, "the case report is ordered by year and number with history",
                 "[store]") {
    const std::pair<int, int> filed[] = {{2026, 2}, {2025, 9}, {2026, 1}};
    int n = 0;
    for (const auto& [year, seq] : filed) {
        s.handle(
            event("k" + std::to_string(++n)), t0 + std::chrono::seconds{n},
            [year = year, seq = seq](const bot::directory&, const bot::repository&) {
                bot::decision d;
                d.case_write = new_case(year, seq);
                d.events = {
                    {human_id(year, seq), {}, "ola@k.no", bot::channel::console, "filed", ""},
                    {human_id(year, seq), {}, "kari@k.no", bot::channel::teams, "received", ""}};
                return d;
            });
    }
    std::vector<std::string> ids;
    for (const auto& row : s.report_cases(std::nullopt)) {
        ids.push_back(row.c.human_id);
        REQUIRE(row.history.size() == 2);
        CHECK(row.history[0].kind == "filed");
        CHECK(row.history[1].actor_email == "kari@k.no");
    }
    CHECK(ids == std::vector<std::string>{"AV-2025-0009", "AV-2026-0001", "AV-2026-0002"});
    CHECK(s.report_cases(2025).size() == 1);
    CHECK(s.report_cases(2024).empty());
}

TEST_CASE_METHOD(store_fixture, "history for a case that does not exist is refused", "[store]") {
    CHECK_THROWS_WITH(
        s.handle(
            event("k1"), t0,
            [](const bot::directory&, const bot::repository&) {
                bot::decision d;
                d.audit = {{"ola@k.no", bot::channel::console, "x", "", "ok", ""}};
                d.events = {{"AV-2026-0404", {}, "ola@k.no", bot::channel::console, "filed", ""}};
                return d;
            }),
        path.string() +
            ": cannot record 'filed' in the history of case AV-2026-0404: there is no "
            "such case");
    CHECK(written_rows(path) == 0);
}

TEST_CASE_METHOD(store_fixture, "an unknown word in an enum column is reported with its place",
                 "[store]") {
    s.handle(event("k1"), t0,
             [](const bot::directory&, const bot::repository&) { return filing_decision(1); });
    struct row {
        const char* label;
        const char* sql;
        std::string message;
    };
    const row rows[] = {
        {"case state", "UPDATE cases SET state = 'reopened'",
         "cases.state holds an unknown value 'reopened'"},
        {"person channel", "UPDATE persons SET channel = 'fax'",
         "persons.channel holds an unknown value 'fax'"},
        {"measure state", "UPDATE measures SET state = 'half'",
         "measures.state holds an unknown value 'half'"},
    };
    for (const auto& r : rows) {
        CAPTURE(r.label);
        database db{path, open_mode::existing};
        db.exec(r.sql);
        CHECK_THROWS_WITH(s.with_read([](const bot::directory& dir, const bot::repository& repo) {
            repo.find_case("AV-2026-0001");
            dir.find_person("ola@k.no");
        }),
                          path.string() + ": " + r.message);
        db.exec(
            "UPDATE cases SET state = 'ny'; UPDATE persons SET channel = 'console'; "
            "UPDATE measures SET state = 'open';");
    }
}

TEST_CASE_METHOD(store_fixture, "a healthy store answers a trivial query", "[store]") {
    CHECK(s.healthy());
}
