#include "tests/bench/plain_sql_filing.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string_view>

#include "bot/domain/names.hpp"
#include "daemon/store/batched_wal_vfs.hpp"
#include "daemon/store/message_json.hpp"

namespace kv::bench {

namespace {

using bench_clock = std::chrono::steady_clock;

std::int64_t unix_seconds(std::chrono::sys_seconds t) {
    return t.time_since_epoch().count();
}

void bind(sqlite3_stmt* s, int i, std::string_view text) {
    sqlite3_bind_text(s, i, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
}

void bind(sqlite3_stmt* s, int i, std::int64_t v) {
    sqlite3_bind_int64(s, i, v);
}

void bind(sqlite3_stmt* s, int i, std::optional<int> v) {
    if (v) {
        sqlite3_bind_int(s, i, *v);
    } else {
        sqlite3_bind_null(s, i);
    }
}

void bind_or_null(sqlite3_stmt* s, int i, std::string_view text) {
    if (text.empty()) {
        sqlite3_bind_null(s, i);
    } else {
        bind(s, i, text);
    }
}

// One query's rows, every column as text, in the order the query gives.
std::string rows_of(sqlite3* db, const std::string& sql) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) != SQLITE_OK) {
        throw std::runtime_error(sql + ": " + sqlite3_errmsg(db));
    }
    std::string out;
    int rc = SQLITE_ROW;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        for (int c = 0; c < sqlite3_column_count(s); ++c) {
            // The type first, so that NULL and the text "NULL" differ.
            out += std::to_string(sqlite3_column_type(s, c));
            const auto* text = sqlite3_column_text(s, c);
            out += text ? reinterpret_cast<const char*>(text) : "";
            out += '\x1f';
        }
        out += '\x1e';
    }
    const std::string why = rc == SQLITE_DONE ? "" : sqlite3_errmsg(db);
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) {
        throw std::runtime_error(sql + ": " + why);
    }
    return out;
}

}  // namespace

plain_sql_filer::plain_sql_filer(const std::filesystem::path& file,
                                 std::vector<bot::inbound_event> events,
                                 std::vector<bot::decision> filings, std::chrono::sys_seconds now)
    : events_(std::move(events)), filings_(std::move(filings)), now_(now) {
    if (events_.size() != filings_.size()) {
        throw std::runtime_error("plain_sql_filer: an event for every filing, and no more");
    }
    if (sqlite3_open_v2(file.c_str(), &db_, SQLITE_OPEN_READWRITE,
                        daemon::detail::batched_wal_vfs()) != SQLITE_OK) {
        const std::string why = db_ ? sqlite3_errmsg(db_) : "out of memory";
        sqlite3_close(db_);
        throw std::runtime_error(file.string() + ": " + why);
    }
    sqlite3_busy_timeout(db_, 5000);
    for (const char* pragma :
         {"PRAGMA journal_mode = WAL", "PRAGMA synchronous = FULL", "PRAGMA foreign_keys = ON"}) {
        step(prepare(pragma));
    }
    begin_ = prepare("BEGIN IMMEDIATE");
    commit_ = prepare("COMMIT");
    seen_ = prepare("INSERT OR IGNORE INTO inbound_seen (dedupe_key, at) VALUES (?, ?)");
    case_ = prepare(
        "INSERT INTO cases (id, human_id, year, seq, kind, category, unit_id, reporter_email, "
        "description, occurred, immediate_action, state, probability, consequence, authority, "
        "authority_note, conclusion, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    event_ = prepare(
        "INSERT INTO case_events (case_id, n, at, actor_email, via, kind, detail, action) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    enqueue_ = prepare(
        "INSERT OR IGNORE INTO outbox (recipient_email, channel, body, urgent, dedupe_key, "
        "created_at, not_before, conversation) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    end_dialog_ = prepare("DELETE FROM conversations WHERE email = ? AND channel = ?");
    // The store reads each recipient's channel inside the transaction; here it is read first.
    auto* channel_of = prepare("SELECT channel FROM persons WHERE email = ? AND active = 1");
    for (const auto& d : filings_) {
        if (!d.case_write || d.case_write->id != 0) {
            throw std::runtime_error("plain_sql_filer: every decision files a new case");
        }
        auto& out = notifications_.emplace_back();
        for (const auto& n : d.notifications) {
            bind(channel_of, 1, n.recipient_email);
            if (sqlite3_step(channel_of) != SQLITE_ROW) {
                throw std::runtime_error("plain_sql_filer: " + n.recipient_email +
                                         " is not an active person");
            }
            std::string channel =
                n.via ? std::string{bot::to_string(*n.via)}
                      : reinterpret_cast<const char*>(sqlite3_column_text(channel_of, 0));
            sqlite3_reset(channel_of);
            out.push_back({std::move(channel), daemon::message_to_json(n.body)});
        }
    }
}

plain_sql_filer::~plain_sql_filer() {
    for (auto* s : statements_) {
        sqlite3_finalize(s);
    }
    sqlite3_close(db_);
}

double plain_sql_filer::run(int n) {
    const auto start = bench_clock::now();
    for (int k = 0; k < n; ++k, ++done_) {
        file(done_);
    }
    return std::chrono::duration<double>(bench_clock::now() - start).count();
}

void plain_sql_filer::file(std::size_t k) {
    const auto& ev = events_.at(k);
    const auto& d = filings_[k];
    const auto& c = *d.case_write;
    const auto via = bot::to_string(ev.via);
    const auto at = unix_seconds(now_);
    const auto or_now = [this](std::chrono::sys_seconds t) {
        return unix_seconds(t == std::chrono::sys_seconds{} ? now_ : t);
    };
    const std::int64_t case_id = std::int64_t{c.year} * 1'000'000 + c.seq;
    step(begin_);

    bind(seen_, 1, ev.dedupe_key);
    bind(seen_, 2, at);
    step(seen_);

    std::optional<int> probability, consequence;
    if (c.risk) {
        probability = c.risk->probability;
        consequence = c.risk->consequence;
    }
    bind(case_, 1, case_id);
    bind(case_, 2, c.human_id);
    bind(case_, 3, std::int64_t{c.year});
    bind(case_, 4, std::int64_t{c.seq});
    bind(case_, 5, bot::to_string(c.kind));
    bind(case_, 6, bot::to_string(c.cat));
    bind(case_, 7, c.unit_id);
    bind(case_, 8, c.reporter_email);
    bind(case_, 9, c.description);
    bind(case_, 10, c.occurred);
    bind(case_, 11, c.immediate_action);
    bind(case_, 12, bot::to_string(c.state));
    bind(case_, 13, probability);
    bind(case_, 14, consequence);
    bind(case_, 15, bot::to_string(c.authority));
    bind(case_, 16, c.authority_note);
    bind(case_, 17, c.conclusion);
    bind(case_, 18, or_now(c.created_at));
    bind(case_, 19, or_now(c.updated_at));
    step(case_);

    // A filing's one audit record, its receipt, stands on its first history line.
    std::int64_t line = 0;
    for (const auto& e : d.events) {
        bind(event_, 1, case_id);
        bind(event_, 2, ++line);
        bind(event_, 3, or_now(e.at));
        bind(event_, 4, e.actor_email);
        bind(event_, 5, bot::to_string(e.via));
        bind(event_, 6, e.kind);
        bind(event_, 7, e.detail);
        bind(event_, 8,
             line == 1 && d.audit.size() == 1 ? std::string_view{d.audit[0].action}
                                              : std::string_view{});
        step(event_);
    }

    for (std::size_t i = 0; i < d.notifications.size(); ++i) {
        const auto& n = d.notifications[i];
        bind(enqueue_, 1, n.recipient_email);
        bind(enqueue_, 2, notifications_[k][i].channel);
        bind(enqueue_, 3, notifications_[k][i].body);
        bind(enqueue_, 4, std::int64_t{n.urgent ? 1 : 0});
        bind_or_null(enqueue_, 5, n.dedupe_key);
        bind(enqueue_, 6, at);
        bind(enqueue_, 7, at);
        bind(enqueue_, 8, n.in_conversation);
        step(enqueue_);
    }

    if (d.conversation && d.conversation->empty()) {
        bind(end_dialog_, 1, ev.sender_email);
        bind(end_dialog_, 2, via);
        step(end_dialog_);
    }
    step(commit_);
}

sqlite3_stmt* plain_sql_filer::prepare(const char* sql) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db_, sql, -1, &s, nullptr) != SQLITE_OK) {
        throw std::runtime_error(std::string{sql} + ": " + sqlite3_errmsg(db_));
    }
    statements_.push_back(s);
    return s;
}

void plain_sql_filer::step(sqlite3_stmt* s) {
    const int rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
        throw std::runtime_error(std::string{sqlite3_sql(s)} + ": " + sqlite3_errmsg(db_));
    }
}

void require_same_rows(const std::filesystem::path& a, const std::filesystem::path& b) {
    struct database {
        sqlite3* db = nullptr;
        explicit database(const std::filesystem::path& file) {
            if (sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
                const std::string why = db ? sqlite3_errmsg(db) : "out of memory";
                sqlite3_close(db);
                throw std::runtime_error(file.string() + ": " + why);
            }
        }
        ~database() { sqlite3_close(db); }
    };
    const database left{a}, right{b};
    for (const char* table :
         {"cases", "case_events", "audit", "outbox", "inbound_seen", "conversations"}) {
        const std::string sql = std::string{"SELECT * FROM "} + table + " ORDER BY 1, 2";
        if (rows_of(left.db, sql) != rows_of(right.db, sql)) {
            throw std::runtime_error(
                std::string{"the plain SQL filings and the store's differ in "} + table +
                ": the ceiling would not measure the same rows");
        }
    }
}

}  // namespace kv::bench
