#pragma once
// Thin RAII wrappers over the SQLite C API: a connection, a prepared statement and a transaction.
// Every failure becomes a store_error that names the database file and keeps SQLite's codes.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace kv::daemon {

class statement;

// Applies process-wide SQLite settings once, before SQLite initialises itself; every database
// constructor calls it first. Thread-safe.
void configure_sqlite() noexcept;

// A failure of the database itself (unavailable, damaged, read-only, a broken constraint). The
// message names the file and says what went wrong in words; `code()` and `extended_code()` are
// SQLite's primary and extended result codes (0 when the failure did not come from SQLite).
class store_error : public std::runtime_error {
  public:
    store_error(const std::string& message, int code, int extended_code)
        : std::runtime_error(message), code_(code), extended_code_(extended_code) {}
    int code() const noexcept { return code_; }
    int extended_code() const noexcept { return extended_code_; }

  private:
    int code_;
    int extended_code_;
};

enum class open_mode {
    create,    // read-write; the file is created when missing
    existing,  // read-write; the file must exist and is never created or truncated
};

// One SQLite connection. Owns the handle and a cache of prepared statements kept for the
// connection's life, finalised before the handle is closed in its destructor. Not thread-safe:
// use it from one thread at a time. The constructor throws store_error when the file cannot be
// opened for writing.
class database {
  public:
    // `vfs` names a registered SQLite VFS; nullptr is the default one.
    database(const std::filesystem::path& path, open_mode mode, const char* vfs = nullptr);
    ~database();
    database(database&& other) noexcept;
    database& operator=(database&& other) noexcept;
    database(const database&) = delete;
    database& operator=(const database&) = delete;

    // Runs one or more statements that take no parameters (schema, pragmas). Throws store_error.
    void exec(std::string_view sql);
    // Runs a statement that returns one integer (e.g. `PRAGMA user_version`). Throws store_error.
    std::int64_t query_int(std::string_view sql, std::string_view context = "query failed");
    std::int64_t last_insert_rowid() const noexcept;
    int changes() const noexcept;
    void set_busy_timeout(int milliseconds);

    // The statement for `sql`, prepared on first use and kept until the connection closes; it is
    // returned reset, with its bindings cleared. The reference stays valid for the connection's
    // life; do not use the same text twice at once. Throws store_error when it cannot be
    // prepared. transaction resets every cached statement when it ends, so none keeps a read open.
    statement& cached(std::string_view sql);
    // Resets every cached statement; completes at once.
    void reset_cached() noexcept;

    const std::filesystem::path& path() const noexcept { return path_; }
    sqlite3* native() const noexcept { return db_; }

    // Throws a store_error for result code `rc`: "<path>: <context>: <SQLite's message>".
    [[noreturn]] void fail(int rc, std::string_view context) const;

  private:
    void close() noexcept;

    sqlite3* db_ = nullptr;
    std::filesystem::path path_;
    // unique_ptr keeps each statement where it is when the connection moves; the statements'
    // back pointers are updated then.
    std::map<std::string, std::unique_ptr<statement>, std::less<>> cache_;
};

// A prepared statement; move-only, finalised in its destructor. Parameters are numbered from 1,
// columns from 0. Every method throws store_error when SQLite reports an error.
class statement {
  public:
    statement(database& db, std::string_view sql);
    ~statement();
    statement(statement&& other) noexcept;
    statement& operator=(statement&& other) noexcept;
    statement(const statement&) = delete;
    statement& operator=(const statement&) = delete;

    statement& bind(int index, std::int64_t value);
    statement& bind(int index, int value);
    statement& bind(int index, bool value);
    statement& bind(int index, std::string_view value);
    statement& bind(int index, const std::string& value) {
        return bind(index, std::string_view{value});
    }
    statement& bind(int index, const char* value) { return bind(index, std::string_view{value}); }
    statement& bind(int index, std::nullptr_t);
    template <typename T>
    statement& bind(int index, const std::optional<T>& value) {
        return value ? bind(index, *value) : bind(index, nullptr);
    }
    // Binds the arguments to parameters 1, 2, ... in order.
    template <typename... Args>
    statement& bind_all(const Args&... args) {
        int index = 0;
        (bind(++index, args), ...);
        return *this;
    }

    // Resets the statement, binds the arguments to parameters 1, 2, ... without copying the text
    // ones, runs a statement that returns no rows to completion, then resets it and clears its
    // bindings, also when it fails, so nothing bound outlives the call. SQLite copies what it
    // stores while stepping; binding by reference saves each text argument's copy.
    template <typename... Args>
    void run_with(const Args&... args) {
        reset();
        try {
            int index = 0;
            (bind_borrowed(++index, args), ...);
            run();
        } catch (...) {
            forget_bindings();
            throw;
        }
        forget_bindings();
    }

    // Advances to the next row; returns false when there are no more rows.
    bool step();
    // Steps a statement that returns no rows, to completion.
    void run();
    // Makes the statement ready to run again; bindings are kept.
    void reset() noexcept;
    // Sets every parameter to NULL.
    void clear_bindings() noexcept;

    bool is_null(int column) const;
    std::int64_t int64(int column) const;
    int integer(int column) const;
    std::string text(int column) const;

  private:
    friend class database;
    friend class transaction;

    // `lifetime` is SQLITE_TRANSIENT (SQLite copies the text) or SQLITE_STATIC (it does not).
    void bind_text(int index, std::string_view value, void (*lifetime)(void*));
    // Binds text that must stay alive and unchanged until the bindings are cleared.
    void bind_borrowed(int index, std::string_view value);
    void bind_borrowed(int index, const std::string& value) {
        bind_borrowed(index, std::string_view{value});
    }
    void bind_borrowed(int index, const char* value) {
        bind_borrowed(index, std::string_view{value});
    }
    template <typename T>
    void bind_borrowed(int index, const std::optional<T>& value) {
        if (value) {
            bind_borrowed(index, *value);
        } else {
            bind(index, nullptr);
        }
    }
    template <typename T>
    void bind_borrowed(int index, const T& value) {
        bind(index, value);
    }
    void forget_bindings() noexcept;

    // Steps to completion, reporting a failure as `context`.
    void run_as(std::string_view context);

    database* db_;
    sqlite3_stmt* stmt_ = nullptr;
};

enum class transaction_mode { deferred, immediate };

// One transaction on a connection: BEGIN in the constructor, ROLLBACK in the destructor unless
// commit() succeeded. `immediate` takes the write lock at once, so two writers queue on the busy
// timeout instead of failing on lock upgrade. Not thread-safe. Constructor and commit() throw
// store_error; the destructor never throws.
class transaction {
  public:
    explicit transaction(database& db, transaction_mode mode = transaction_mode::deferred);
    ~transaction();
    transaction(const transaction&) = delete;
    transaction& operator=(const transaction&) = delete;

    void commit();

  private:
    database& db_;
    bool open_ = true;
};

}  // namespace kv::daemon
