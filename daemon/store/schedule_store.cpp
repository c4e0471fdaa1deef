#include "daemon/store/schedule_store.hpp"

#include <map>

#include "bot/domain/names.hpp"
#include "bot/domain/oslo_time.hpp"
#include "daemon/store/store_view.hpp"

namespace kv::daemon {

enqueued_keys::enqueued_keys(store& s)
    : find_(s.db().cached(
          "SELECT 1 FROM outbox WHERE recipient_email = ?1 AND dedupe_key = ?2 UNION ALL "
          "SELECT 1 FROM digest_members WHERE recipient_email = ?1 AND dedupe_key = ?2")) {}

bool enqueued_keys::contains(const bot::due_reminder& r) const {
    find_.reset();
    find_.bind_all(r.recipient_email, r.dedupe_key);
    const bool found = find_.step();
    find_.reset();
    return found;
}

std::vector<bool> already_enqueued(store& s, const std::vector<bot::due_reminder>& reminders) {
    const enqueued_keys enqueued{s};
    std::vector<bool> out;
    out.reserve(reminders.size());
    for (const auto& r : reminders) {
        out.push_back(enqueued.contains(r));
    }
    return out;
}

void enqueue_reminders(store& s, const std::vector<bot::due_reminder>& reminders) {
    // store::apply enqueues with not_before = its `now`, so each delivery instant is one apply.
    std::map<std::chrono::sys_seconds, bot::decision> by_instant;
    for (const auto& r : reminders) {
        auto& d = by_instant[r.deliver_at];
        d.notifications.push_back({r.recipient_email, r.body, r.urgent, r.dedupe_key});
    }
    for (const auto& [at, d] : by_instant) {
        s.apply(d, "scheduler", bot::channel::console, at);
    }
    for (const auto& r : reminders) {
        if (r.covers.empty()) {
            continue;
        }
        transaction tx{s.db(), transaction_mode::immediate};
        auto& carried = s.db().cached(
            "INSERT OR IGNORE INTO digest_members (recipient_email, dedupe_key, digest_key) "
            "VALUES (?, ?, ?)");
        for (const auto& key : r.covers) {
            carried.reset();
            carried.bind_all(r.recipient_email, key, r.dedupe_key).run();
        }
        tx.commit();
    }
}

std::set<std::string> load_daily_digest_people(database& db) {
    auto& q = db.cached(
        "SELECT d.email FROM digest_choices d JOIN persons p ON p.email = d.email "
        "WHERE d.daily = 1 AND p.active = 1");
    q.reset();
    std::set<std::string> out;
    while (q.step()) {
        out.insert(q.text(0));
    }
    q.reset();
    return out;
}

namespace {

constexpr std::string_view open_in_active_unit =
    "state <> 'lukket' AND unit_id IN (SELECT id FROM units WHERE active = 1)";

// One open measure due after `after` and on or before `last` whose case is open, in due order,
// meeting `condition` (on measures m and units u).
std::optional<bot::deviation_case> next_measure_round(database& db, const std::string& after,
                                                      const std::string& last,
                                                      std::string_view condition) {
    auto& s = db.cached(
        "SELECT m.due_date, c.human_id, c.unit_id, m.number, m.responsible_email "
        "FROM measures m JOIN cases c ON c.id = m.case_id JOIN units u ON u.id = c.unit_id "
        "WHERE m.state = 'open' AND m.due_date > ? AND m.due_date <= ? AND c.state <> 'lukket' "
        "AND u.active = 1 AND " +
        std::string{condition} + " ORDER BY m.due_date LIMIT 1");
    s.bind_all(after, last);
    if (!s.step()) {
        return std::nullopt;
    }
    bot::deviation_case c;
    c.state = bot::case_state::mottatt;
    c.human_id = s.text(1);
    c.unit_id = s.text(2);
    bot::measure m;
    m.due_date = s.text(0);
    m.number = s.integer(3);
    m.responsible_email = s.text(4);
    m.state = bot::measure_state::open;
    c.measures.push_back(std::move(m));
    s.reset();
    return c;
}

std::string day_before(std::chrono::year_month_day d) {
    return bot::format_date(
        std::chrono::year_month_day{std::chrono::sys_days{d} - std::chrono::days{1}});
}

}  // namespace

std::vector<bot::deviation_case> followup_cases_due(
    database& db, std::chrono::sys_seconds new_created_by,
    std::chrono::year_month_day measures_due_before) {
    const detail::sql_view view{db};
    return view.cases_where(
        "WHERE id IN (SELECT id FROM cases WHERE state = ? AND created_at <= ? UNION "
        "SELECT case_id FROM measures WHERE state = ? AND due_date < ?) AND " +
            std::string{open_in_active_unit},
        [&](statement& s) {
            s.bind_all(bot::to_string(bot::case_state::ny), detail::to_unix(new_created_by),
                       bot::to_string(bot::measure_state::open),
                       bot::format_date(measures_due_before));
        });
}

std::vector<bot::deviation_case> new_cases_created_after(database& db,
                                                         std::chrono::sys_seconds after) {
    const detail::sql_view view{db};
    return view.cases_where(
        "WHERE state = ? AND created_at > ? AND " + std::string{open_in_active_unit},
        [&](statement& s) {
            s.bind_all(bot::to_string(bot::case_state::ny), detail::to_unix(after));
        });
}

std::vector<bot::deviation_case> measure_rounds_due(database& db, std::chrono::year_month_day from,
                                                    std::chrono::year_month_day to) {
    const std::string last = bot::format_date(to);
    std::vector<bot::deviation_case> out;
    // A skip scan over the due dates: each query seeks past the previous date. Dates sort as
    // text, so the day before `from` starts the range at `from`.
    std::string after = day_before(from);
    while (auto round = next_measure_round(db, after, last,
                                           "(u.leader_email <> '' OR u.deputy_email <> '')")) {
        after = round->measures.front().due_date;
        out.push_back(std::move(*round));
    }
    return out;
}

std::optional<bot::deviation_case> first_measure_due_from(database& db,
                                                          std::chrono::year_month_day from) {
    return next_measure_round(db, day_before(from), "9999-12-31", "m.responsible_email <> ''");
}

std::vector<bot::deviation_case> agenda_cases_in(database& db,
                                                 const std::vector<std::string>& unit_ids,
                                                 std::chrono::year_month_day late_before) {
    auto& cases = db.cached(
        "SELECT id, human_id, year, seq, state, category, kind, probability, consequence, "
        "created_at FROM cases WHERE unit_id = ? AND state <> ?");
    auto& late = db.cached(
        "SELECT m.case_id, m.number, m.due_date FROM measures m JOIN cases c ON c.id = m.case_id "
        "WHERE m.state = ? AND m.due_date < ? AND m.due_date <> '' AND c.unit_id = ? "
        "AND c.state <> ?");
    const std::string closed{bot::to_string(bot::case_state::lukket)};
    const std::string before = bot::format_date(late_before);
    std::vector<bot::deviation_case> out;
    for (const auto& unit_id : unit_ids) {
        std::map<std::int64_t, std::size_t> index_of;
        cases.reset();
        cases.bind_all(unit_id, closed);
        while (cases.step()) {
            bot::deviation_case c;
            c.id = cases.int64(0);
            c.human_id = cases.text(1);
            c.year = cases.integer(2);
            c.seq = cases.integer(3);
            c.state = detail::parse_column(db, bot::parse_case_state, cases.text(4), "cases.state");
            c.cat = detail::parse_column(db, bot::parse_category, cases.text(5), "cases.category");
            c.kind = detail::parse_column(db, bot::parse_case_kind, cases.text(6), "cases.kind");
            c.unit_id = unit_id;
            if (!cases.is_null(7) && !cases.is_null(8)) {
                c.risk = bot::risk_assessment{cases.integer(7), cases.integer(8)};
            }
            c.created_at = detail::from_unix(cases.int64(9));
            index_of.emplace(c.id, out.size());
            out.push_back(std::move(c));
        }
        late.reset();
        late.bind_all(bot::to_string(bot::measure_state::open), before, unit_id, closed);
        while (late.step()) {
            const auto found = index_of.find(late.int64(0));
            if (found == index_of.end()) {
                continue;
            }
            bot::measure m;
            m.number = late.integer(1);
            m.due_date = late.text(2);
            m.state = bot::measure_state::open;
            out[found->second].measures.push_back(std::move(m));
        }
    }
    cases.reset();
    late.reset();
    return out;
}

namespace detail {

void apply_digest_choice(database& db, const bot::decision& d, const std::string& actor,
                         std::chrono::sys_seconds now) {
    if (!d.daily_digest) {
        return;
    }
    auto& s = db.cached(
        "INSERT INTO digest_choices (email, daily, chosen_at) VALUES (?, ?, ?) "
        "ON CONFLICT (email) DO UPDATE SET daily = excluded.daily, chosen_at = excluded.chosen_at");
    s.reset();
    s.bind_all(actor, *d.daily_digest, static_cast<std::int64_t>(now.time_since_epoch().count()))
        .run();
}

}  // namespace detail

std::vector<bot::reading_entry> load_unread_reading(database& db) {
    auto& q = db.cached(
        // The unread entries drive the join (CROSS JOIN keeps that order), through the partial
        // index of unread entries: the library may be large, the unread part of the list small.
        "SELECT r.procedure_id, r.version, r.email, r.assigned_at FROM reading_list r "
        "CROSS JOIN procedures p ON p.id = r.procedure_id AND p.version = r.version "
        "AND p.active = 1 WHERE r.read_at IS NULL ORDER BY r.email, r.assigned_at, "
        "r.procedure_id");
    q.reset();
    std::vector<bot::reading_entry> out;
    while (q.step()) {
        bot::reading_entry e;
        e.procedure_id = q.text(0);
        e.version = q.text(1);
        e.email = q.text(2);
        e.assigned_at = std::chrono::sys_seconds{std::chrono::seconds{q.int64(3)}};
        out.push_back(std::move(e));
    }
    q.reset();
    return out;
}

}  // namespace kv::daemon
