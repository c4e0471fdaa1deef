#include "daemon/store/schedule_store.hpp"

#include <map>

namespace kv::daemon {

std::vector<bool> already_enqueued(store& s, const std::vector<bot::due_reminder>& reminders) {
    std::vector<bool> out;
    out.reserve(reminders.size());
    auto& find = s.db().cached(
        "SELECT 1 FROM outbox WHERE recipient_email = ?1 AND dedupe_key = ?2 UNION ALL "
        "SELECT 1 FROM digest_members WHERE recipient_email = ?1 AND dedupe_key = ?2");
    for (const auto& r : reminders) {
        find.reset();
        find.bind_all(r.recipient_email, r.dedupe_key);
        out.push_back(find.step());
    }
    find.reset();
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
        "SELECT r.procedure_id, r.version, r.email, r.assigned_at FROM reading_list r "
        "JOIN procedures p ON p.id = r.procedure_id AND p.version = r.version AND p.active = 1 "
        "WHERE r.read_at IS NULL ORDER BY r.email, r.assigned_at, r.procedure_id");
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
