#include "tests/bench/schedule/raw_queries.hpp"

#include <string>

#include "bot/domain/oslo_time.hpp"
#include "bot/schedule/work_calendar.hpp"

namespace kv::bench {

using namespace std::chrono;

std::optional<sys_seconds> raw_next_due(daemon::database& db, sys_seconds now) {
    auto& s = db.cached(
        "SELECT MIN(d) FROM ("
        " SELECT date(MIN(due_date), '-30 days') AS d FROM procedures"
        "  WHERE active = 1 AND due_date > date(?1, '+30 days')"
        " UNION ALL SELECT date(MIN(due_date), '-7 days') FROM procedures"
        "  WHERE active = 1 AND due_date > date(?1, '+7 days')"
        " UNION ALL SELECT date(MIN(due_date), '+14 days') FROM procedures"
        "  WHERE active = 1 AND due_date > date(?1, '-14 days')"
        " UNION ALL SELECT date(MIN(due_date), '+30 days') FROM procedures"
        "  WHERE active = 1 AND due_date > date(?1, '-30 days')"
        " UNION ALL SELECT MIN(date(due_date, '+' || (7 * (CAST(julianday(?1) - "
        "   julianday(due_date) AS INTEGER) / 7 + 1)) || ' days')) FROM procedures"
        "  WHERE active = 1 AND due_date <= ?1"
        " UNION ALL SELECT date(MIN(due_date), '+1 day') FROM measures"
        "  WHERE state = 'open' AND due_date >= ?1)");
    s.bind_all(bot::format_date(bot::to_oslo(now).date));
    if (!s.step() || s.is_null(0)) {
        return std::nullopt;
    }
    const auto date = bot::parse_iso_date(s.text(0));
    if (!date) {
        return std::nullopt;
    }
    return bot::work_calendar::at_local(*date, seconds{0});
}

namespace {

std::int64_t read_all(daemon::statement& s) {
    std::int64_t rows = 0;
    while (s.step()) {
        for (int col = 0; col < 12; ++col) {
            (void)s.text(col);
        }
        ++rows;
    }
    return rows;
}

}  // namespace

raw_due_rows raw_due_at(daemon::database& db, sys_seconds now, sys_seconds new_case_cutoff) {
    const std::string today = bot::format_date(bot::to_oslo(now).date);
    raw_due_rows out;
    auto& procedures = db.cached(
        "SELECT id, title, area, subgroup, unit_id, owner_email, revision_owner_email, version, "
        "last_reviewed, interval_months, due_date, url FROM procedures "
        "WHERE active = 1 AND due_date <= date(?, '+30 days') "
        "AND id NOT IN (SELECT subject FROM approvals WHERE state = 'pending')");
    procedures.bind_all(today);
    out.procedures = read_all(procedures);
    auto& cases = db.cached(
        "SELECT human_id, kind, category, unit_id, reporter_email, description, occurred, "
        "immediate_action, state, probability, consequence, created_at FROM cases "
        "WHERE state = 'ny' AND created_at <= ? "
        "AND unit_id IN (SELECT id FROM units WHERE active = 1)");
    cases.bind_all(new_case_cutoff.time_since_epoch().count());
    out.cases = read_all(cases);
    auto& measures = db.cached(
        "SELECT c.human_id, m.number, m.text, m.responsible_email, m.due_date, m.state, "
        "c.unit_id, c.kind, c.category, c.description, c.state, c.created_at "
        "FROM measures m JOIN cases c ON c.id = m.case_id "
        "WHERE m.state = 'open' AND m.due_date < ? AND c.state <> 'lukket' "
        "AND c.unit_id IN (SELECT id FROM units WHERE active = 1)");
    measures.bind_all(today);
    out.measures = read_all(measures);
    return out;
}

}  // namespace kv::bench
