#include "daemon/store/schedule_store.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <tuple>
#include <utility>

#include "bot/domain/names.hpp"
#include "bot/domain/oslo_time.hpp"
#include "bot/domain/risk.hpp"
#include "daemon/store/digest_lines.hpp"
#include "daemon/store/store_view.hpp"

namespace kv::daemon {

enqueued_keys::enqueued_keys(store& s)
    // Most stores have no digest at all: then one seek per question instead of two.
    : find_(s.db().query_int("SELECT EXISTS (SELECT 1 FROM digest_members)") == 0
                ? s.db().cached("SELECT 1 FROM outbox WHERE recipient_email = ? AND dedupe_key = ?")
                : s.db().cached(
                      "SELECT 1 FROM outbox WHERE recipient_email = ?1 AND dedupe_key = ?2 UNION "
                      "ALL SELECT 1 FROM digest_members WHERE recipient_email = ?1 AND "
                      "dedupe_key = ?2")) {}

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
            "INSERT OR IGNORE INTO digest_members (recipient_email, dedupe_key, digest_key, line) "
            "VALUES (?, ?, ?, ?)");
        for (const auto& key : r.covers) {
            carried.reset();
            carried.bind_all(r.recipient_email, key, r.dedupe_key, detail::digest_line_json(r, key))
                .run();
        }
        tx.commit();
    }
}

std::vector<bot::approval> load_pending_approvals(database& db) {
    std::vector<std::int64_t> ids;
    auto& pending = db.cached("SELECT id FROM approvals WHERE state = 'pending' ORDER BY id");
    while (pending.step()) {
        ids.push_back(pending.int64(0));
    }
    const detail::sql_view view{db};
    std::vector<bot::approval> out;
    for (const auto id : ids) {
        if (auto a = view.find_approval(id)) {
            out.push_back(std::move(*a));
        }
    }
    return out;
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

std::vector<bot::deviation_case> followup_cases_to_decide(
    database& db, std::chrono::sys_seconds new_created_by,
    std::chrono::year_month_day measures_due_before) {
    auto& cases = db.cached(
        "SELECT id, human_id, year, seq, kind, category, unit_id, state, probability, "
        "consequence, created_at FROM cases WHERE id IN (SELECT id FROM cases WHERE unit_id IN "
        "(SELECT id FROM units WHERE active = 1) AND state = ? AND created_at <= ? "
        "UNION SELECT case_id FROM measures WHERE state = ? AND due_date < ?) "
        "AND " +
        std::string{open_in_active_unit} + " ORDER BY id");
    const std::string open_measure{bot::to_string(bot::measure_state::open)};
    cases.bind_all(bot::to_string(bot::case_state::ny), detail::to_unix(new_created_by),
                   open_measure, bot::format_date(measures_due_before));
    std::vector<bot::deviation_case> out;
    while (cases.step()) {
        bot::deviation_case c;
        c.id = cases.int64(0);
        c.human_id = cases.text(1);
        c.year = cases.integer(2);
        c.seq = cases.integer(3);
        c.kind = detail::parse_column(db, bot::parse_case_kind, cases.text(4), "cases.kind");
        c.cat = detail::parse_column(db, bot::parse_category, cases.text(5), "cases.category");
        c.unit_id = cases.text(6);
        c.state = detail::parse_column(db, bot::parse_case_state, cases.text(7), "cases.state");
        if (!cases.is_null(8) && !cases.is_null(9)) {
            c.risk = bot::risk_assessment{cases.integer(8), cases.integer(9)};
        }
        c.created_at = detail::from_unix(cases.int64(10));
        out.push_back(std::move(c));
    }
    cases.reset();
    auto& measures = db.cached(
        "SELECT number, responsible_email, due_date FROM measures WHERE case_id = ? AND state = ? "
        "ORDER BY number");
    for (auto& c : out) {
        measures.reset();
        measures.bind_all(c.id, open_measure);
        while (measures.step()) {
            bot::measure m;
            m.number = measures.integer(0);
            m.responsible_email = measures.text(1);
            m.due_date = measures.text(2);
            m.state = bot::measure_state::open;
            c.measures.push_back(std::move(m));
        }
    }
    measures.reset();
    return out;
}

std::vector<bot::deviation_case> cases_with_human_ids(database& db,
                                                      const std::set<std::string>& human_ids) {
    const detail::sql_view view{db};
    std::vector<bot::deviation_case> out;
    for (const auto& id : human_ids) {
        if (auto c = view.find_case(id)) {
            out.push_back(std::move(*c));
        }
    }
    return out;
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

namespace {

// A count and the first ids by (year, seq, measure number), as rows stream in any order.
class tally {
  public:
    void add(std::tuple<std::int64_t, std::int64_t, std::int64_t> order, std::string id) {
        ++count_;
        if (first_.size() == bot::agenda_top_items && !(order < first_.back().first)) {
            return;
        }
        const auto at =
            std::upper_bound(first_.begin(), first_.end(), order,
                             [](const auto& o, const auto& entry) { return o < entry.first; });
        first_.insert(at, {order, std::move(id)});
        if (first_.size() > bot::agenda_top_items) {
            first_.pop_back();
        }
    }
    bot::agenda_count done() && {
        bot::agenda_count out{{}, count_, {}};
        for (auto& [order, id] : first_) {
            out.top_ids.push_back(std::move(id));
        }
        return out;
    }

  private:
    std::size_t count_ = 0;
    std::vector<std::pair<std::tuple<std::int64_t, std::int64_t, std::int64_t>, std::string>>
        first_;
};

}  // namespace

std::vector<bot::agenda_count> agenda_counts_in(database& db,
                                                const std::vector<std::string>& unit_ids,
                                                const bot::bot_settings& rules,
                                                std::optional<std::chrono::sys_seconds> since,
                                                std::chrono::year_month_day late_before) {
    auto& cases = db.cached(
        "SELECT year, seq, human_id, state, category, probability, consequence, created_at "
        "FROM cases WHERE unit_id = ? AND state <> ?");
    auto& late = db.cached(
        "SELECT c.year, c.seq, c.human_id, m.number FROM measures m JOIN cases c ON "
        "c.id = m.case_id WHERE m.state = ? AND m.due_date < ? AND m.due_date <> '' AND "
        "c.unit_id = ? AND c.state <> ?");
    const std::string closed{bot::to_string(bot::case_state::lukket)};
    const std::string fresh_state{bot::to_string(bot::case_state::ny)};
    const std::string before = bot::format_date(late_before);
    enum { fresh, red, yellow, green, unassessed, serious, late_measures };
    std::array<tally, 7> t;
    bot::deviation_case probe;  // what is_serious reads: category and risk
    for (const auto& unit_id : unit_ids) {
        cases.reset();
        cases.bind_all(unit_id, closed);
        while (cases.step()) {
            const std::tuple order{cases.int64(0), cases.int64(1), std::int64_t{0}};
            const std::string id = cases.text(2);
            if (cases.text(3) == fresh_state) {
                t[fresh].add(order, id);
            }
            probe.cat =
                detail::parse_column(db, bot::parse_category, cases.text(4), "cases.category");
            probe.risk.reset();
            if (!cases.is_null(5) && !cases.is_null(6)) {
                probe.risk = bot::risk_assessment{cases.integer(5), cases.integer(6)};
                switch (bot::level_of(*probe.risk, rules.risk)) {
                    case bot::risk_level::red:
                        t[red].add(order, id);
                        break;
                    case bot::risk_level::yellow:
                        t[yellow].add(order, id);
                        break;
                    case bot::risk_level::green:
                        t[green].add(order, id);
                        break;
                }
            } else {
                t[unassessed].add(order, id);
            }
            if (bot::is_serious(probe, rules.serious) &&
                (!since || detail::from_unix(cases.int64(7)) >= *since)) {
                t[serious].add(order, id);
            }
        }
        late.reset();
        late.bind_all(bot::to_string(bot::measure_state::open), before, unit_id, closed);
        while (late.step()) {
            t[late_measures].add({late.int64(0), late.int64(1), late.int64(3)},
                                 late.text(2) + " tiltak " + std::to_string(late.integer(3)));
        }
    }
    cases.reset();
    late.reset();
    bot::agenda_tallies out;
    for (std::size_t i = 0; i < t.size(); ++i) {
        out[i] = std::move(t[i]).done();
    }
    return bot::labelled_agenda_counts(std::move(out), since.has_value(), {});
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
