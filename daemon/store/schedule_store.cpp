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

}  // namespace kv::daemon
