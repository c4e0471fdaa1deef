#include "daemon/store/sqlite.hpp"

#include <sqlite3.h>

#include <memory>
#include <utility>

namespace kv::daemon {
namespace {

std::string describe(int rc, const char* sqlite_message) {
    switch (rc & 0xff) {
        case SQLITE_NOTADB:
            return "the file is not an SQLite database";
        case SQLITE_CORRUPT:
            return std::string{"the database file is damaged ("} + sqlite_message + ")";
        case SQLITE_READONLY:
            return std::string{"the database is read-only ("} + sqlite_message + ")";
        case SQLITE_CANTOPEN:
            return std::string{"cannot open the file ("} + sqlite_message + ")";
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
            return std::string{"the database stayed locked by another process ("} + sqlite_message +
                   ")";
        case SQLITE_FULL:
            return std::string{"the disk is full ("} + sqlite_message + ")";
        default:
            return sqlite_message;
    }
}

}  // namespace

void configure_sqlite() noexcept {
    // Without memory statistics, which nothing here reads, an allocation takes no global mutex.
    static const bool configured = [] {
        sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);  // fails harmlessly if already initialised
        return true;
    }();
    (void)configured;
}

database::database(const std::filesystem::path& path, open_mode mode, const char* vfs)
    : path_(path) {
    configure_sqlite();
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
    if (mode == open_mode::create) {
        flags |= SQLITE_OPEN_CREATE;
    }
    const int rc = sqlite3_open_v2(path.c_str(), &db_, flags, vfs);
    if (rc != SQLITE_OK) {
        // The handle carries the message even when opening failed; release it afterwards.
        try {
            fail(rc, "cannot open the database");
        } catch (...) {
            sqlite3_close_v2(db_);
            db_ = nullptr;
            throw;
        }
    }
    sqlite3_extended_result_codes(db_, 1);
    if (sqlite3_db_readonly(db_, "main") == 1) {
        sqlite3_close_v2(db_);
        db_ = nullptr;
        throw store_error(path_.string() +
                              ": cannot open the database for writing: the file or its folder is "
                              "read-only for this user",
                          SQLITE_READONLY, SQLITE_READONLY);
    }
}

database::~database() {
    close();
}

void database::close() noexcept {
    cache_.clear();
    if (db_ != nullptr) {
        sqlite3_close_v2(db_);
        db_ = nullptr;
    }
}

database::database(database&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)),
      path_(std::move(other.path_)),
      cache_(std::move(other.cache_)) {
    for (auto& [sql, s] : cache_) {
        s->db_ = this;
    }
}

database& database::operator=(database&& other) noexcept {
    if (this != &other) {
        close();
        db_ = std::exchange(other.db_, nullptr);
        path_ = std::move(other.path_);
        cache_ = std::move(other.cache_);
        for (auto& [sql, s] : cache_) {
            s->db_ = this;
        }
    }
    return *this;
}

statement& database::cached(std::string_view sql) {
    auto found = cache_.find(sql);
    if (found == cache_.end()) {
        auto made = std::make_unique<statement>(*this, sql);
        found = cache_.emplace(std::string{sql}, std::move(made)).first;
        return *found->second;
    }
    auto& s = *found->second;
    s.reset();
    s.clear_bindings();
    return s;
}

void database::reset_cached() noexcept {
    for (auto& [sql, s] : cache_) {
        if (sqlite3_stmt_busy(s->stmt_) != 0) {
            s->reset();
        }
    }
}

void database::fail(int rc, std::string_view context) const {
    const int extended = db_ != nullptr ? sqlite3_extended_errcode(db_) : rc;
    const char* message = db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    // After a failed open the handle may report a stale code; trust the returned one.
    if ((extended & 0xff) != (rc & 0xff)) {
        message = sqlite3_errstr(rc);
    }
    std::string text = path_.string();
    text += ": ";
    text += context;
    text += ": ";
    text += describe(rc, message);
    throw store_error(text, rc & 0xff, (extended & 0xff) == (rc & 0xff) ? extended : rc);
}

void database::exec(std::string_view sql) {
    const std::string owned{sql};
    const int rc = sqlite3_exec(db_, owned.c_str(), nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) {
        fail(rc, "cannot run a statement");
    }
}

std::int64_t database::query_int(std::string_view sql, std::string_view context) {
    sqlite3_stmt* raw = nullptr;
    int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &raw, nullptr);
    if (rc != SQLITE_OK) {
        fail(rc, context);
    }
    const std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> owned{raw, sqlite3_finalize};
    rc = sqlite3_step(raw);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        fail(rc, context);
    }
    return rc == SQLITE_ROW ? sqlite3_column_int64(raw, 0) : 0;
}

std::int64_t database::last_insert_rowid() const noexcept {
    return sqlite3_last_insert_rowid(db_);
}

int database::changes() const noexcept {
    return sqlite3_changes(db_);
}

void database::set_busy_timeout(int milliseconds) {
    const int rc = sqlite3_busy_timeout(db_, milliseconds);
    if (rc != SQLITE_OK) {
        fail(rc, "cannot set the busy timeout");
    }
}

statement::statement(database& db, std::string_view sql) : db_(&db) {
    const int rc =
        sqlite3_prepare_v2(db.native(), sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr);
    if (rc != SQLITE_OK) {
        db.fail(rc, "cannot prepare a statement");
    }
}

statement::~statement() {
    if (stmt_ != nullptr) {
        sqlite3_finalize(stmt_);
    }
}

statement::statement(statement&& other) noexcept
    : db_(other.db_), stmt_(std::exchange(other.stmt_, nullptr)) {}

statement& statement::operator=(statement&& other) noexcept {
    if (this != &other) {
        if (stmt_ != nullptr) {
            sqlite3_finalize(stmt_);
        }
        db_ = other.db_;
        stmt_ = std::exchange(other.stmt_, nullptr);
    }
    return *this;
}

statement& statement::bind(int index, std::int64_t value) {
    const int rc = sqlite3_bind_int64(stmt_, index, value);
    if (rc != SQLITE_OK) {
        db_->fail(rc, "cannot bind a parameter");
    }
    return *this;
}

statement& statement::bind(int index, int value) {
    return bind(index, static_cast<std::int64_t>(value));
}

statement& statement::bind(int index, bool value) {
    return bind(index, value ? 1 : 0);
}

void statement::bind_text(int index, std::string_view value, void (*lifetime)(void*)) {
    // An empty view may point nowhere, and SQLite binds a null pointer as NULL, not as ''.
    const char* text = value.data() != nullptr ? value.data() : "";
    const int rc = sqlite3_bind_text64(stmt_, index, text, value.size(), lifetime, SQLITE_UTF8);
    if (rc != SQLITE_OK) {
        db_->fail(rc, "cannot bind a parameter");
    }
}

statement& statement::bind(int index, std::string_view value) {
    bind_text(index, value, SQLITE_TRANSIENT);
    return *this;
}

void statement::bind_borrowed(int index, std::string_view value) {
    bind_text(index, value, SQLITE_STATIC);
}

void statement::forget_bindings() noexcept {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
}

statement& statement::bind(int index, std::nullptr_t) {
    const int rc = sqlite3_bind_null(stmt_, index);
    if (rc != SQLITE_OK) {
        db_->fail(rc, "cannot bind a parameter");
    }
    return *this;
}

bool statement::step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) {
        return true;
    }
    if (rc == SQLITE_DONE) {
        return false;
    }
    db_->fail(rc, "statement failed");
}

void statement::run() {
    while (step()) {
    }
}

void statement::reset() noexcept {
    sqlite3_reset(stmt_);
}

void statement::clear_bindings() noexcept {
    sqlite3_clear_bindings(stmt_);
}

void statement::run_as(std::string_view context) {
    for (;;) {
        const int rc = sqlite3_step(stmt_);
        if (rc == SQLITE_DONE) {
            return;
        }
        if (rc != SQLITE_ROW) {
            db_->fail(rc, context);
        }
    }
}

bool statement::is_null(int column) const {
    return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::int64_t statement::int64(int column) const {
    return sqlite3_column_int64(stmt_, column);
}

int statement::integer(int column) const {
    return sqlite3_column_int(stmt_, column);
}

std::string statement::text(int column) const {
    const auto* data = sqlite3_column_text(stmt_, column);
    if (data == nullptr) {
        return {};
    }
    return std::string{reinterpret_cast<const char*>(data),
                       static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column))};
}

transaction::transaction(database& db, transaction_mode mode) : db_(db) {
    db_.cached(mode == transaction_mode::immediate ? "BEGIN IMMEDIATE" : "BEGIN")
        .run_as("cannot run a statement");
}

transaction::~transaction() {
    if (!open_) {
        return;  // commit() reset the cached statements
    }
    // A cached statement left on a row would keep its read open past the transaction.
    db_.reset_cached();
    if (sqlite3_get_autocommit(db_.native()) == 0) {
        sqlite3_exec(db_.native(), "ROLLBACK", nullptr, nullptr, nullptr);
    }
}

void transaction::commit() {
    db_.reset_cached();
    db_.cached("COMMIT").run_as("cannot run a statement");
    open_ = false;
}

}  // namespace kv::daemon
