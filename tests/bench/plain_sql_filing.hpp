#pragma once
// The ceiling for the store's one-at-a-time filing rate: the rows a filing writes, written by
// plain SQL. Each filing is one IMMEDIATE transaction of prepared statements with every value
// (the cards' JSON included) computed before the clock starts, on the store's own schema, pragmas
// and WAL writer. What it costs is what SQLite needs for those rows and their indexes; whatever
// the store spends beyond that is its own logic. `require_same_rows` checks that both wrote the
// same rows, so that the ceiling cannot drift from what the store writes.

#include <sqlite3.h>

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "bot/decision.hpp"
#include "bot/events.hpp"

namespace kv::bench {

class plain_sql_filer {
  public:
    // `file` already holds the store's schema and whatever the filings need (their filers and
    // stored dialogs): the caller creates it through the store and closes the store first.
    // filings[k] is the store's decision on the submit `events[k]`, persisted as the store
    // persists it at `now`. Throws std::runtime_error.
    plain_sql_filer(const std::filesystem::path& file, std::vector<bot::inbound_event> events,
                    std::vector<bot::decision> filings, std::chrono::sys_seconds now);
    ~plain_sql_filer();
    plain_sql_filer(const plain_sql_filer&) = delete;
    plain_sql_filer& operator=(const plain_sql_filer&) = delete;

    // Files the next `n`; returns the seconds it took. Throws std::runtime_error.
    double run(int n);

  private:
    void file(std::size_t k);
    sqlite3_stmt* prepare(const char* sql);
    void step(sqlite3_stmt* s);

    sqlite3* db_ = nullptr;
    std::vector<bot::inbound_event> events_;
    std::vector<bot::decision> filings_;
    struct row {
        std::string channel;
        std::string body;
    };
    std::vector<std::vector<row>> notifications_;  // each filing's outbox rows
    std::chrono::sys_seconds now_;
    std::vector<sqlite3_stmt*> statements_;
    sqlite3_stmt* begin_ = nullptr;
    sqlite3_stmt* commit_ = nullptr;
    sqlite3_stmt* seen_ = nullptr;
    sqlite3_stmt* case_ = nullptr;
    sqlite3_stmt* event_ = nullptr;
    sqlite3_stmt* enqueue_ = nullptr;
    sqlite3_stmt* end_dialog_ = nullptr;
    std::size_t done_ = 0;
};

// Throws std::runtime_error naming the first table whose rows differ between the two files,
// among those a filing writes.
void require_same_rows(const std::filesystem::path& a, const std::filesystem::path& b);

}  // namespace kv::bench
