// Schema version 18: a successful case action's audit record is the history line it writes, and
// new cases are found per unit.

#include <catch2/catch.hpp>
#include <string>

#include "daemon/store/schema.hpp"
#include "tests/daemon/store/store_fixture.hpp"

namespace kv::daemon::test {
namespace {

// Ola files case `seq`; the bot's audit record for it says so, as the filing flow's does.
bot::decision filing(int seq) {
    bot::decision d;
    d.case_write = new_case(2026, seq);
    d.events = {{human_id(2026, seq), {}, "ola@k.no", bot::channel::console, "filed", ""}};
    d.audit = {{"ola@k.no", bot::channel::console, "case.file", human_id(2026, seq), "ok", ""}};
    return d;
}

// Kari receives case `seq`; Per, who may not, presses "close" on it in the same decision.
bot::decision receipt_and_refusal(int seq) {
    bot::decision d;
    auto c = new_case(2026, seq);
    c.id = 2026'000'000 + seq;
    c.state = bot::case_state::mottatt;
    d.case_write = c;
    d.events = {{human_id(2026, seq), {}, "kari@k.no", bot::channel::teams, "received", ""}};
    d.audit = {
        {"kari@k.no", bot::channel::teams, "case.receive", human_id(2026, seq), "ok", ""},
        {"per@k.no", bot::channel::email, "denied:case.close", human_id(2026, seq), "denied", ""},
        {"kari@k.no", bot::channel::teams, "case.note", human_id(2026, seq), "ok", "detail"}};
    return d;
}

std::string audit_lines(database& db) {
    statement s{db,
                "SELECT group_concat(line, ' | ') FROM (SELECT at || ' ' || actor_email || ' ' || "
                "via || ' ' || action || ' ' || target || ' ' || outcome || ' ' || detail AS line "
                "FROM audit_log WHERE via <> 'system' ORDER BY at, action)"};
    s.step();
    return s.text(0);
}

}  // namespace

TEST_CASE("a case action's audit record is its history line; everything else has a row of its own",
          "[store]") {
    temp_folder tmp;
    const auto path = tmp.path() / "kv.db";
    store s{{path}};
    s.sync_organisation(small_org(), t0);

    s.handle(event("k1"), t0,
             [](const bot::directory&, const bot::repository&) { return filing(1); });
    s.handle(event("k2", "kari@k.no"), t0 + 60s,
             [](const bot::directory&, const bot::repository&) { return receipt_and_refusal(1); });

    const auto at = std::to_string(t0.time_since_epoch().count());
    const auto later = std::to_string((t0 + 60s).time_since_epoch().count());
    CHECK(audit_lines(s.db()) == at + " ola@k.no console case.file AV-2026-0001 ok  | " + later +
                                     " kari@k.no teams case.note AV-2026-0001 ok detail | " +
                                     later + " kari@k.no teams case.receive AV-2026-0001 ok  | " +
                                     later +
                                     " per@k.no email denied:case.close AV-2026-0001 denied ");
    // Two of the four records ride on history lines: the audit table holds the other two.
    CHECK(count_rows(path, "audit WHERE via <> 'system'") == 2);
    CHECK(count_rows(path, "case_events WHERE action <> ''") == 2);

    // The reporter's history is unchanged by what its lines carry.
    const auto report = s.report_cases(2026);
    REQUIRE(report.size() == 1);
    REQUIRE(report[0].history.size() == 2);
    CHECK(report[0].history[0].kind == "filed");
    CHECK(report[0].history[1].kind == "received");
}

TEST_CASE("a version 17 database keeps its audit records and history when migrated", "[store]") {
    temp_folder tmp;
    const auto path = tmp.path() / "kv.db";
    {
        store s{{path}};
        s.sync_organisation(small_org(), t0);
        s.db().exec(std::string{schema_before_v18});
        // What version 17 wrote for a filing: a history line and an audit row of its own.
        s.db().exec(
            "INSERT INTO cases VALUES (2026000001, 'AV-2026-0001', 2026, 1, 'avvik', "
            "'tjeneste', 'helse', 'ola@k.no', 'Feil medisin gitt', '2026-09-20 14:00', "
            "'Lege kontaktet', 'ny', NULL, NULL, 'none', '', '', 1790000000, 1790000000);"
            "INSERT INTO case_events VALUES (2026000001, 1, 1790000000, 'ola@k.no', 'console', "
            "'filed', '');"
            "INSERT INTO audit (at, actor_email, via, action, target, outcome, detail) VALUES "
            "(1790000000, 'ola@k.no', 'console', 'case.file', 'AV-2026-0001', 'ok', '');");
    }
    store s{{path}};
    CHECK(s.db().query_int("PRAGMA user_version") == latest_schema_version());
    CHECK(audit_lines(s.db()) == "1790000000 ola@k.no console case.file AV-2026-0001 ok ");
    CHECK(s.db().query_int("SELECT count(*) FROM pragma_index_list('cases') WHERE name = "
                           "'cases_by_state'") == 0);
    CHECK(s.db().query_int("SELECT count(*) FROM pragma_index_info('cases_by_unit')") == 3);

    // A filing after the migration writes its audit record on its history line.
    s.handle(event("k1"), t0,
             [](const bot::directory&, const bot::repository&) { return filing(2); });
    CHECK(s.db().query_int("SELECT count(*) FROM audit_log WHERE action = 'case.file'") == 2);
    CHECK(s.db().query_int("SELECT count(*) FROM audit WHERE action = 'case.file'") == 1);
    CHECK(integrity(path) == "ok");
}

}  // namespace kv::daemon::test
