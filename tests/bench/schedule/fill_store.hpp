#pragma once
// Fills a store with a large, realistic set of open items for the scheduler benchmark: procedures
// with review dates from two months overdue to three years ahead, open deviation cases (a few
// still new and long unattended, the rest received or being handled), and one measure per case
// with due dates from two weeks overdue to a year ahead. People and units come from the
// organisation already synced into the store. Everything is written in one transaction through
// the store's own schema; deterministic for a given size and `now`. Throws store_error.

#include <chrono>
#include <cstdint>

#include "daemon/config/organisation.hpp"
#include "daemon/store/store.hpp"

namespace kv::bench {

struct fill_counts {
    std::int64_t procedures = 0;
    std::int64_t cases = 0;
    std::int64_t new_cases = 0;  // state ny, created at least 20 days before `now`
    std::int64_t measures = 0;

    std::int64_t items() const { return procedures + cases + measures; }
};

// Splits `items` into 40 % procedures, 30 % cases and 30 % measures and writes them.
fill_counts fill_store(daemon::store& s, const daemon::organisation& org, std::int64_t items,
                       std::chrono::sys_seconds now);

}  // namespace kv::bench
