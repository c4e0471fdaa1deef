#include "daemon/store/reminder_cancellation.hpp"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <vector>

#include "bot/domain/names.hpp"
#include "bot/domain/oslo_time.hpp"
#include "bot/domain/procedure.hpp"
#include "bot/schedule/reminder.hpp"

namespace kv::daemon::detail {
namespace {

using bot::reminder_kind;

// "<kind>:<subject>:", the start of every dedupe key of one subject's reminders.
std::string key_prefix(reminder_kind kind, const std::string& subject) {
    return std::string{bot::to_string(kind)} + ":" + subject + ":";
}

bool starts_with(const std::string& s, const std::string& prefix) {
    return s.compare(0, prefix.size(), prefix) == 0;
}

class canceller {
  public:
    canceller(database& db, const std::string& actor, bot::channel via,
              std::chrono::sys_seconds now)
        : db_(db), actor_(actor), via_(via), now_(now) {}

    // Cancels the pending rows whose key starts with `prefix`, of `recipient` when not empty,
    // except those `keep` says to keep.
    void cancel(const std::string& prefix, const std::string& recipient,
                const std::function<bool(const std::string& key)>& keep, const std::string& target,
                const std::string& why) {
        auto& find = db_.cached(
            "SELECT id, recipient_email, dedupe_key FROM outbox WHERE state = 'pending' AND "
            "substr(dedupe_key, 1, length(?1)) = ?1");
        find.bind_all(prefix);
        std::vector<std::int64_t> ids;
        while (find.step()) {
            if ((recipient.empty() || find.text(1) == recipient) && !(keep && keep(find.text(2)))) {
                ids.push_back(find.int64(0));
            }
        }
        find.reset();
        if (ids.empty()) {
            return;
        }
        auto& mark = db_.cached(
            "UPDATE outbox SET state = 'cancelled', last_error = ? WHERE id = ? AND "
            "state = 'pending'");
        for (const auto id : ids) {
            mark.reset();
            mark.bind_all("cancelled: " + why, id).run();
        }
        auto& audit = db_.cached(
            "INSERT INTO audit (at, actor_email, via, action, target, outcome, detail) "
            "VALUES (?, ?, ?, 'reminder.cancel', ?, 'ok', ?)");
        audit
            .bind_all(static_cast<std::int64_t>(now_.time_since_epoch().count()), actor_,
                      bot::to_string(via_), target,
                      std::to_string(ids.size()) + " pending reminder(s): " + why)
            .run();
    }

  private:
    database& db_;
    const std::string& actor_;
    bot::channel via_;
    std::chrono::sys_seconds now_;
};

bool forwarded(const bot::decision& d, const std::string& case_id) {
    return std::any_of(d.events.begin(), d.events.end(), [&](const bot::case_event& e) {
        return e.case_human_id == case_id && e.kind == "forwarded";
    });
}

void settle_case(canceller& c, const bot::decision& d) {
    const auto& cs = *d.case_write;
    if (cs.human_id.empty()) {
        return;
    }
    if (cs.state != bot::case_state::ny) {
        c.cancel(key_prefix(reminder_kind::deviation_followup, cs.human_id), "", {}, cs.human_id,
                 "case " + std::string{bot::to_string(cs.state)});
    } else if (forwarded(d, cs.human_id)) {
        // The chase starts over with the new unit's leaders; the scheduler enqueues theirs.
        c.cancel(key_prefix(reminder_kind::deviation_followup, cs.human_id), "", {}, cs.human_id,
                 "case forwarded");
    }
    for (const auto& m : cs.measures) {
        const auto subject = cs.human_id + "/" + std::to_string(m.number);
        const auto prefix = key_prefix(reminder_kind::measure, subject);
        if (m.state != bot::measure_state::open) {
            c.cancel(prefix, "", {}, subject, "measure done");
        } else {
            const auto current = prefix + m.due_date + ":";
            c.cancel(
                prefix, "", [&](const std::string& key) { return starts_with(key, current); },
                subject, "measure due date changed");
        }
    }
}

void settle_procedures(canceller& c, const bot::decision& d) {
    for (const auto& change : d.procedure_changes) {
        const auto& p = change.after;
        const auto prefix = key_prefix(reminder_kind::procedure_review, p.id);
        // Keys carry the review's due date: those of the current round stay.
        const auto current = prefix + bot::format_date(bot::review_due(p)) + ":";
        c.cancel(
            prefix, "",
            [&](const std::string& key) { return p.active && starts_with(key, current); }, p.id,
            "procedure " + change.kind);
    }
}

void settle_reading(database& db, canceller& c, const bot::decision& d) {
    auto& unread = db.cached(
        "SELECT 1 FROM reading_list r JOIN procedures p ON p.id = r.procedure_id AND "
        "p.version = r.version AND p.active = 1 WHERE r.email = ? AND r.read_at IS NULL");
    std::vector<std::string> done;
    for (const auto& change : d.reading_changes) {
        if (change.kind != bot::reading_change::change_kind::confirm ||
            std::find(done.begin(), done.end(), change.email) != done.end()) {
            continue;
        }
        unread.reset();
        unread.bind_all(change.email);
        const bool left = unread.step();
        unread.reset();
        if (left) {
            continue;  // the reminder lists what is still unread; it still has a purpose
        }
        done.push_back(change.email);
        // The list itself (step T-0) stays; only the reminders about unread items go.
        c.cancel(
            key_prefix(reminder_kind::reading, "leseliste"), change.email,
            [](const std::string& key) { return key.find(":unread-") == std::string::npos; },
            change.email, "reading list confirmed");
    }
}

}  // namespace

void cancel_settled_reminders(database& db, const bot::decision& d, const std::string& actor,
                              bot::channel via, std::chrono::sys_seconds now) {
    canceller c{db, actor, via, now};
    if (d.case_write) {
        settle_case(c, d);
    }
    settle_procedures(c, d);
    if (!d.reading_changes.empty()) {
        settle_reading(db, c, d);
    }
}

}  // namespace kv::daemon::detail
