#include "daemon/store/schedule_store.hpp"

#include <map>

namespace kv::daemon {

std::vector<bool> already_enqueued(store& s, const std::vector<bot::due_reminder>& reminders) {
    std::vector<bool> out;
    out.reserve(reminders.size());
    auto& find = s.db().cached("SELECT 1 FROM outbox WHERE recipient_email = ? AND dedupe_key = ?");
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
}

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
