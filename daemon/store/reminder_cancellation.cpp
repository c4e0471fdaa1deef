#include "daemon/store/reminder_cancellation.hpp"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "bot/domain/names.hpp"
#include "bot/domain/oslo_time.hpp"
#include "bot/domain/procedure.hpp"
#include "bot/schedule/reminder.hpp"
#include "daemon/store/digest_lines.hpp"
#include "daemon/store/store_view.hpp"

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

// One subject whose pending reminders go: those whose key starts with `prefix`, of `recipient`
// when not empty, except those `keep` says to keep.
struct cancel_request {
    std::string prefix;
    std::string recipient;
    std::function<bool(const std::string& key)> keep;
    std::string target;
    std::string why;
};

// Gathers the requests of one decision and carries them out with ONE scan of the pending outbox,
// then one audit record per subject that had anything cancelled.
class canceller {
  public:
    canceller(database& db, const std::string& actor, std::string via, std::chrono::sys_seconds now)
        : db_(db), actor_(actor), via_(std::move(via)), now_(now) {}

    void add(cancel_request r) { requests_.push_back(std::move(r)); }

    // Returns how many reminders were cancelled: rows of the outbox, and reminders left out of
    // a pending digest.
    std::size_t run() {
        if (requests_.empty()) {
            return 0;
        }
        // Pending digests come with the same scan: they may carry what the requests cancel.
        const auto digest_prefix = std::string{bot::to_string(reminder_kind::digest)} + ":";
        auto prefixes = nlohmann::json::array({digest_prefix});
        for (const auto& r : requests_) {
            prefixes.push_back(r.prefix);
        }
        auto& find = db_.cached(
            "SELECT id, recipient_email, dedupe_key FROM outbox AS o WHERE state = 'pending' AND "
            "EXISTS (SELECT 1 FROM json_each(?1) AS p WHERE "
            "substr(o.dedupe_key, 1, length(p.value)) = p.value)");
        find.bind_all(prefixes.dump());
        std::vector<std::vector<std::int64_t>> ids(requests_.size());
        struct digest_row {
            std::int64_t id;
            std::string recipient, key;
        };
        std::vector<digest_row> digests;
        while (find.step()) {
            auto recipient = find.text(1);
            auto key = find.text(2);
            if (starts_with(key, digest_prefix)) {
                digests.push_back({find.int64(0), std::move(recipient), std::move(key)});
            } else if (const auto i = match(key, recipient)) {
                ids[*i].push_back(find.int64(0));
            }
        }
        find.reset();
        std::vector<std::size_t> left_out(requests_.size(), 0);
        for (const auto& d : digests) {
            leave_out_of_digest(
                db_, d.id, d.recipient, d.key,
                [&](const std::string& key) { return match(key, d.recipient); },
                [&](std::size_t i) { ++left_out[i]; });
        }
        std::size_t cancelled = 0;
        for (std::size_t i = 0; i < requests_.size(); ++i) {
            if (!ids[i].empty() || left_out[i] > 0) {
                cancelled += mark(requests_[i], ids[i], left_out[i]);
            }
        }
        return cancelled;
    }

  private:
    std::optional<std::size_t> match(const std::string& key, const std::string& recipient) const {
        for (std::size_t i = 0; i < requests_.size(); ++i) {
            const auto& r = requests_[i];
            if (starts_with(key, r.prefix) && (r.recipient.empty() || r.recipient == recipient) &&
                !(r.keep && r.keep(key))) {
                return i;
            }
        }
        return std::nullopt;
    }

    std::size_t mark(const cancel_request& r, const std::vector<std::int64_t>& ids,
                     std::size_t left_out) {
        auto& update = db_.cached(
            "UPDATE outbox SET state = 'cancelled', last_error = ? WHERE id = ? AND "
            "state = 'pending'");
        for (const auto id : ids) {
            update.reset();
            update.bind_all("cancelled: " + r.why, id).run();
        }
        std::string detail = std::to_string(ids.size()) + " pending reminder(s)";
        if (left_out > 0) {
            detail += " and " + std::to_string(left_out) + " left out of a pending digest";
        }
        auto& audit = db_.cached(
            "INSERT INTO audit (at, actor_email, via, action, target, outcome, detail) "
            "VALUES (?, ?, ?, 'reminder.cancel', ?, 'ok', ?)");
        audit.reset();
        audit
            .bind_all(static_cast<std::int64_t>(now_.time_since_epoch().count()), actor_, via_,
                      r.target, detail + ": " + r.why)
            .run();
        return ids.size() + left_out;
    }

    database& db_;
    const std::string& actor_;
    std::string via_;
    std::chrono::sys_seconds now_;
    std::vector<cancel_request> requests_;
};

// Events that take a case out of "ny" only when it still was: how many of them its whole
// history holds tells whether this decision's are the first.
bool is_first_action(const std::string& kind) {
    return kind == "received" || kind == "assessed" || kind == "measure_added";
}

bool first_action_on(database& db, const bot::deviation_case& cs, std::size_t in_decision) {
    auto& count = db.cached(
        "SELECT count(*) FROM case_events WHERE case_id = ? AND kind IN ('received', "
        "'assessed', 'measure_added')");
    count.reset();
    count.bind_all(cs.id != 0 ? cs.id : case_rowid(cs.year, cs.seq));
    const auto total = count.step() ? count.int64(0) : 0;
    count.reset();
    return static_cast<std::size_t>(total) <= in_decision;
}

// The measure a "measure_done" event names ("measure=3"); nullopt when it names none.
std::optional<int> named_measure(const std::string& detail) {
    constexpr std::string_view tag = "measure=";
    if (detail.rfind(tag, 0) != 0) {
        return std::nullopt;
    }
    try {
        return std::stoi(detail.substr(tag.size()));
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

// Only the transitions the decision records: receiving, closing or forwarding the case (or its
// first assessment or measure, which also take it out of "ny"), and each measure marked done.
void settle_case(database& db, canceller& c, const bot::decision& d) {
    const auto& cs = *d.case_write;
    if (cs.human_id.empty()) {
        return;
    }
    std::string left_new;
    std::size_t first_actions = 0;
    std::vector<int> done;
    bool done_unnamed = false;
    for (const auto& e : d.events) {
        if (e.case_human_id != cs.human_id) {
            continue;
        }
        if (e.kind == "closed" || e.kind == "forwarded" || e.kind == "received") {
            left_new = "case " + e.kind;
        } else if (e.kind == "measure_done") {
            if (const auto n = named_measure(e.detail)) {
                done.push_back(*n);
            } else {
                done_unnamed = true;
            }
        }
        if (is_first_action(e.kind)) {
            ++first_actions;
        }
    }
    if (left_new.empty() && first_actions > 0 && cs.state != bot::case_state::ny &&
        first_action_on(db, cs, first_actions)) {
        left_new = "case " + std::string{bot::to_string(cs.state)};
    }
    if (!left_new.empty()) {
        // Forwarded: the chase starts over with the new unit's leaders; the scheduler enqueues it.
        c.add({key_prefix(reminder_kind::deviation_followup, cs.human_id),
               "",
               {},
               cs.human_id,
               left_new});
    }
    for (const auto& m : cs.measures) {
        const bool named = std::find(done.begin(), done.end(), m.number) != done.end();
        if (m.state != bot::measure_state::open && (named || done_unnamed)) {
            const auto subject = cs.human_id + "/" + std::to_string(m.number);
            c.add({key_prefix(reminder_kind::measure, subject), "", {}, subject, "measure done"});
        }
    }
}

void settle_approvals(canceller& c, const bot::decision& d) {
    for (const auto& a : d.approval_writes) {
        if (a.id == 0 || a.state == bot::approval_state::pending) {
            continue;
        }
        const auto subject = std::to_string(a.id);
        auto prefix = key_prefix(reminder_kind::approval, subject);
        // The request and the decision themselves ("approval:<id>:requested", ":decided") share
        // the prefix; a reminder's key goes on with its occurrence, step and recipient.
        const auto size = prefix.size();
        c.add({std::move(prefix), "",
               [size](const std::string& key) { return key.find(':', size) == std::string::npos; },
               "approval:" + subject, "approval " + std::string{bot::to_string(a.state)}});
    }
}

// The review reminders of `p` of every round but its current one (of every round, once `p` is
// retired or deleted).
void settle_review(canceller& c, const bot::procedure& p, const std::string& why) {
    const auto prefix = key_prefix(reminder_kind::procedure_review, p.id);
    // Keys carry the review's due date: those of the current round stay.
    const auto current = prefix + bot::format_date(bot::review_due(p)) + ":";
    const bool active = p.active;
    c.add(
        {prefix, "",
         [current, active](const std::string& key) { return active && starts_with(key, current); },
         p.id, why});
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
        c.add({key_prefix(reminder_kind::reading, "leseliste"), change.email,
               [](const std::string& key) { return key.find(":unread-") == std::string::npos; },
               change.email, "reading list confirmed"});
    }
}

}  // namespace

void cancel_settled_reminders(database& db, const bot::decision& d, const std::string& actor,
                              bot::channel via, std::chrono::sys_seconds now) {
    canceller c{db, actor, std::string{bot::to_string(via)}, now};
    if (d.case_write) {
        settle_case(db, c, d);
    }
    settle_approvals(c, d);
    for (const auto& change : d.procedure_changes) {
        settle_review(c, change.after, "procedure " + change.kind);
    }
    if (!d.reading_changes.empty()) {
        settle_reading(db, c, d);
    }
    c.run();
}

std::size_t cancel_superseded_reviews(database& db, const std::vector<bot::procedure>& changed,
                                      std::chrono::sys_seconds now) {
    static const std::string actor;
    canceller c{db, actor, "system", now};
    for (const auto& p : changed) {
        settle_review(c, p, p.active ? "procedure imported" : "procedure removed");
    }
    return c.run();
}

}  // namespace kv::daemon::detail
