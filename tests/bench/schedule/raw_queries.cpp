#include "tests/bench/schedule/raw_queries.hpp"

#include <string>
#include <string_view>
#include <tuple>
#include <utility>

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

// The anti-join every kind's keys go through: rows (subject, email, key) of CTE `k`.
constexpr std::string_view count_fresh =
    " SELECT count(DISTINCT subject), count(*) FROM k WHERE NOT EXISTS (SELECT 1 FROM outbox o"
    " WHERE o.recipient_email = k.email AND o.dedupe_key = k.key) AND NOT EXISTS (SELECT 1 FROM"
    " digest_members d WHERE d.recipient_email = k.email AND d.dedupe_key = k.key)";

std::pair<std::int64_t, std::int64_t> subjects_and_keys(daemon::statement& s) {
    if (!s.step()) {
        return {0, 0};
    }
    const std::pair<std::int64_t, std::int64_t> out{s.int64(0), s.int64(1)};
    s.reset();
    return out;
}

}  // namespace

raw_due_rows raw_fresh_due_at(daemon::database& db, sys_seconds now, const raw_cutoffs& cutoffs) {
    raw_due_rows out;
    auto& procedures = db.cached(
        "WITH p AS (SELECT pr.id, pr.due_date, pr.owner_email AS owner,"
        "  pr.revision_owner_email AS reviser,"
        "  CAST(julianday(?1) - julianday(pr.due_date) AS INTEGER) AS late,"
        "  CASE WHEN u.leader_email = pr.owner_email OR u.deputy_email = pr.owner_email"
        "   THEN coalesce(nullif(up.leader_email, ''), up.deputy_email, '')"
        "   ELSE coalesce(nullif(u.leader_email, ''), u.deputy_email, '') END AS boss"
        " FROM procedures pr LEFT JOIN persons pe ON pe.email = pr.owner_email"
        " LEFT JOIN units u ON u.id = pe.unit_id LEFT JOIN units up ON up.id = u.parent_id"
        " WHERE pr.active = 1 AND pr.due_date <= date(?1, '+30 days')"
        " AND pr.id NOT IN (SELECT subject FROM approvals WHERE state = 'pending')),"
        " k AS (SELECT id AS subject, reviser AS email, 'procedure_review:' || id || ':' ||"
        "  due_date || ':' || CASE WHEN late >= 7 THEN 'overdue-' || (late / 7) || 'w'"
        "  WHEN late >= -7 THEN 'T-7d' ELSE 'T-30d' END || ':' || reviser AS key"
        "  FROM p WHERE reviser <> ''"
        " UNION ALL SELECT id, owner, 'procedure_review:' || id || ':' || due_date ||"
        "  ':escalate-1:' || owner FROM p WHERE late >= 14 AND owner <> '' AND owner <> reviser"
        " UNION ALL SELECT id, boss, 'procedure_review:' || id || ':' || due_date ||"
        "  ':escalate-2:' || boss FROM p WHERE late >= 30 AND boss <> '' AND boss <> reviser)" +
        std::string{count_fresh});
    procedures.bind_all(bot::format_date(bot::to_oslo(now).date));
    std::tie(out.procedures, out.reminders) = subjects_and_keys(procedures);

    auto& cases = db.cached(
        "WITH c AS (SELECT c.human_id, c.created_at, u.leader_email AS leader,"
        "  u.deputy_email AS deputy,"
        "  coalesce(nullif(up.leader_email, ''), up.deputy_email, '') AS above"
        " FROM units u CROSS JOIN cases c ON c.unit_id = u.id"  // a seek per unit: cases_by_unit
        " LEFT JOIN units up ON up.id = u.parent_id"
        " WHERE c.state = 'ny' AND c.created_at <= ?1 AND u.active = 1),"
        " k AS (SELECT human_id AS subject, leader AS email,"
        "  'deviation_followup:' || human_id || '::remind-1:' || leader AS key"
        "  FROM c WHERE leader <> ''"
        " UNION ALL SELECT human_id, deputy, 'deviation_followup:' || human_id ||"
        "  '::remind-1:' || deputy FROM c WHERE deputy <> '' AND deputy <> leader"
        " UNION ALL SELECT human_id, above, 'deviation_followup:' || human_id ||"
        "  '::escalate-1:' || above FROM c WHERE created_at <= ?2 AND above <> '')" +
        std::string{count_fresh});
    cases.bind_all(cutoffs.new_case_reminded.time_since_epoch().count(),
                   cutoffs.new_case_escalated.time_since_epoch().count());
    std::int64_t keys = 0;
    std::tie(out.cases, keys) = subjects_and_keys(cases);
    out.reminders += keys;

    auto& measures = db.cached(
        "WITH m AS (SELECT c.human_id || '/' || m.number AS subject, m.due_date,"
        "  m.responsible_email AS resp,"
        "  coalesce(nullif(u.leader_email, ''), u.deputy_email, '') AS leader"
        " FROM measures m JOIN cases c ON c.id = m.case_id JOIN units u ON u.id = c.unit_id"
        " WHERE m.state = 'open' AND m.due_date < ?1 AND m.due_date <> ''"
        " AND c.state <> 'lukket' AND u.active = 1),"
        " k AS (SELECT subject, resp AS email, 'measure:' || subject || ':' || due_date ||"
        "  ':overdue-1:' || resp AS key FROM m WHERE resp <> ''"
        " UNION ALL SELECT subject, leader, 'measure:' || subject || ':' || due_date ||"
        "  ':escalate-1:' || leader FROM m WHERE due_date <= ?2 AND leader <> '')" +
        std::string{count_fresh});
    measures.bind_all(bot::format_date(bot::to_oslo(now).date),
                      bot::format_date(cutoffs.measure_escalated));
    std::tie(out.measures, keys) = subjects_and_keys(measures);
    out.reminders += keys;
    return out;
}

}  // namespace kv::bench
