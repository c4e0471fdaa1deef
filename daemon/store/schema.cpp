#include "daemon/store/schema.hpp"

#include <array>
#include <string>

namespace kv::daemon {
namespace {

// Version 1: the organisation, cases with measures and history, audit, outbox, inbound dedupe.
constexpr std::string_view v1 = R"sql(
CREATE TABLE units (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    parent_id TEXT NOT NULL DEFAULT '',
    leader_email TEXT NOT NULL DEFAULT '',
    deputy_email TEXT NOT NULL DEFAULT '',
    active INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE persons (
    email TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    unit_id TEXT NOT NULL DEFAULT '',
    role TEXT NOT NULL DEFAULT 'employee',
    lang TEXT NOT NULL DEFAULT 'nb',
    channel TEXT NOT NULL DEFAULT 'console',
    active INTEGER NOT NULL DEFAULT 1,
    source TEXT NOT NULL CHECK (source IN ('config', 'import'))
);
CREATE TABLE committees (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    unit_id TEXT NOT NULL DEFAULT ''
);
CREATE TABLE committee_members (
    committee_id TEXT NOT NULL REFERENCES committees(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    email TEXT NOT NULL,
    role TEXT NOT NULL,
    PRIMARY KEY (committee_id, position)
);
CREATE TABLE cases (
    id INTEGER PRIMARY KEY,
    human_id TEXT NOT NULL UNIQUE,
    year INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    category TEXT NOT NULL,
    unit_id TEXT NOT NULL,
    reporter_email TEXT NOT NULL,
    description TEXT NOT NULL,
    occurred TEXT NOT NULL,
    immediate_action TEXT NOT NULL,
    state TEXT NOT NULL,
    probability INTEGER,
    consequence INTEGER,
    authority TEXT NOT NULL,
    authority_note TEXT NOT NULL,
    conclusion TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (year, seq)
);
CREATE INDEX cases_by_reporter ON cases (reporter_email);
CREATE INDEX cases_by_unit ON cases (unit_id, state);
CREATE TABLE measures (
    case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    text TEXT NOT NULL,
    responsible_email TEXT NOT NULL,
    due_date TEXT NOT NULL,
    state TEXT NOT NULL,
    done_at INTEGER,
    effect TEXT NOT NULL,
    evaluated_at INTEGER,
    PRIMARY KEY (case_id, number)
);
CREATE TABLE case_events (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    at INTEGER NOT NULL,
    actor_email TEXT NOT NULL,
    via TEXT NOT NULL,
    kind TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX case_events_by_case ON case_events (case_id, at);
CREATE TABLE audit (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    actor_email TEXT NOT NULL,
    via TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    outcome TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    recipient_email TEXT NOT NULL,
    channel TEXT NOT NULL,
    body TEXT NOT NULL,
    urgent INTEGER NOT NULL,
    dedupe_key TEXT,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    not_before INTEGER NOT NULL,
    delivered_at INTEGER,
    UNIQUE (recipient_email, dedupe_key)
);
CREATE INDEX outbox_due ON outbox (state, not_before);
CREATE TABLE inbound_seen (
    dedupe_key TEXT PRIMARY KEY,
    at INTEGER NOT NULL
);
)sql";

// Version 2: dialog state survives a restart; a language a person chose is kept across syncs.
constexpr std::string_view v2 = R"sql(
ALTER TABLE persons ADD COLUMN lang_chosen INTEGER NOT NULL DEFAULT 0;
CREATE TABLE conversations (
    email TEXT NOT NULL,
    channel TEXT NOT NULL,
    state_json TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (email, channel)
);
)sql";

// Version 3: tables looked up only by their key keep their rows in the key's B-tree, so a
// filing writes one B-tree less for the dedupe key and one less for the dialog state. Cases lose
// UNIQUE(human_id): a human id is formatted from (year, seq), whose index finds it. The tables
// are rebuilt as SQLite prescribes (new table, copy, drop, rename) with foreign keys off.
constexpr std::string_view v3 = R"sql(
CREATE TABLE cases_v3 (
    id INTEGER PRIMARY KEY,
    human_id TEXT NOT NULL,
    year INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    category TEXT NOT NULL,
    unit_id TEXT NOT NULL,
    reporter_email TEXT NOT NULL,
    description TEXT NOT NULL,
    occurred TEXT NOT NULL,
    immediate_action TEXT NOT NULL,
    state TEXT NOT NULL,
    probability INTEGER,
    consequence INTEGER,
    authority TEXT NOT NULL,
    authority_note TEXT NOT NULL,
    conclusion TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (year, seq)
);
INSERT INTO cases_v3 (id, human_id, year, seq, kind, category, unit_id, reporter_email,
        description, occurred, immediate_action, state, probability, consequence, authority,
        authority_note, conclusion, created_at, updated_at)
    SELECT id, human_id, year, seq, kind, category, unit_id, reporter_email, description,
        occurred, immediate_action, state, probability, consequence, authority, authority_note,
        conclusion, created_at, updated_at FROM cases;
DROP TABLE cases;
ALTER TABLE cases_v3 RENAME TO cases;
CREATE INDEX cases_by_reporter ON cases (reporter_email);
CREATE INDEX cases_by_unit ON cases (unit_id, state);
CREATE TABLE inbound_seen_v3 (
    dedupe_key TEXT PRIMARY KEY,
    at INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO inbound_seen_v3 (dedupe_key, at) SELECT dedupe_key, at FROM inbound_seen;
DROP TABLE inbound_seen;
ALTER TABLE inbound_seen_v3 RENAME TO inbound_seen;
CREATE TABLE conversations_v3 (
    email TEXT NOT NULL,
    channel TEXT NOT NULL,
    state_json TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (email, channel)
) WITHOUT ROWID;
INSERT INTO conversations_v3 (email, channel, state_json, updated_at)
    SELECT email, channel, state_json, updated_at FROM conversations;
DROP TABLE conversations;
ALTER TABLE conversations_v3 RENAME TO conversations;
)sql";

// Version 4: the quality library (procedures and their review history), approvals that wait
// for a person's decision, and reading confirmations. `due_date` is last_reviewed +
// interval_months, kept with the row so the next review due is one index seek.
constexpr std::string_view v4 = R"sql(
CREATE TABLE procedures (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    area TEXT NOT NULL,
    subgroup TEXT NOT NULL,
    unit_id TEXT NOT NULL,
    owner_email TEXT NOT NULL,
    revision_owner_email TEXT NOT NULL,
    version TEXT NOT NULL,
    last_reviewed TEXT NOT NULL,
    interval_months INTEGER NOT NULL CHECK (interval_months BETWEEN 1 AND 12),
    due_date TEXT NOT NULL,
    url TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    updated_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX procedures_due ON procedures (active, due_date);
CREATE TABLE procedure_events (
    id INTEGER PRIMARY KEY,
    procedure_id TEXT NOT NULL,
    at INTEGER NOT NULL,
    actor_email TEXT NOT NULL,
    kind TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX procedure_events_by_procedure ON procedure_events (procedure_id, at);
CREATE TABLE approvals (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    title TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    approver_email TEXT NOT NULL,
    details_json TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'rejected')),
    decided_by TEXT NOT NULL DEFAULT '',
    decided_at INTEGER,
    comment TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
);
CREATE INDEX approvals_by_subject ON approvals (subject, state);
CREATE INDEX approvals_pending ON approvals (state, approver_email);
CREATE TABLE reading_list (
    procedure_id TEXT NOT NULL,
    version TEXT NOT NULL,
    email TEXT NOT NULL,
    assigned_at INTEGER NOT NULL,
    read_at INTEGER,
    PRIMARY KEY (procedure_id, version, email)
) WITHOUT ROWID;
CREATE INDEX reading_list_unread ON reading_list (email, read_at);
)sql";

// Version 5: email threads (what each sent Message-ID and Reply-To token belong to) and signed
// action links (the grant under each nonce, and when it was used).
constexpr std::string_view v5 = R"sql(
CREATE TABLE email_threads (
    message_id TEXT PRIMARY KEY,
    token TEXT NOT NULL,
    recipient_email TEXT NOT NULL,
    subject_key TEXT NOT NULL,
    sent_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX email_threads_by_token ON email_threads (token);
CREATE INDEX email_threads_by_subject ON email_threads (recipient_email, subject_key, sent_at);
CREATE TABLE email_links (
    nonce TEXT PRIMARY KEY,
    verb TEXT NOT NULL,
    target TEXT NOT NULL,
    data_json TEXT NOT NULL,
    person_email TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    used_at INTEGER
) WITHOUT ROWID;
)sql";

// Version 6: inbound email: every handled message with its outcome, answers per sender (rate
// limit), and addresses that bounced.
constexpr std::string_view v6 = R"sql(
CREATE TABLE email_inbound (
    message_id TEXT PRIMARY KEY,
    sender TEXT NOT NULL,
    outcome TEXT NOT NULL,
    case_id TEXT,
    detail TEXT NOT NULL,
    received_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE email_answers (
    sender TEXT NOT NULL,
    sent_at INTEGER NOT NULL
);
CREATE INDEX email_answers_by_sender ON email_answers (sender, sent_at);
CREATE TABLE email_failing_addresses (
    address TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    message_id TEXT NOT NULL,
    failed_at INTEGER NOT NULL
) WITHOUT ROWID;
)sql";

// Version 7: Teams. Conversation references per conversation (reference 3.6), the link from an
// Entra object id to a person, and the last card sent per (recipient, subject) with its activity
// id, so a case change updates that card in place (PUT) instead of sending a new one.
constexpr std::string_view v7 = R"sql(
CREATE TABLE teams_references (
    conversation_id TEXT PRIMARY KEY,
    person_email TEXT,
    user_id TEXT NOT NULL,
    user_name TEXT NOT NULL,
    aad_object_id TEXT NOT NULL,
    service_url TEXT NOT NULL,
    channel_id TEXT NOT NULL,
    conversation_type TEXT NOT NULL,
    tenant_id TEXT NOT NULL,
    is_group INTEGER NOT NULL,
    bot_id TEXT NOT NULL,
    bot_name TEXT NOT NULL,
    activity_id TEXT NOT NULL,
    locale TEXT NOT NULL,
    team_id TEXT NOT NULL,
    team_channel_id TEXT NOT NULL,
    dead INTEGER NOT NULL DEFAULT 0,
    updated_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX teams_references_by_person ON teams_references (person_email, conversation_type);
CREATE TABLE teams_identities (
    aad_object_id TEXT PRIMARY KEY,
    email TEXT NOT NULL,
    user_id TEXT NOT NULL,
    tenant_id TEXT NOT NULL,
    linked_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX teams_identities_by_email ON teams_identities (email);
CREATE TABLE teams_sent_cards (
    recipient_email TEXT NOT NULL,
    subject_key TEXT NOT NULL,
    conversation_id TEXT NOT NULL,
    activity_id TEXT NOT NULL,
    service_url TEXT NOT NULL,
    message_json TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (recipient_email, subject_key)
) WITHOUT ROWID;
CREATE INDEX teams_sent_cards_by_subject ON teams_sent_cards (subject_key);
)sql";

// Version 8: a filing writes two B-trees fewer, which is most of what a durable commit costs.
// A case's rowid is its number (year * 1,000,000 + seq), so the human id finds it without a
// (year, seq) index; history lines live in a table keyed by (case, line number), in the order
// they happened, instead of a rowid table plus an index. Existing ids are renumbered, with the
// measures and history that refer to them; history keeps its order (time, then insertion).
constexpr std::string_view v8 = R"sql(
CREATE TABLE cases_v8 (
    id INTEGER PRIMARY KEY,
    human_id TEXT NOT NULL,
    year INTEGER NOT NULL,
    seq INTEGER NOT NULL CHECK (seq BETWEEN 1 AND 999999),
    kind TEXT NOT NULL,
    category TEXT NOT NULL,
    unit_id TEXT NOT NULL,
    reporter_email TEXT NOT NULL,
    description TEXT NOT NULL,
    occurred TEXT NOT NULL,
    immediate_action TEXT NOT NULL,
    state TEXT NOT NULL,
    probability INTEGER,
    consequence INTEGER,
    authority TEXT NOT NULL,
    authority_note TEXT NOT NULL,
    conclusion TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    CHECK (id = year * 1000000 + seq)
);
INSERT INTO cases_v8 (id, human_id, year, seq, kind, category, unit_id, reporter_email,
        description, occurred, immediate_action, state, probability, consequence, authority,
        authority_note, conclusion, created_at, updated_at)
    SELECT year * 1000000 + seq, human_id, year, seq, kind, category, unit_id, reporter_email,
        description, occurred, immediate_action, state, probability, consequence, authority,
        authority_note, conclusion, created_at, updated_at FROM cases;
CREATE TABLE measures_v8 (
    case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    text TEXT NOT NULL,
    responsible_email TEXT NOT NULL,
    due_date TEXT NOT NULL,
    state TEXT NOT NULL,
    done_at INTEGER,
    effect TEXT NOT NULL,
    evaluated_at INTEGER,
    PRIMARY KEY (case_id, number)
);
INSERT INTO measures_v8 (case_id, number, text, responsible_email, due_date, state, done_at,
        effect, evaluated_at)
    SELECT c.year * 1000000 + c.seq, m.number, m.text, m.responsible_email, m.due_date, m.state,
        m.done_at, m.effect, m.evaluated_at
    FROM measures m JOIN cases c ON c.id = m.case_id;
CREATE TABLE case_events_v8 (
    case_id INTEGER NOT NULL REFERENCES cases(id),
    n INTEGER NOT NULL,
    at INTEGER NOT NULL,
    actor_email TEXT NOT NULL,
    via TEXT NOT NULL,
    kind TEXT NOT NULL,
    detail TEXT NOT NULL,
    PRIMARY KEY (case_id, n)
) WITHOUT ROWID;
INSERT INTO case_events_v8 (case_id, n, at, actor_email, via, kind, detail)
    SELECT c.year * 1000000 + c.seq,
        row_number() OVER (PARTITION BY e.case_id ORDER BY e.at, e.id),
        e.at, e.actor_email, e.via, e.kind, e.detail
    FROM case_events e JOIN cases c ON c.id = e.case_id;
DROP TABLE case_events;
DROP TABLE measures;
DROP TABLE cases;
ALTER TABLE cases_v8 RENAME TO cases;
ALTER TABLE measures_v8 RENAME TO measures;
ALTER TABLE case_events_v8 RENAME TO case_events;
CREATE INDEX cases_by_reporter ON cases (reporter_email);
CREATE INDEX cases_by_unit ON cases (unit_id, state);
)sql";

// Version 9: an answer waits in the outbox with the conversation it belongs in, so it is sent
// after the commit by the delivery worker and survives a restart between the two.
constexpr std::string_view v9 = R"sql(
ALTER TABLE outbox ADD COLUMN conversation TEXT NOT NULL DEFAULT '';
)sql";

// Version 10: the daily digest: who chose it, and which reminders each enqueued digest carried
// (so none of them is sent again, alone or in a later digest).
constexpr std::string_view v10 = R"sql(
CREATE TABLE digest_choices (
    email TEXT PRIMARY KEY,
    daily INTEGER NOT NULL CHECK (daily IN (0, 1)),
    chosen_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE digest_members (
    recipient_email TEXT NOT NULL,
    dedupe_key TEXT NOT NULL,
    digest_key TEXT NOT NULL,
    PRIMARY KEY (recipient_email, dedupe_key)
) WITHOUT ROWID;
)sql";

// Version 11: calendar feeds (daemon/calendar/feed_store): the generation each feed's URL token is
// made from. The tokens themselves are never stored.
constexpr std::string_view v11 = R"sql(
CREATE TABLE calendar_feeds (
    key INTEGER PRIMARY KEY,
    feed_id TEXT NOT NULL UNIQUE,
    generation INTEGER NOT NULL CHECK (generation >= 1),
    changed_at INTEGER NOT NULL
);
)sql";

// Version 12: a reminder whose step someone has acted on (a case received, a measure done, a
// procedure reviewed, a reading confirmed) is cancelled before it is sent: the outbox state may
// be 'cancelled'. The row stays, for the audit and so its dedupe key keeps it from being enqueued
// again; a cancelled row never becomes pending again (a retry or a fallback of a row the delivery
// worker held when it was cancelled), but may still become delivered (it was sent).
constexpr std::string_view v12 = R"sql(
CREATE TABLE outbox_v12 (
    id INTEGER PRIMARY KEY,
    recipient_email TEXT NOT NULL,
    channel TEXT NOT NULL,
    body TEXT NOT NULL,
    urgent INTEGER NOT NULL,
    dedupe_key TEXT,
    state TEXT NOT NULL DEFAULT 'pending'
        CHECK (state IN ('pending', 'delivered', 'failed', 'cancelled')),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    not_before INTEGER NOT NULL,
    delivered_at INTEGER,
    conversation TEXT NOT NULL DEFAULT '',
    UNIQUE (recipient_email, dedupe_key)
);
INSERT INTO outbox_v12 (id, recipient_email, channel, body, urgent, dedupe_key, state, attempts,
        last_error, created_at, not_before, delivered_at, conversation)
    SELECT id, recipient_email, channel, body, urgent, dedupe_key, state, attempts, last_error,
        created_at, not_before, delivered_at, conversation FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_v12 RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (state, not_before);
CREATE TRIGGER outbox_cancelled_stays_cancelled BEFORE UPDATE OF state ON outbox
    WHEN OLD.state = 'cancelled' AND NEW.state NOT IN ('cancelled', 'delivered')
BEGIN
    SELECT RAISE(IGNORE);
END;
)sql";

// Version 13: the scheduler reads only what falls due: procedure review rounds in due order (the
// wider index replaces procedures_due, which is its prefix), new cases by age, open measures by
// due date, and the unread part of the reading list. The reminders it enqueues for a channel the
// daemon does not deliver wait in the outbox: the next due row per channel is a seek past them.
constexpr std::string_view v13 = R"sql(
DROP INDEX procedures_due;
CREATE INDEX procedures_due ON procedures (active, due_date, last_reviewed);
CREATE INDEX cases_by_state ON cases (state, created_at);
CREATE INDEX measures_by_due ON measures (state, due_date);
CREATE INDEX reading_list_waiting ON reading_list (email, assigned_at) WHERE read_at IS NULL;
CREATE INDEX outbox_pending_by_channel ON outbox (state, channel, not_before);
)sql";

// Version 14: the per-channel index of version 13 serves every question outbox_due answered
// (pending rows by state, due rows by channel), and each index is one more B-tree written by
// every filing's notification.
constexpr std::string_view v14 = R"sql(
DROP INDEX outbox_due;
)sql";

// Version 15: a digest keeps what it says of each reminder it carries (its line, as message JSON:
// title and buttons), and which of them were cancelled after it was enqueued, so a pending digest
// is said again without them. Rows from before keep an empty line. And the meeting invitations
// sent: per event UID and recipient, the SEQUENCE last sent and the version of the event it
// described, so a changed occurrence is sent with a higher SEQUENCE.
constexpr std::string_view v15 = R"sql(
CREATE TABLE digest_members_v15 (
    recipient_email TEXT NOT NULL,
    dedupe_key TEXT NOT NULL,
    digest_key TEXT NOT NULL,
    line TEXT NOT NULL DEFAULT '',
    cancelled INTEGER NOT NULL DEFAULT 0 CHECK (cancelled IN (0, 1)),
    PRIMARY KEY (recipient_email, dedupe_key)
) WITHOUT ROWID;
INSERT INTO digest_members_v15 (recipient_email, dedupe_key, digest_key)
    SELECT recipient_email, dedupe_key, digest_key FROM digest_members;
DROP TABLE digest_members;
ALTER TABLE digest_members_v15 RENAME TO digest_members;
CREATE TABLE IF NOT EXISTS invitations_sent (
    uid TEXT NOT NULL,
    recipient_email TEXT NOT NULL,
    version TEXT NOT NULL,
    sequence INTEGER NOT NULL CHECK (sequence >= 0),
    sent_at INTEGER NOT NULL,
    PRIMARY KEY (uid, recipient_email)
) WITHOUT ROWID;
)sql";

// Version 16: what the scheduler keeps so a run decides only what may have fallen due since the
// last one. Per procedure and case, the first instant after that run at which a step of it falls
// due (schedule_next); the procedures and cases changed since (schedule_changes, written by the
// triggers below, never by a filing: a new case is one above the run's highest case id); and the
// run itself (schedule_progress): its instant, until when its index is complete, the rules and
// organisation it decided with, and the highest case id it saw.
constexpr std::string_view v16 = R"sql(
CREATE TABLE IF NOT EXISTS schedule_progress (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    evaluated_at INTEGER NOT NULL,
    complete_until INTEGER NOT NULL,
    fingerprint TEXT NOT NULL,
    last_case_id INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS schedule_next (
    kind TEXT NOT NULL CHECK (kind IN ('procedure', 'case')),
    subject TEXT NOT NULL,
    at INTEGER NOT NULL,
    PRIMARY KEY (kind, subject)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS schedule_next_by_at ON schedule_next (at);
CREATE TABLE IF NOT EXISTS schedule_changes (
    seq INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('procedure', 'case')),
    subject TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS schedule_case_updated AFTER UPDATE ON cases BEGIN
    INSERT INTO schedule_changes (kind, subject) VALUES ('case', CAST(NEW.id AS TEXT));
END;
CREATE TRIGGER IF NOT EXISTS schedule_case_deleted AFTER DELETE ON cases BEGIN
    INSERT INTO schedule_changes (kind, subject) VALUES ('case', CAST(OLD.id AS TEXT));
END;
CREATE TRIGGER IF NOT EXISTS schedule_measure_added AFTER INSERT ON measures BEGIN
    INSERT INTO schedule_changes (kind, subject) VALUES ('case', CAST(NEW.case_id AS TEXT));
END;
CREATE TRIGGER IF NOT EXISTS schedule_measure_updated AFTER UPDATE ON measures BEGIN
    INSERT INTO schedule_changes (kind, subject) VALUES ('case', CAST(NEW.case_id AS TEXT));
END;
CREATE TRIGGER IF NOT EXISTS schedule_measure_deleted AFTER DELETE ON measures BEGIN
    INSERT INTO schedule_changes (kind, subject) VALUES ('case', CAST(OLD.case_id AS TEXT));
END;
CREATE TRIGGER IF NOT EXISTS schedule_procedure_added AFTER INSERT ON procedures BEGIN
    INSERT INTO schedule_changes (kind, subject) VALUES ('procedure', NEW.id);
END;
CREATE TRIGGER IF NOT EXISTS schedule_procedure_updated AFTER UPDATE ON procedures BEGIN
    INSERT INTO schedule_changes (kind, subject) VALUES ('procedure', NEW.id);
END;
CREATE TRIGGER IF NOT EXISTS schedule_procedure_deleted AFTER DELETE ON procedures BEGIN
    INSERT INTO schedule_changes (kind, subject) VALUES ('procedure', OLD.id);
END;
CREATE TRIGGER IF NOT EXISTS schedule_approval_added AFTER INSERT ON approvals BEGIN
    INSERT INTO schedule_changes (kind, subject) VALUES ('procedure', NEW.subject);
END;
CREATE TRIGGER IF NOT EXISTS schedule_approval_updated AFTER UPDATE ON approvals BEGIN
    INSERT INTO schedule_changes (kind, subject) VALUES ('procedure', NEW.subject);
END;
CREATE TRIGGER IF NOT EXISTS schedule_approval_deleted AFTER DELETE ON approvals BEGIN
    INSERT INTO schedule_changes (kind, subject) VALUES ('procedure', OLD.subject);
END;
)sql";

// Version 17: the outbox checks its state with equalities. SQLite evaluates an IN list of more
// than two values by building a temporary B-tree, and a CHECK is evaluated for every row written:
// every notification a filing enqueued paid for one. Same columns, rows, ids, index and trigger.
constexpr std::string_view v17 = R"sql(
CREATE TABLE outbox_v17 (
    id INTEGER PRIMARY KEY,
    recipient_email TEXT NOT NULL,
    channel TEXT NOT NULL,
    body TEXT NOT NULL,
    urgent INTEGER NOT NULL,
    dedupe_key TEXT,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state = 'pending' OR state = 'delivered'
        OR state = 'failed' OR state = 'cancelled'),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    not_before INTEGER NOT NULL,
    delivered_at INTEGER,
    conversation TEXT NOT NULL DEFAULT '',
    UNIQUE (recipient_email, dedupe_key)
);
INSERT INTO outbox_v17 (id, recipient_email, channel, body, urgent, dedupe_key, state, attempts,
        last_error, created_at, not_before, delivered_at, conversation)
    SELECT id, recipient_email, channel, body, urgent, dedupe_key, state, attempts, last_error,
        created_at, not_before, delivered_at, conversation FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_v17 RENAME TO outbox;
CREATE INDEX outbox_pending_by_channel ON outbox (state, channel, not_before);
CREATE TRIGGER outbox_cancelled_stays_cancelled BEFORE UPDATE OF state ON outbox
    WHEN OLD.state = 'cancelled' AND NEW.state NOT IN ('cancelled', 'delivered')
BEGIN
    SELECT RAISE(IGNORE);
END;
)sql";

// Version 18: a filing writes two B-trees fewer. Each B-tree a commit touches is one more page
// written and synced.
//  - Cases by state are found per active unit (cases_by_unit now ends with created_at), so
//    cases_by_state goes.
//  - A case action's audit record is the history line it writes: the line names the action
//    (case_events.action). The audit table keeps everything else: refusals, denials, invalid
//    requests, undeliverable notifications, the daemon's own changes. audit_log shows both.
constexpr std::string_view v18 = R"sql(
DROP INDEX cases_by_state;
DROP INDEX cases_by_unit;
CREATE INDEX cases_by_unit ON cases (unit_id, state, created_at);
ALTER TABLE case_events ADD COLUMN action TEXT NOT NULL DEFAULT '';
CREATE VIEW audit_log (at, actor_email, via, action, target, outcome, detail) AS
    SELECT at, actor_email, via, action, target, outcome, detail FROM audit
    UNION ALL
    SELECT e.at, e.actor_email, e.via, e.action, c.human_id, 'ok', '' FROM case_events e
        JOIN cases c ON c.id = e.case_id WHERE e.action <> '';
)sql";

constexpr std::array<std::string_view, 18> migrations{v1,  v2,  v3,  v4,  v5,  v6,  v7,  v8,  v9,
                                                      v10, v11, v12, v13, v14, v15, v16, v17, v18};

[[noreturn]] void refuse_newer(const database& db, std::int64_t version) {
    throw store_error(
        db.path().string() + ": the database has schema version " + std::to_string(version) +
            ", but this kvalitetsvakt knows versions up to " + std::to_string(migrations.size()) +
            "; it was written by a newer release, use that release or newer",
        0, 0);
}

// Switches foreign keys back on when migrate() ends, however it ends.
class foreign_keys_restorer {
  public:
    foreign_keys_restorer(database& db, bool enabled) noexcept : db_(db), enabled_(enabled) {}
    ~foreign_keys_restorer() {
        if (enabled_) {
            try {
                db_.exec("PRAGMA foreign_keys = ON");
            } catch (...) {
                // Setting a pragma outside a transaction does not fail on a healthy connection;
                // a broken one fails its next statement anyway.
            }
        }
    }
    foreign_keys_restorer(const foreign_keys_restorer&) = delete;
    foreign_keys_restorer& operator=(const foreign_keys_restorer&) = delete;

  private:
    database& db_;
    bool enabled_;
};

}  // namespace

int latest_schema_version() noexcept {
    return static_cast<int>(migrations.size());
}

void migrate(database& db) {
    const auto latest = static_cast<std::int64_t>(migrations.size());
    const auto found = db.query_int("PRAGMA user_version");
    if (found > latest) {
        refuse_newer(db, found);
    }
    if (found == latest) {
        return;
    }
    // Rebuilding a table that others reference needs foreign keys off; the pragma is ignored
    // inside a transaction, so it is switched here and checked in each step instead.
    const bool foreign_keys = db.query_int("PRAGMA foreign_keys") != 0;
    if (foreign_keys) {
        db.exec("PRAGMA foreign_keys = OFF");
    }
    const foreign_keys_restorer restore{db, foreign_keys};
    for (std::int64_t version = 1; version <= latest; ++version) {
        transaction tx{db, transaction_mode::immediate};
        // Read again under the write lock: another process may have migrated meanwhile.
        const auto current = db.query_int("PRAGMA user_version");
        if (current > latest) {
            refuse_newer(db, current);
        }
        if (current >= version) {
            continue;
        }
        db.exec(migrations[static_cast<std::size_t>(version - 1)]);
        if (const auto broken = db.query_int("SELECT count(*) FROM pragma_foreign_key_check");
            broken != 0) {
            throw store_error(db.path().string() + ": migrating to schema version " +
                                  std::to_string(version) + " would leave " +
                                  std::to_string(broken) + " rows referring to missing rows",
                              0, 0);
        }
        db.exec("PRAGMA user_version = " + std::to_string(version));
        tx.commit();
    }
}

}  // namespace kv::daemon
