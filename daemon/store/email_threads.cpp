#include "daemon/store/email_threads.hpp"

#include <algorithm>

#include "daemon/store/message_json.hpp"
#include "daemon/store/store_view.hpp"

namespace kv::daemon {
namespace {

constexpr std::string_view columns =
    "SELECT token, recipient_email, subject_key, message_id, sent_at FROM email_threads ";

email_thread row(const statement& s) {
    return {s.text(0), s.text(1), s.text(2), s.text(3), detail::from_unix(s.int64(4))};
}

std::optional<email_thread> first(statement& s) {
    if (s.step()) {
        return row(s);
    }
    return std::nullopt;
}

}  // namespace

void record_email_thread(database& db, const email_thread& t) {
    auto& s = db.cached(
        "INSERT INTO email_threads (message_id, token, recipient_email, subject_key, sent_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (message_id) DO UPDATE SET token = excluded.token, "
        "recipient_email = excluded.recipient_email, subject_key = excluded.subject_key, "
        "sent_at = excluded.sent_at");
    s.bind_all(t.message_id, t.token, t.recipient_email, t.subject_key, detail::to_unix(t.sent_at))
        .run();
}

std::optional<email_thread> find_email_thread_by_token(database& db, std::string_view token) {
    auto& s = db.cached(std::string(columns) +
                        "WHERE token = ? ORDER BY sent_at DESC, message_id DESC LIMIT 1");
    s.bind_all(token);
    return first(s);
}

std::optional<email_thread> find_email_thread_by_message_id(database& db,
                                                            std::string_view message_id) {
    auto& s = db.cached(std::string(columns) + "WHERE message_id = ?");
    s.bind_all(message_id);
    return first(s);
}

std::vector<email_thread> email_threads_about(database& db, std::string_view recipient,
                                              std::string_view subject_key, int limit) {
    auto& s = db.cached(std::string(columns) +
                        "WHERE recipient_email = ? AND subject_key = ? "
                        "ORDER BY sent_at DESC, message_id DESC LIMIT ?");
    s.bind_all(recipient, subject_key, limit);
    std::vector<email_thread> out;
    while (s.step()) {
        out.push_back(row(s));
    }
    std::reverse(out.begin(), out.end());
    return out;
}

std::optional<bot::message> outbox_message(database& db, std::int64_t id) {
    auto& s = db.cached("SELECT body FROM outbox WHERE id = ?");
    s.bind_all(id);
    if (!s.step()) {
        return std::nullopt;
    }
    try {
        return message_from_json(s.text(0));
    } catch (const store_error&) {
        return std::nullopt;
    }
}

}  // namespace kv::daemon
