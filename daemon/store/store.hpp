#pragma once
// The daemon's SQLite store: the organisation, deviation cases, history, audit, the outbox and
// dialog state, in one file. It implements the bot's directory and repository on SQL.

#include <chrono>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "bot/decision.hpp"
#include "bot/events.hpp"
#include "bot/ports.hpp"
#include "daemon/config/organisation.hpp"
#include "daemon/store/sqlite.hpp"

namespace kv::daemon {

struct store_options {
    std::filesystem::path path;  // the database file; its folder is created when missing
    bool synchronous_full =
        true;  // false: synchronous=NORMAL (a power cut may lose the last commits)
    int busy_timeout_ms = 5000;  // how long a writer waits for another process's lock
};

struct handle_result {
    bool duplicate = false;  // the event's dedupe key was handled before; nothing was done
    bot::decision decision;  // what was decided and stored (empty when duplicate)
};

struct outbox_item {
    std::int64_t id = 0;
    std::string recipient_email;
    bot::channel via = bot::channel::console;
    bot::message body;
    bool urgent = false;
    std::string dedupe_key;
    int attempts = 0;  // failed attempts so far
    std::chrono::sys_seconds created_at{};
    std::chrono::sys_seconds not_before{};
    std::string conversation;  // an answer's conversation (bot::notification::in_conversation)
};

struct outbox_stats {
    std::int64_t pending = 0;
    std::int64_t failed = 0;  // given up; kept for an operator to look at
};

// What import_people did, by email. When `errors` is not empty nothing was imported.
struct import_report {
    std::vector<std::string> added, changed, unchanged;
    std::vector<std::string> errors;  // "<email>: <what is wrong>", one per refused person
};

struct case_history_entry {
    std::string kind;
    std::chrono::sys_seconds at{};
    std::string actor_email;
    std::string via;
    std::string detail;
};

struct case_report_row {
    bot::deviation_case c;
    std::vector<case_history_entry> history;  // oldest first
};

// The store: one SQLite connection to one file, opened in WAL mode with foreign keys on and the
// schema migrated to the current version. Several processes may use the same file; each write
// is one IMMEDIATE transaction. Not thread-safe: use one store from one thread at a time.
// Failures of the database itself throw store_error; a failed write leaves nothing behind.
class store {
  public:
    using decide_fn = std::function<bot::decision(const bot::directory&, const bot::repository&)>;
    using read_fn = std::function<void(const bot::directory&, const bot::repository&)>;

    // Opens or creates the file and migrates it. Throws store_error, naming the file, when it is
    // not an SQLite database, is damaged, is read-only, or has a newer schema than this program
    // knows; such a file is left exactly as it was.
    explicit store(const store_options& options);

    // Handles one inbound event atomically: if its dedupe key was seen, returns {duplicate=true}
    // and writes nothing; else calls `decide` with views that read inside the same transaction,
    // applies the decision (case, history, audit, outbox, dialog state, preferences) and records
    // the key. Completes after the commit. If `decide` throws or a write fails, everything is
    // rolled back and the exception propagates.
    handle_result handle(const bot::inbound_event& ev, std::chrono::sys_seconds now,
                         const decide_fn& decide);

    // Several inbound events handled in ONE transaction, in order, each exactly as handle()
    // would, in a savepoint of its own: an event whose decide throws or whose writes fail is
    // rolled back alone and its exception is put in its slot; the others commit together, with
    // one fsync for all (group commit). Each event sees what the ones before it wrote. When the
    // commit itself fails, every slot holds that failure and nothing was written.
    struct batch_item {
        const bot::inbound_event* ev = nullptr;
        const decide_fn* decide = nullptr;
    };
    struct batch_outcome {
        handle_result result;
        std::exception_ptr error;  // set when this event was rolled back
    };
    std::vector<batch_outcome> handle_many(const std::vector<batch_item>& items,
                                           std::chrono::sys_seconds now);

    // Whether an inbound event with this dedupe key has been handled (handle() recorded it).
    // For work done before handle() that must not be repeated for a redelivery. Throws
    // store_error.
    bool has_seen(const std::string& dedupe_key);
    // Records `dedupe_key` as seen, as handle() does for an event's key; for a key of something
    // else that must happen once, from inside a transaction (e.g. a decide function).
    void record_seen(const std::string& dedupe_key, std::chrono::sys_seconds now);

    // Applies a decision that no inbound event caused (the scheduler's reminders), in one
    // transaction, acting as `actor` on `via`. Throws store_error; nothing is written then.
    void apply(const bot::decision& d, const std::string& actor, bot::channel via,
               std::chrono::sys_seconds now);

    // Calls `fn` with views that read one consistent snapshot. Rethrows what `fn` throws.
    void with_read(const read_fn& fn);

    // Makes units, committees and config people match `org`, in one transaction. People from the
    // configuration who are no longer in it become inactive; a language a person chose is kept;
    // units that disappeared are kept but inactive. Throws store_error.
    void sync_organisation(const organisation& org, std::chrono::sys_seconds now);

    // Adds or updates people by email, all or nothing: a person whose unit is not an active unit
    // makes the whole import refused, reported in `errors`. Throws store_error.
    import_report import_people(const std::vector<bot::person>& people,
                                std::chrono::sys_seconds now);

    // Pending rows due at `now` (not_before <= now), urgent first, then oldest; optionally only
    // for one channel and one recipient. The outbox methods throw store_error.
    std::vector<outbox_item> due_outbox(std::chrono::sys_seconds now,
                                        std::optional<bot::channel> via,
                                        std::optional<std::string> recipient, int limit);
    // As due_outbox for one channel, without the rows in `leave_out` (e.g. those being sent).
    std::vector<outbox_item> due_outbox_besides(std::chrono::sys_seconds now, bot::channel via,
                                                const std::vector<std::int64_t>& leave_out,
                                                int limit);
    // The row is never handed out again.
    void mark_delivered(std::int64_t id, std::chrono::sys_seconds now);
    // Counts a failed attempt; the row is retried at `next_attempt`, or marked failed if give_up.
    void mark_attempt_failed(std::int64_t id, const std::string& error,
                             std::chrono::sys_seconds next_attempt, bool give_up);
    // Hands the row to another channel (a fallback): it becomes due at `now` with its attempts
    // reset, and an audit record says why. The row keeps its dedupe key, so it is still sent once.
    void reroute_outbox(std::int64_t id, bot::channel to, const std::string& reason,
                        std::chrono::sys_seconds now);
    // The earliest not_before of a pending row on one of `channels`, or nothing when none waits.
    std::optional<std::chrono::sys_seconds> next_outbox_due(
        const std::vector<bot::channel>& channels);
    // Rows waiting (due or not) and rows given up on.
    outbox_stats outbox_depth();

    // All cases (or those of `year`), ordered by year and sequence, each with its history.
    std::vector<case_report_row> report_cases(std::optional<int> year);

    // True when a trivial query succeeds.
    bool healthy() noexcept;

    const std::filesystem::path& path() const noexcept { return db_.path(); }

    // The connection, for tables a channel or the scheduler keeps in its own files
    // (daemon/store/<area>_*.cpp). Same rules as the store: one thread at a time.
    database& db() noexcept { return db_; }

  private:
    handle_result handle_in_transaction(const bot::inbound_event& ev, std::chrono::sys_seconds now,
                                        const decide_fn& decide);
    void apply_in_transaction(const bot::decision& d, const std::string& actor, bot::channel via,
                              std::chrono::sys_seconds now);

    database db_;
    std::string message_buffer_;  // a notification's body as it is written to the outbox
};

}  // namespace kv::daemon
