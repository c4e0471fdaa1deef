// The quality library read and written through the store's connection: sql_view's bot::library
// methods, and the library part of applying a decision.
#include <nlohmann/json.hpp>

#include <algorithm>

#include "bot/domain/oslo_time.hpp"
#include "daemon/store/procedure_store.hpp"
#include "daemon/store/store_view.hpp"

namespace kv::daemon {
namespace detail {
namespace {

constexpr std::string_view approval_select =
    "SELECT id, kind, subject, title, requested_by, approver_email, details_json, state, "
    "decided_by, decided_at, comment, created_at FROM approvals ";

bot::approval read_approval(const database& db, const statement& s) {
    bot::approval a;
    a.id = s.int64(0);
    a.kind = parse_column(db, bot::parse_approval_kind, s.text(1), "approvals.kind");
    a.subject = s.text(2);
    a.title = s.text(3);
    a.requested_by = s.text(4);
    a.approver_email = s.text(5);
    const auto details = nlohmann::json::parse(s.text(6), nullptr, false);
    if (!details.is_object()) {
        throw store_error(db.path().string() + ": approvals.details_json of approval " +
                              std::to_string(a.id) + " is not a JSON object",
                          0, 0);
    }
    for (const auto& [key, value] : details.items()) {
        if (value.is_string()) {
            a.details[key] = value.get<std::string>();
        }
    }
    a.state = parse_column(db, bot::parse_approval_state, s.text(7), "approvals.state");
    a.decided_by = s.text(8);
    if (!s.is_null(9)) {
        a.decided_at = from_unix(s.int64(9));
    }
    a.comment = s.text(10);
    a.created_at = from_unix(s.int64(11));
    return a;
}

void write_approval(database& db, const bot::approval& a, std::chrono::sys_seconds now) {
    nlohmann::json details = nlohmann::json::object();
    for (const auto& [key, value] : a.details) {
        details[key] = value;
    }
    std::optional<std::int64_t> decided_at;
    if (a.decided_at) {
        decided_at = to_unix(*a.decided_at);
    }
    const auto created = a.created_at == std::chrono::sys_seconds{} ? now : a.created_at;
    auto& s = db.cached(
        "INSERT INTO approvals (id, kind, subject, title, requested_by, approver_email, "
        "details_json, state, decided_by, decided_at, comment, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
        "state = excluded.state, decided_by = excluded.decided_by, "
        "decided_at = excluded.decided_at, comment = excluded.comment");
    s.bind_all(a.id, bot::to_string(a.kind), a.subject, a.title, a.requested_by, a.approver_email,
               details.dump(), bot::to_string(a.state), a.decided_by, decided_at, a.comment,
               to_unix(created))
        .run();
}

void write_procedure(database& db, const bot::procedure_change& c, const std::string& actor,
                     std::chrono::sys_seconds now) {
    const auto& p = c.after;
    auto& s = db.cached(
        "UPDATE procedures SET version = ?, url = ?, last_reviewed = ?, due_date = ?, "
        "active = ?, updated_at = ? WHERE id = ?");
    s.bind_all(p.version, p.url, bot::format_date(p.last_reviewed),
               bot::format_date(bot::review_due(p)), p.active, to_unix(now), p.id)
        .run();
    if (db.changes() == 0) {
        throw store_error(db.path().string() + ": cannot record '" + c.kind + "' for procedure " +
                              p.id + ": there is no such procedure",
                          0, 0);
    }
    auto& e = db.cached(
        "INSERT INTO procedure_events (procedure_id, at, actor_email, kind, detail) "
        "VALUES (?, ?, ?, ?, ?)");
    e.bind_all(p.id, to_unix(now), actor, c.kind, c.detail).run();
}

void write_reading(database& db, const bot::reading_change& r, std::chrono::sys_seconds now) {
    if (r.kind == bot::reading_change::change_kind::assign) {
        auto& s = db.cached(
            "INSERT OR IGNORE INTO reading_list (procedure_id, version, email, assigned_at) "
            "VALUES (?, ?, ?, ?)");
        s.bind_all(r.procedure_id, r.version, r.email, to_unix(now)).run();
        return;
    }
    auto& s = db.cached(
        "UPDATE reading_list SET read_at = ? WHERE procedure_id = ? AND version = ? AND "
        "email = ? AND read_at IS NULL");
    s.bind_all(to_unix(now), r.procedure_id, r.version, r.email).run();
}

}  // namespace

std::optional<bot::procedure> sql_view::find_procedure(const std::string& id) const {
    return load_procedure(db_, id);
}

std::optional<bot::approval> sql_view::find_approval(std::int64_t id) const {
    auto& s = db_.cached(std::string{approval_select} + "WHERE id = ?");
    s.bind_all(id);
    if (!s.step()) {
        return std::nullopt;
    }
    return read_approval(db_, s);
}

std::int64_t sql_view::next_approval_id() const {
    return db_.query_int("SELECT COALESCE(MAX(id), 0) + 1 FROM approvals");
}

std::vector<bot::approval> sql_view::pending_approvals_about(const std::string& subject) const {
    auto& s = db_.cached(std::string{approval_select} +
                         "WHERE subject = ? AND state = 'pending' "
                         "ORDER BY id");
    s.bind_all(subject);
    std::vector<bot::approval> out;
    while (s.step()) {
        out.push_back(read_approval(db_, s));
    }
    return out;
}

std::vector<bot::person> sql_view::people_in_units(const std::vector<std::string>& unit_ids) const {
    auto& s = db_.cached(
        "SELECT email, name, unit_id, role, lang, channel, active FROM persons "
        "WHERE unit_id = ? AND active = 1");
    std::vector<bot::person> out;
    for (const auto& unit : unit_ids) {
        s.reset();
        s.bind_all(unit);
        while (s.step()) {
            out.push_back(read_person(s));
        }
    }
    std::sort(out.begin(), out.end(),
              [](const bot::person& a, const bot::person& b) { return a.email < b.email; });
    return out;
}

std::vector<bot::reading_entry> sql_view::reading_status(const std::string& procedure_id) const {
    auto& s = db_.cached(
        "SELECT r.procedure_id, r.version, r.email, r.assigned_at, r.read_at "
        "FROM reading_list r JOIN procedures p ON p.id = r.procedure_id AND p.version = r.version "
        "WHERE r.procedure_id = ? ORDER BY r.email");
    s.bind_all(procedure_id);
    std::vector<bot::reading_entry> out;
    while (s.step()) {
        bot::reading_entry e;
        e.procedure_id = s.text(0);
        e.version = s.text(1);
        e.email = s.text(2);
        e.assigned_at = from_unix(s.int64(3));
        if (!s.is_null(4)) {
            e.read_at = from_unix(s.int64(4));
        }
        out.push_back(std::move(e));
    }
    return out;
}

void apply_library_changes(database& db, const bot::decision& d, const std::string& actor,
                           std::chrono::sys_seconds now) {
    for (const auto& a : d.approval_writes) {
        write_approval(db, a, now);
    }
    for (const auto& c : d.procedure_changes) {
        write_procedure(db, c, actor, now);
    }
    for (const auto& r : d.reading_changes) {
        write_reading(db, r, now);
    }
}

}  // namespace detail
}  // namespace kv::daemon
