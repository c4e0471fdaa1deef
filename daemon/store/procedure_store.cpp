#include "daemon/store/procedure_store.hpp"

#include <map>

#include <nlohmann/json.hpp>

#include "bot/domain/oslo_time.hpp"
#include "daemon/store/reminder_cancellation.hpp"
#include "daemon/store/store_view.hpp"

namespace kv::daemon {
namespace {

using detail::to_unix;

constexpr std::string_view procedure_columns =
    "id, title, area, subgroup, unit_id, owner_email, revision_owner_email, version, "
    "last_reviewed, interval_months, url, active";

bot::procedure read_procedure(const database& db, const statement& s) {
    bot::procedure p;
    p.id = s.text(0);
    p.title = s.text(1);
    p.area = s.text(2);
    p.subgroup = s.text(3);
    p.unit_id = s.text(4);
    p.owner_email = s.text(5);
    p.revision_owner_email = s.text(6);
    p.version = s.text(7);
    p.last_reviewed =
        detail::parse_column(db, bot::parse_iso_date, s.text(8), "procedures.last_reviewed");
    p.interval_months = s.integer(9);
    p.url = s.text(10);
    p.active = s.integer(11) != 0;
    return p;
}

bool same_content(const bot::procedure& a, const bot::procedure& b) {
    return a.title == b.title && a.area == b.area && a.subgroup == b.subgroup &&
           a.unit_id == b.unit_id && a.owner_email == b.owner_email &&
           a.revision_owner_email == b.revision_owner_email && a.version == b.version &&
           a.last_reviewed == b.last_reviewed && a.interval_months == b.interval_months &&
           a.url == b.url && a.active == b.active;
}

void record_event(database& db, const std::string& id, std::chrono::sys_seconds now,
                  std::string_view kind, const std::string& detail) {
    auto& s = db.cached(
        "INSERT INTO procedure_events (procedure_id, at, actor_email, kind, detail) "
        "VALUES (?, ?, '', ?, ?)");
    s.bind_all(id, to_unix(now), kind, detail).run();
}

}  // namespace

std::vector<bot::procedure> load_procedures(database& db, bool include_retired) {
    auto& s = db.cached("SELECT " + std::string{procedure_columns} +
                        " FROM procedures WHERE active = 1 OR ? ORDER BY id");
    s.bind_all(include_retired);
    std::vector<bot::procedure> out;
    while (s.step()) {
        out.push_back(read_procedure(db, s));
    }
    return out;
}

std::set<std::string> active_person_emails(database& db) {
    auto& s = db.cached("SELECT email FROM persons WHERE active = 1");
    std::set<std::string> out;
    while (s.step()) {
        out.insert(s.text(0));
    }
    return out;
}

std::set<std::string> procedures_awaiting_approval(database& db) {
    auto& s = db.cached("SELECT DISTINCT subject FROM approvals WHERE state = 'pending'");
    std::set<std::string> out;
    while (s.step()) {
        out.insert(s.text(0));
    }
    return out;
}

std::vector<bot::procedure> procedures_due_by(database& db, std::chrono::year_month_day last_due) {
    auto& s =
        db.cached("SELECT " + std::string{procedure_columns} +
                  " FROM procedures WHERE active = 1 AND due_date <= ? AND id NOT IN "
                  "(SELECT subject FROM approvals WHERE state = 'pending') ORDER BY due_date");
    s.bind_all(bot::format_date(last_due));
    std::vector<bot::procedure> out;
    while (s.step()) {
        out.push_back(read_procedure(db, s));
    }
    return out;
}

std::vector<bot::procedure> review_rounds_due_by(database& db,
                                                 std::chrono::year_month_day last_due) {
    // A skip scan: each query seeks past the previous due date in procedures_due, whose first
    // entry for a date is the one reviewed earliest.
    auto& s = db.cached(
        "SELECT due_date, last_reviewed, interval_months FROM procedures "
        "WHERE active = 1 AND due_date > ? AND due_date <= ? "
        "AND id NOT IN (SELECT subject FROM approvals WHERE state = 'pending') "
        "ORDER BY due_date, last_reviewed LIMIT 1");
    const std::string last = bot::format_date(last_due);
    std::string due;
    std::vector<bot::procedure> out;
    for (;;) {
        s.reset();
        s.bind_all(due, last);
        if (!s.step()) {
            break;
        }
        due = s.text(0);
        bot::procedure p;
        p.last_reviewed =
            detail::parse_column(db, bot::parse_iso_date, s.text(1), "procedures.last_reviewed");
        p.interval_months = s.integer(2);
        out.push_back(std::move(p));
    }
    s.reset();
    return out;
}

std::optional<std::chrono::year_month_day> first_review_due_after(
    database& db, std::chrono::year_month_day after) {
    auto& s = db.cached(
        "SELECT due_date FROM procedures WHERE active = 1 AND due_date > ? AND id NOT IN "
        "(SELECT subject FROM approvals WHERE state = 'pending') ORDER BY due_date LIMIT 1");
    s.bind_all(bot::format_date(after));
    if (!s.step()) {
        return std::nullopt;
    }
    const auto due =
        detail::parse_column(db, bot::parse_iso_date, s.text(0), "procedures.due_date");
    s.reset();
    return due;
}

std::optional<bot::procedure> load_procedure(database& db, const std::string& id) {
    auto& s =
        db.cached("SELECT " + std::string{procedure_columns} + " FROM procedures WHERE id = ?");
    s.bind_all(id);
    if (!s.step()) {
        return std::nullopt;
    }
    return read_procedure(db, s);
}

std::vector<bot::procedure> active_procedures_with_ids(database& db,
                                                       const std::vector<std::string>& ids) {
    if (ids.empty()) {
        return {};
    }
    // `+active`: the ids lead, one primary-key seek each; the (active, due_date) index would
    // read every active procedure.
    auto& s = db.cached("SELECT " + std::string{procedure_columns} +
                        " FROM procedures WHERE id IN (SELECT value FROM json_each(?)) AND "
                        "+active = 1 ORDER BY id");
    s.bind_all(nlohmann::json(ids).dump());
    std::vector<bot::procedure> out;
    while (s.step()) {
        out.push_back(read_procedure(db, s));
    }
    return out;
}

procedure_import_report import_procedures(store& st, const std::vector<bot::procedure>& library,
                                          std::chrono::sys_seconds now) {
    database& db = st.db();
    procedure_import_report report;
    transaction tx{db, transaction_mode::immediate};
    std::map<std::string, bot::procedure> stored;
    for (auto& p : load_procedures(db, true)) {
        stored.emplace(p.id, std::move(p));
    }
    statement upsert{db,
                     "INSERT INTO procedures (id, title, area, subgroup, unit_id, owner_email, "
                     "revision_owner_email, version, last_reviewed, interval_months, due_date, "
                     "url, active, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?) "
                     "ON CONFLICT (id) DO UPDATE SET title = excluded.title, area = excluded.area, "
                     "subgroup = excluded.subgroup, unit_id = excluded.unit_id, "
                     "owner_email = excluded.owner_email, "
                     "revision_owner_email = excluded.revision_owner_email, "
                     "version = excluded.version, last_reviewed = excluded.last_reviewed, "
                     "interval_months = excluded.interval_months, due_date = excluded.due_date, "
                     "url = excluded.url, active = 1, updated_at = excluded.updated_at"};
    std::map<std::string, bool> in_file;
    std::vector<bot::procedure> new_round;  // changed or retired: older rounds' reminders go
    for (bot::procedure p : library) {
        in_file[p.id] = true;
        p.active = true;
        const auto old = stored.find(p.id);
        if (old != stored.end() && old->second.last_reviewed > p.last_reviewed) {
            p.last_reviewed = old->second.last_reviewed;
        }
        if (old != stored.end() && same_content(old->second, p)) {
            report.unchanged.push_back(p.id);
            continue;
        }
        upsert.reset();
        upsert
            .bind_all(p.id, p.title, p.area, p.subgroup, p.unit_id, p.owner_email,
                      p.revision_owner_email, p.version, bot::format_date(p.last_reviewed),
                      p.interval_months, bot::format_date(bot::review_due(p)), p.url, to_unix(now))
            .run();
        if (old == stored.end()) {
            report.added.push_back(p.id);
            record_event(db, p.id, now, "imported", "version=" + p.version);
        } else {
            report.changed.push_back(p.id);
            record_event(db, p.id, now, old->second.active ? "changed" : "restored",
                         "version=" + p.version);
            if (bot::review_due(old->second) != bot::review_due(p)) {
                new_round.push_back(p);
            }
        }
    }
    statement retire{db, "UPDATE procedures SET active = 0, updated_at = ? WHERE id = ?"};
    for (const auto& [id, p] : stored) {
        if (p.active && !in_file.contains(id)) {
            retire.reset();
            retire.bind_all(to_unix(now), id).run();
            record_event(db, id, now, "removed", "not in the imported library");
            report.removed.push_back(id);
            new_round.push_back(p);
            new_round.back().active = false;
        }
    }
    report.reminders_cancelled = detail::cancel_superseded_reviews(db, new_round, now);
    statement audit{db,
                    "INSERT INTO audit (at, actor_email, via, action, target, outcome, detail) "
                    "VALUES (?, '', 'system', 'procedures.import', '', 'ok', ?)"};
    audit
        .bind_all(to_unix(now), std::to_string(report.added.size()) + " added, " +
                                    std::to_string(report.changed.size()) + " changed, " +
                                    std::to_string(report.removed.size()) + " removed, " +
                                    std::to_string(report.reminders_cancelled) +
                                    " pending review reminder(s) cancelled")
        .run();
    tx.commit();
    return report;
}

}  // namespace kv::daemon
