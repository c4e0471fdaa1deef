#include "daemon/store/digest_lines.hpp"

#include <vector>

#include "bot/schedule/digest.hpp"
#include "daemon/store/message_json.hpp"

namespace kv::daemon::detail {
namespace {

struct carried {
    std::string key;
    std::string line;
    bool cancelled = false;
};

std::vector<carried> load_carried(database& db, const std::string& recipient,
                                  const std::string& digest_key) {
    auto& q = db.cached(
        "SELECT dedupe_key, line, cancelled FROM digest_members WHERE recipient_email = ? AND "
        "digest_key = ?");
    q.reset();
    q.bind_all(recipient, digest_key);
    std::vector<carried> out;
    while (q.step()) {
        out.push_back({q.text(0), q.text(1), q.int64(2) != 0});
    }
    q.reset();
    return out;
}

std::optional<bot::digest_line> parse_line(const carried& c) {
    const auto kind = bot::parse_reminder_kind(c.key.substr(0, c.key.find(':')));
    if (c.line.empty() || !kind) {
        return std::nullopt;
    }
    auto m = message_from_json(c.line);
    return bot::digest_line{c.key, *kind, std::move(m.title), std::move(m.actions)};
}

}  // namespace

std::string digest_line_json(const bot::due_reminder& digest, const std::string& covered_key) {
    for (const auto& line : digest.lines) {
        if (line.dedupe_key == covered_key) {
            bot::message m;
            m.title = line.title;
            m.actions = line.actions;
            return message_to_json(m);
        }
    }
    return {};
}

bool leave_out_of_digest(database& db, std::int64_t outbox_id, const std::string& recipient,
                         const std::string& digest_key, const digest_match& match,
                         const std::function<void(std::size_t)>& taken) {
    auto members = load_carried(db, recipient, digest_key);
    auto& mark = db.cached(
        "UPDATE digest_members SET cancelled = 1 WHERE recipient_email = ? AND dedupe_key = ?");
    bool any = false;
    for (auto& m : members) {
        if (m.cancelled) {
            continue;
        }
        if (const auto index = match(m.key)) {
            m.cancelled = true;
            any = true;
            mark.reset();
            mark.bind_all(recipient, m.key).run();
            taken(*index);
        }
    }
    if (!any) {
        return false;
    }
    std::vector<bot::digest_line> left;
    bool all_lines = true;
    for (const auto& m : members) {
        if (m.cancelled) {
            continue;
        }
        if (auto line = parse_line(m)) {
            left.push_back(std::move(*line));
        } else {
            all_lines = false;
        }
    }
    if (left.empty() && all_lines) {
        auto& cancel = db.cached(
            "UPDATE outbox SET state = 'cancelled', last_error = 'cancelled: every reminder it "
            "carried was cancelled' WHERE id = ? AND state = 'pending'");
        cancel.reset();
        cancel.bind_all(outbox_id).run();
        return true;
    }
    if (!all_lines) {
        return false;  // written before lines were kept: it cannot be said again
    }
    auto& body = db.cached("SELECT body FROM outbox WHERE id = ?");
    body.reset();
    body.bind_all(outbox_id);
    if (!body.step()) {
        body.reset();
        return false;
    }
    const auto before = message_from_json(body.text(0));
    body.reset();
    const auto after = bot::digest_without_cancelled(before, left);
    auto& rewrite = db.cached("UPDATE outbox SET body = ? WHERE id = ? AND state = 'pending'");
    rewrite.reset();
    rewrite.bind_all(message_to_json(*after), outbox_id).run();
    return false;
}

}  // namespace kv::daemon::detail
