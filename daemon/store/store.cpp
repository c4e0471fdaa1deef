#include "daemon/store/store.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <system_error>

#include "bot/domain/names.hpp"
#include "daemon/store/batched_wal_vfs.hpp"
#include "daemon/store/memo_directory.hpp"
#include "daemon/store/message_json.hpp"
#include "daemon/store/procedure_store.hpp"
#include "daemon/store/reminder_cancellation.hpp"
#include "daemon/store/schedule_store.hpp"
#include "daemon/store/schema.hpp"
#include "daemon/store/store_view.hpp"

namespace kv::daemon {
namespace {

namespace fs = std::filesystem;
using detail::from_unix;
using detail::to_unix;

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    return s;
}

std::optional<std::string_view> null_if_empty(const std::string& s) {
    if (s.empty()) {
        return std::nullopt;
    }
    return s;
}

std::optional<std::int64_t> unix_or_null(const std::optional<std::chrono::sys_seconds>& t) {
    if (!t) {
        return std::nullopt;
    }
    return to_unix(*t);
}

// Records a change the daemon made on its own (not on a person's request).
void audit_system(database& db, std::chrono::sys_seconds now, std::string_view action,
                  const std::string& detail) {
    statement s{db,
                "INSERT INTO audit (at, actor_email, via, action, target, outcome, detail) "
                "VALUES (?, '', 'system', ?, '', 'ok', ?)"};
    s.bind_all(to_unix(now), action, detail).run();
}

// Which audit records of a decision its case history lines carry (schema version 18): a
// successful action on a case, without detail, by the person and channel of a history line the
// decision writes for that case at the same instant. Each line carries at most one.
struct audit_folding {
    std::vector<const std::string*> event_action;  // per event: the action it records, or null
    std::vector<bool> audit_in_history;            // per audit record: carried by a line
};

audit_folding fold_audit_into_history(const bot::decision& d, std::chrono::sys_seconds now) {
    audit_folding out{std::vector<const std::string*>(d.events.size(), nullptr),
                      std::vector<bool>(d.audit.size(), false)};
    for (std::size_t a = 0; a < d.audit.size(); ++a) {
        const auto& record = d.audit[a];
        if (record.outcome != "ok" || !record.detail.empty() || record.target.empty()) {
            continue;
        }
        for (std::size_t e = 0; e < d.events.size(); ++e) {
            const auto& line = d.events[e];
            const auto at = line.at == std::chrono::sys_seconds{} ? now : line.at;
            if (out.event_action[e] == nullptr && line.case_human_id == record.target &&
                line.actor_email == record.actor_email && line.via == record.via && at == now) {
                out.event_action[e] = &record.action;
                out.audit_in_history[a] = true;
                break;
            }
        }
    }
    return out;
}

// Opens without ever creating over an existing file, then reads before anything may write, so
// a file that is not a database (or is damaged) is reported and left byte for byte as it was.
database open_database(const store_options& options) {
    const auto& path = options.path;
    const bool in_memory = path == ":memory:";
    std::error_code ec;
    if (!in_memory && path.has_parent_path()) {
        fs::create_directories(path.parent_path(), ec);
        if (ec) {
            throw store_error(path.string() + ": cannot create the folder " +
                                  path.parent_path().string() + ": " + ec.message(),
                              0, 0);
        }
    }
    const bool exists = !in_memory && fs::exists(path, ec);
    // Batching WAL writes is safe only when every commit syncs the WAL (batched_wal_vfs.hpp).
    const char* vfs = options.synchronous_full && !in_memory ? detail::batched_wal_vfs() : nullptr;
    database db{path, exists ? open_mode::existing : open_mode::create, vfs};
    db.set_busy_timeout(options.busy_timeout_ms);
    db.query_int("SELECT count(*) FROM sqlite_master", "cannot read the database");

    {
        statement check{db, "PRAGMA quick_check(1)"};
        if (check.step()) {
            if (const auto verdict = check.text(0); verdict != "ok") {
                throw store_error(path.string() + ": the database file is damaged: " + verdict,
                                  SQLITE_CORRUPT, SQLITE_CORRUPT);
            }
        }
    }
    db.exec("PRAGMA journal_mode = WAL");
    db.exec(options.synchronous_full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
    db.exec("PRAGMA foreign_keys = ON");
    // SQLite's default automatic checkpoint (every 1000 WAL pages) is kept: since a commit's WAL
    // pages are written in one go, a larger one measured no faster in kv_bench (a WAL that starts
    // over sooner is rewritten in place, which syncs faster than one that grows).
    migrate(db);
    return db;
}

}  // namespace

store::store(const store_options& options) : db_(open_database(options)) {}

handle_result store::handle(const bot::inbound_event& ev, std::chrono::sys_seconds now,
                            const decide_fn& decide) {
    transaction tx{db_, transaction_mode::immediate};
    auto result = handle_in_transaction(ev, now, decide);
    tx.commit();
    return result;
}

std::vector<store::batch_outcome> store::handle_many(const std::vector<batch_item>& items,
                                                     std::chrono::sys_seconds now) {
    std::vector<batch_outcome> out(items.size());
    try {
        transaction tx{db_, transaction_mode::immediate};
        for (std::size_t i = 0; i < items.size(); ++i) {
            db_.cached("SAVEPOINT event").run();
            try {
                out[i].result = handle_in_transaction(*items[i].ev, now, *items[i].decide);
                db_.cached("RELEASE event").run();
            } catch (...) {
                out[i].error = std::current_exception();
                db_.reset_cached();  // a statement the failure interrupted must not stay active
                db_.cached("ROLLBACK TO event").run();
                db_.cached("RELEASE event").run();
            }
        }
        tx.commit();
    } catch (...) {
        const auto failed = std::current_exception();
        for (auto& o : out) {
            o = batch_outcome{{}, failed};
        }
    }
    return out;
}

handle_result store::handle_in_transaction(const bot::inbound_event& ev,
                                           std::chrono::sys_seconds now, const decide_fn& decide) {
    // The key is recorded first: one statement both tells a redelivery and records a new key,
    // and if this event fails, its rollback takes the key back with everything else.
    if (!ev.dedupe_key.empty()) {
        record_seen(ev.dedupe_key, now);
        if (db_.changes() == 0) {
            return handle_result{true, {}};
        }
    }
    detail::sql_view view{db_};
    const memo_directory organisation{view};
    auto decided = decide(organisation, view);
    apply_in_transaction(decided, ev.sender_email, ev.via, now);
    return handle_result{false, std::move(decided)};
}

bool store::has_seen(const std::string& dedupe_key) {
    auto& seen = db_.cached("SELECT 1 FROM inbound_seen WHERE dedupe_key = ?");
    seen.bind_all(dedupe_key);
    const bool found = seen.step();
    seen.reset();
    return found;
}

void store::record_seen(const std::string& dedupe_key, std::chrono::sys_seconds now) {
    auto& seen = db_.cached("INSERT OR IGNORE INTO inbound_seen (dedupe_key, at) VALUES (?, ?)");
    seen.run_with(dedupe_key, to_unix(now));
}

void store::apply(const bot::decision& d, const std::string& actor, bot::channel via,
                  std::chrono::sys_seconds now) {
    transaction tx{db_, transaction_mode::immediate};
    apply_in_transaction(d, actor, via, now);
    tx.commit();
}

void store::apply_in_transaction(const bot::decision& d, const std::string& actor, bot::channel via,
                                 std::chrono::sys_seconds now) {
    const auto via_name = bot::to_string(via);
    // A case this decision files has no history yet: its lines are numbered from 1 without
    // reading case_events.
    struct filed_case {
        const std::string* human_id;
        std::int64_t id;
        std::int64_t lines = 0;
    };
    std::optional<filed_case> filed;
    if (d.case_write) {
        const auto& c = *d.case_write;
        const auto created = c.created_at == std::chrono::sys_seconds{} ? now : c.created_at;
        const auto updated = c.updated_at == std::chrono::sys_seconds{} ? now : c.updated_at;
        std::optional<int> probability, consequence;
        if (c.risk) {
            probability = c.risk->probability;
            consequence = c.risk->consequence;
        }
        std::int64_t case_id = c.id;
        if (c.id == 0) {
            auto& s = db_.cached(
                "INSERT INTO cases (id, human_id, year, seq, kind, category, unit_id, "
                "reporter_email, description, occurred, immediate_action, state, "
                "probability, consequence, authority, authority_note, conclusion, "
                "created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
            if (c.seq < 1 || c.seq >= detail::cases_per_year) {
                throw store_error(db_.path().string() + ": cannot file case " + c.human_id +
                                      ": its number must be between 1 and 999999",
                                  0, 0);
            }
            s.run_with(detail::case_rowid(c.year, c.seq), c.human_id, c.year, c.seq,
                       bot::to_string(c.kind), bot::to_string(c.cat), c.unit_id, c.reporter_email,
                       c.description, c.occurred, c.immediate_action, bot::to_string(c.state),
                       probability, consequence, bot::to_string(c.authority), c.authority_note,
                       c.conclusion, to_unix(created), to_unix(updated));
            case_id = detail::case_rowid(c.year, c.seq);
            filed = filed_case{&c.human_id, case_id};
        } else {
            auto& s = db_.cached(
                "UPDATE cases SET human_id = ?, year = ?, seq = ?, kind = ?, category = ?, "
                "unit_id = ?, reporter_email = ?, description = ?, occurred = ?, "
                "immediate_action = ?, state = ?, probability = ?, consequence = ?, "
                "authority = ?, authority_note = ?, conclusion = ?, updated_at = ? "
                "WHERE id = ?");
            s.run_with(c.human_id, c.year, c.seq, bot::to_string(c.kind), bot::to_string(c.cat),
                       c.unit_id, c.reporter_email, c.description, c.occurred, c.immediate_action,
                       bot::to_string(c.state), probability, consequence,
                       bot::to_string(c.authority), c.authority_note, c.conclusion,
                       to_unix(updated), c.id);
            if (db_.changes() == 0) {
                throw store_error(db_.path().string() + ": cannot update case " + c.human_id +
                                      ": no case has id " + std::to_string(c.id),
                                  0, 0);
            }
            auto& drop = db_.cached("DELETE FROM measures WHERE case_id = ?");
            drop.run_with(case_id);
        }
        if (!c.measures.empty()) {
            auto& m = db_.cached(
                "INSERT INTO measures (case_id, number, text, responsible_email, due_date, "
                "state, done_at, effect, evaluated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
            for (const auto& measure : c.measures) {
                m.run_with(case_id, measure.number, measure.text, measure.responsible_email,
                           measure.due_date, bot::to_string(measure.state),
                           unix_or_null(measure.done_at), measure.effect,
                           unix_or_null(measure.evaluated_at));
            }
        }
    }

    // The next line number is read first and inserted with VALUES: an INSERT ... SELECT that reads
    // case_events would first copy its result into a temporary table, which costs a filing more
    // than both statements together.
    auto& last_line = db_.cached(
        "SELECT (SELECT COALESCE(MAX(n), 0) FROM case_events WHERE case_id = ?1) FROM cases "
        "WHERE id = ?1 AND human_id = ?2");
    auto& event = db_.cached(
        "INSERT INTO case_events (case_id, n, at, actor_email, via, kind, detail, action) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    const auto folded = fold_audit_into_history(d, now);
    for (std::size_t i = 0; i < d.events.size(); ++i) {
        const auto& e = d.events[i];
        const auto at = e.at == std::chrono::sys_seconds{} ? now : e.at;
        const auto number = detail::parse_case_number(e.case_human_id);
        const std::optional<std::int64_t> case_id =
            number ? std::optional{detail::case_rowid(number->year, number->seq)} : std::nullopt;
        std::int64_t line = 0;
        if (filed && case_id == filed->id && e.case_human_id == *filed->human_id) {
            line = ++filed->lines;
        } else {
            last_line.reset();
            last_line.bind_all(case_id, e.case_human_id);
            if (!last_line.step()) {
                throw store_error(db_.path().string() + ": cannot record '" + e.kind +
                                      "' in the history of case " + e.case_human_id +
                                      ": there is no such case",
                                  0, 0);
            }
            line = last_line.int64(0) + 1;
            last_line.reset();
        }
        const auto* action = folded.event_action[i];
        event.run_with(case_id, line, to_unix(at), e.actor_email, bot::to_string(e.via), e.kind,
                       e.detail, action ? std::string_view{*action} : std::string_view{});
    }

    auto& audit = db_.cached(
        "INSERT INTO audit (at, actor_email, via, action, target, outcome, detail) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)");
    for (std::size_t i = 0; i < d.audit.size(); ++i) {
        if (folded.audit_in_history[i]) {
            continue;
        }
        const auto& a = d.audit[i];
        audit.run_with(to_unix(now), a.actor_email, bot::to_string(a.via), a.action, a.target,
                       a.outcome, a.detail);
    }

    auto& recipient = db_.cached("SELECT channel FROM persons WHERE email = ? AND active = 1");
    auto& enqueue = db_.cached(
        "INSERT OR IGNORE INTO outbox (recipient_email, channel, body, urgent, "
        "dedupe_key, created_at, not_before, conversation) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    const bot::message* written_body = nullptr;  // what message_buffer_ holds
    for (const auto& n : d.notifications) {
        recipient.reset();
        recipient.bind_all(n.recipient_email);
        if (!recipient.step()) {
            // Nobody to deliver to; the audit trail says so instead of a row nobody can take.
            audit.run_with(to_unix(now), actor, via_name, "notify", n.recipient_email,
                           "undeliverable", "unknown or inactive recipient");
            continue;
        }
        const auto channel_name = n.via ? std::string{bot::to_string(*n.via)} : recipient.text(0);
        // A unit's leader and deputy are usually sent the same card: it is written once.
        if (written_body == nullptr || !(*written_body == n.body)) {
            write_message_json(n.body, message_buffer_);
            written_body = &n.body;
        }
        enqueue.run_with(n.recipient_email, channel_name, message_buffer_, n.urgent,
                         null_if_empty(n.dedupe_key), to_unix(now), to_unix(now),
                         n.in_conversation);
    }

    if (d.conversation) {
        if (d.conversation->empty()) {
            auto& s = db_.cached("DELETE FROM conversations WHERE email = ? AND channel = ?");
            s.run_with(actor, via_name);
        } else {
            auto& s = db_.cached(
                "INSERT INTO conversations (email, channel, state_json, updated_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (email, channel) DO UPDATE SET "
                "state_json = excluded.state_json, updated_at = excluded.updated_at");
            s.run_with(actor, via_name, conversation_to_json(*d.conversation), to_unix(now));
        }
    }

    if (d.preferences && d.preferences->lang) {
        auto& s = db_.cached("UPDATE persons SET lang = ?, lang_chosen = 1 WHERE email = ?");
        s.run_with(bot::to_string(*d.preferences->lang), d.preferences->email);
    }

    detail::apply_library_changes(db_, d, actor, now);
    detail::apply_digest_choice(db_, d, actor, now);
    detail::cancel_settled_reminders(db_, d, actor, via, now);
}

void store::with_read(const read_fn& fn) {
    transaction tx{db_, transaction_mode::deferred};
    detail::sql_view view{db_};
    fn(view, view);
    tx.commit();
}

void store::sync_organisation(const organisation& org, std::chrono::sys_seconds now) {
    transaction tx{db_, transaction_mode::immediate};
    db_.exec("UPDATE units SET active = 0");
    statement unit{db_,
                   "INSERT INTO units (id, name, parent_id, leader_email, deputy_email, active) "
                   "VALUES (?, ?, ?, ?, ?, 1) ON CONFLICT (id) DO UPDATE SET name = excluded.name, "
                   "parent_id = excluded.parent_id, leader_email = excluded.leader_email, "
                   "deputy_email = excluded.deputy_email, active = 1"};
    for (const auto& u : org.units) {
        unit.reset();
        unit.bind_all(u.id, u.name, u.parent_id, lower(u.leader_email), lower(u.deputy_email))
            .run();
    }

    db_.exec("DELETE FROM committee_members; DELETE FROM committees;");
    statement committee{db_,
                        "INSERT INTO committees (id, name, kind, unit_id) VALUES (?, ?, ?, ?)"};
    statement member{db_,
                     "INSERT INTO committee_members (committee_id, position, email, role) "
                     "VALUES (?, ?, ?, ?)"};
    for (const auto& c : org.committees) {
        committee.reset();
        committee.bind_all(c.id, c.name, bot::to_string(c.kind), c.unit_id).run();
        int position = 0;
        for (const auto& m : c.members) {
            member.reset();
            member.bind_all(c.id, ++position, lower(m.email), m.role).run();
        }
    }

    std::set<std::string> configured;
    statement person{db_,
                     "INSERT INTO persons (email, name, unit_id, role, lang, channel, active, "
                     "source) VALUES (?, ?, ?, ?, ?, ?, ?, 'config') ON CONFLICT (email) DO UPDATE "
                     "SET name = excluded.name, unit_id = excluded.unit_id, role = excluded.role, "
                     "lang = CASE WHEN lang_chosen = 1 THEN lang ELSE excluded.lang END, "
                     "channel = excluded.channel, active = excluded.active, source = 'config'"};
    for (const auto& p : org.people) {
        const auto email = lower(p.email);
        configured.insert(email);
        person.reset();
        person
            .bind_all(email, p.name, p.unit_id, p.role, bot::to_string(p.lang),
                      bot::to_string(p.preferred), p.active)
            .run();
    }

    std::vector<std::string> gone;
    statement previous{db_, "SELECT email FROM persons WHERE source = 'config' AND active = 1"};
    while (previous.step()) {
        if (auto email = previous.text(0); !configured.contains(email)) {
            gone.push_back(std::move(email));
        }
    }
    statement deactivate{db_, "UPDATE persons SET active = 0 WHERE email = ?"};
    for (const auto& email : gone) {
        deactivate.reset();
        deactivate.bind_all(email).run();
    }
    audit_system(db_, now, "organisation.sync",
                 std::to_string(org.units.size()) + " units, " + std::to_string(org.people.size()) +
                     " people, " + std::to_string(gone.size()) + " retired");
    tx.commit();
}

import_report store::import_people(const std::vector<bot::person>& people,
                                   std::chrono::sys_seconds now) {
    import_report report;
    transaction tx{db_, transaction_mode::immediate};
    statement known_unit{db_, "SELECT 1 FROM units WHERE id = ? AND active = 1"};
    for (const auto& p : people) {
        if (p.email.empty()) {
            report.errors.push_back("(no email) " + p.name + ": an email address is required");
            continue;
        }
        known_unit.reset();
        known_unit.bind_all(p.unit_id);
        if (!known_unit.step()) {
            report.errors.push_back(lower(p.email) + ": unit '" + p.unit_id +
                                    "' is not a known unit");
        }
    }
    if (!report.errors.empty()) {
        return report;
    }

    statement existing{db_,
                       "SELECT name, unit_id, role, lang, channel, active, lang_chosen "
                       "FROM persons WHERE email = ?"};
    statement insert{db_,
                     "INSERT INTO persons (email, name, unit_id, role, lang, channel, active, "
                     "source) VALUES (?, ?, ?, ?, ?, ?, ?, 'import')"};
    statement update{db_,
                     "UPDATE persons SET name = ?, unit_id = ?, role = ?, "
                     "lang = CASE WHEN lang_chosen = 1 THEN lang ELSE ? END, channel = ?, "
                     "active = ? WHERE email = ?"};
    for (const auto& p : people) {
        const auto email = lower(p.email);
        const auto lang = std::string{bot::to_string(p.lang)};
        const auto channel = std::string{bot::to_string(p.preferred)};
        existing.reset();
        existing.bind_all(email);
        if (!existing.step()) {
            insert.reset();
            insert.bind_all(email, p.name, p.unit_id, p.role, lang, channel, p.active).run();
            report.added.push_back(email);
            continue;
        }
        const bool lang_chosen = existing.integer(6) != 0;
        const bool same = existing.text(0) == p.name && existing.text(1) == p.unit_id &&
                          existing.text(2) == p.role && (lang_chosen || existing.text(3) == lang) &&
                          existing.text(4) == channel && (existing.integer(5) != 0) == p.active;
        if (same) {
            report.unchanged.push_back(email);
            continue;
        }
        update.reset();
        update.bind_all(p.name, p.unit_id, p.role, lang, channel, p.active, email).run();
        report.changed.push_back(email);
    }
    audit_system(db_, now, "people.import",
                 std::to_string(report.added.size()) + " added, " +
                     std::to_string(report.changed.size()) + " changed");
    tx.commit();
    return report;
}

namespace {

constexpr std::string_view outbox_columns =
    "SELECT id, recipient_email, channel, body, urgent, dedupe_key, attempts, created_at, "
    "not_before, conversation FROM outbox ";

std::vector<outbox_item> read_outbox_rows(database& db, statement& s) {
    std::vector<outbox_item> out;
    while (s.step()) {
        outbox_item item;
        item.id = s.int64(0);
        item.recipient_email = s.text(1);
        item.via = detail::parse_column(db, bot::parse_channel, s.text(2), "outbox.channel");
        item.body = message_from_json(s.text(3));
        item.urgent = s.integer(4) != 0;
        item.dedupe_key = s.text(5);
        item.attempts = s.integer(6);
        item.created_at = from_unix(s.int64(7));
        item.not_before = from_unix(s.int64(8));
        item.conversation = s.text(9);
        out.push_back(std::move(item));
    }
    return out;
}

}  // namespace

std::vector<outbox_item> store::due_outbox(std::chrono::sys_seconds now,
                                           std::optional<bot::channel> via,
                                           std::optional<std::string> recipient, int limit) {
    // A channel is matched with `=`, never `? IS NULL OR`, so the (state, channel, not_before)
    // index finds its rows without walking those of channels this caller does not deliver.
    static constexpr std::string_view where = "WHERE state = 'pending' AND not_before <= ?1 ";
    static constexpr std::string_view rest =
        "AND (?3 IS NULL OR recipient_email = ?3) ORDER BY urgent DESC, not_before, id LIMIT ?4";
    statement s{db_, std::string{outbox_columns} + std::string{where} +
                         (via ? "AND channel = ?2 " : "AND ?2 IS NULL ") + std::string{rest}};
    std::optional<std::string> via_name;
    if (via) {
        via_name = std::string{bot::to_string(*via)};
    }
    s.bind_all(to_unix(now), via_name, recipient, limit);
    return read_outbox_rows(db_, s);
}

std::vector<outbox_item> store::due_outbox_besides(std::chrono::sys_seconds now, bot::channel via,
                                                   const std::vector<std::int64_t>& leave_out,
                                                   int limit) {
    std::string ids = "[";
    for (const auto id : leave_out) {
        if (ids.size() > 1) {
            ids += ',';
        }
        ids += std::to_string(id);
    }
    ids += "]";
    statement s{db_, std::string{outbox_columns} +
                         "WHERE state = 'pending' AND not_before <= ?1 AND channel = ?2 AND id "
                         "NOT IN (SELECT value FROM json_each(?3)) ORDER BY urgent DESC, "
                         "not_before, id LIMIT ?4"};
    s.bind_all(to_unix(now), std::string{bot::to_string(via)}, ids, limit);
    return read_outbox_rows(db_, s);
}

void store::mark_delivered(std::int64_t id, std::chrono::sys_seconds now) {
    statement s{db_, "UPDATE outbox SET state = 'delivered', delivered_at = ? WHERE id = ?"};
    s.bind_all(to_unix(now), id).run();
}

void store::mark_attempt_failed(std::int64_t id, const std::string& error,
                                std::chrono::sys_seconds next_attempt, bool give_up) {
    statement s{db_,
                "UPDATE outbox SET attempts = attempts + 1, last_error = ?, not_before = ?, "
                "state = ? WHERE id = ?"};
    s.bind_all(error, to_unix(next_attempt), give_up ? "failed" : "pending", id).run();
}

void store::reroute_outbox(std::int64_t id, bot::channel to, const std::string& reason,
                           std::chrono::sys_seconds now) {
    transaction tx{db_, transaction_mode::immediate};
    statement find{db_, "SELECT recipient_email, channel FROM outbox WHERE id = ?"};
    find.bind_all(id);
    if (!find.step()) {
        return;
    }
    const auto recipient = find.text(0);
    const auto from = find.text(1);
    statement s{db_,
                "UPDATE outbox SET channel = ?, attempts = 0, not_before = ?, state = 'pending', "
                "last_error = ? WHERE id = ?"};
    s.bind_all(std::string{bot::to_string(to)}, to_unix(now), reason, id).run();
    statement audit{db_,
                    "INSERT INTO audit (at, actor_email, via, action, target, outcome, detail) "
                    "VALUES (?, 'system', ?, 'delivery.fallback', ?, ?, ?)"};
    audit.bind_all(to_unix(now), from, recipient, std::string{bot::to_string(to)}, reason).run();
    tx.commit();
}

std::optional<std::chrono::sys_seconds> store::next_outbox_due(
    const std::vector<bot::channel>& channels) {
    std::optional<std::chrono::sys_seconds> next;
    auto& s =
        db_.cached("SELECT MIN(not_before) FROM outbox WHERE state = 'pending' AND channel = ?");
    for (const auto ch : channels) {
        s.reset();
        s.bind_all(std::string{bot::to_string(ch)});
        if (s.step() && !s.is_null(0)) {
            const auto at = from_unix(s.int64(0));
            if (!next || at < *next) {
                next = at;
            }
        }
    }
    s.reset();
    return next;
}

outbox_stats store::outbox_depth() {
    // Two index seeks, not a walk over every row ever delivered.
    statement s{db_,
                "SELECT (SELECT count(*) FROM outbox WHERE state = 'pending'), "
                "(SELECT count(*) FROM outbox WHERE state = 'failed')"};
    s.step();
    return outbox_stats{s.int64(0), s.int64(1)};
}

std::vector<case_report_row> store::report_cases(std::optional<int> year) {
    transaction tx{db_, transaction_mode::deferred};
    detail::sql_view view{db_};
    auto cases = year ? view.cases_where("WHERE id > ? AND id < ?",
                                         [&](statement& s) {
                                             s.bind_all(detail::case_rowid(*year, 0),
                                                        detail::case_rowid(*year + 1, 0));
                                         })
                      : view.cases_where("", [](statement&) {});
    auto& history = db_.cached(
        "SELECT kind, at, actor_email, via, detail FROM case_events "
        "WHERE case_id = ? ORDER BY n");
    std::vector<case_report_row> out;
    out.reserve(cases.size());
    for (auto& c : cases) {
        case_report_row row{std::move(c), {}};
        history.reset();
        history.bind_all(row.c.id);
        while (history.step()) {
            row.history.push_back(case_history_entry{history.text(0), from_unix(history.int64(1)),
                                                     history.text(2), history.text(3),
                                                     history.text(4)});
        }
        out.push_back(std::move(row));
    }
    tx.commit();
    return out;
}

bool store::healthy() noexcept {
    try {
        return db_.query_int("SELECT 1") == 1;
    } catch (...) {
        return false;
    }
}

}  // namespace kv::daemon
