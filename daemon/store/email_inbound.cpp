#include "daemon/store/email_inbound.hpp"

#include "daemon/store/message_json.hpp"
#include "daemon/store/store_view.hpp"

namespace kv::daemon {

std::optional<inbound_mail_record> find_inbound_mail(database& db, std::string_view message_id) {
    auto& s = db.cached(
        "SELECT message_id, sender, outcome, case_id, detail, received_at FROM email_inbound "
        "WHERE message_id = ?");
    s.bind_all(message_id);
    if (!s.step()) {
        return std::nullopt;
    }
    return inbound_mail_record{s.text(0), s.text(1),
                               s.text(2), s.is_null(3) ? "" : s.text(3),
                               s.text(4), detail::from_unix(s.int64(5))};
}

void record_inbound_mail(database& db, const inbound_mail_record& r) {
    auto& s = db.cached(
        "INSERT OR IGNORE INTO email_inbound (message_id, sender, outcome, case_id, detail, "
        "received_at) VALUES (?, ?, ?, ?, ?, ?)");
    s.bind_all(r.message_id, r.sender, r.outcome,
               r.case_id.empty() ? std::optional<std::string>{} : std::optional{r.case_id},
               r.detail, detail::to_unix(r.received_at))
        .run();
}

std::vector<std::chrono::sys_seconds> email_answers_since(database& db, std::string_view sender,
                                                          std::chrono::sys_seconds since) {
    auto& s = db.cached("SELECT sent_at FROM email_answers WHERE sender = ? AND sent_at >= ?");
    s.bind_all(sender, detail::to_unix(since));
    std::vector<std::chrono::sys_seconds> out;
    while (s.step()) {
        out.push_back(detail::from_unix(s.int64(0)));
    }
    return out;
}

void enqueue_email_answer(database& db, std::string_view recipient, const bot::message& body,
                          std::string_view dedupe_key, std::chrono::sys_seconds now) {
    auto& enqueue = db.cached(
        "INSERT OR IGNORE INTO outbox (recipient_email, channel, body, urgent, dedupe_key, "
        "created_at, not_before) VALUES (?, 'email', ?, 0, ?, ?, ?)");
    enqueue
        .bind_all(recipient, message_to_json(body), dedupe_key, detail::to_unix(now),
                  detail::to_unix(now))
        .run();
    auto& count = db.cached("INSERT INTO email_answers (sender, sent_at) VALUES (?, ?)");
    count.bind_all(recipient, detail::to_unix(now)).run();
}

void mark_address_failing(database& db, const failing_address& f) {
    auto& s = db.cached(
        "INSERT INTO email_failing_addresses (address, status, message_id, failed_at) "
        "VALUES (?, ?, ?, ?) ON CONFLICT (address) DO UPDATE SET status = excluded.status, "
        "message_id = excluded.message_id, failed_at = excluded.failed_at");
    s.bind_all(f.address, f.status, f.message_id, detail::to_unix(f.failed_at)).run();
}

std::optional<failing_address> find_failing_address(database& db, std::string_view address) {
    auto& s = db.cached(
        "SELECT address, status, message_id, failed_at FROM email_failing_addresses "
        "WHERE address = ?");
    s.bind_all(address);
    if (!s.step()) {
        return std::nullopt;
    }
    return failing_address{s.text(0), s.text(1), s.text(2), detail::from_unix(s.int64(3))};
}

bool clear_failing_address(database& db, std::string_view address) {
    auto& s = db.cached("DELETE FROM email_failing_addresses WHERE address = ?");
    s.bind_all(address).run();
    return db.changes() > 0;
}

}  // namespace kv::daemon
