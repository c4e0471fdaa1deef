#pragma once
// The store's schema as numbered migrations, tracked by `PRAGMA user_version`. A migration once
// released is never edited; later changes are new migrations appended to the list.

#include <string_view>

#include "daemon/store/sqlite.hpp"

namespace kv::daemon {

// The schema version this program writes: the number of migrations it knows.
int latest_schema_version() noexcept;

// Brings `db` to latest_schema_version(), one IMMEDIATE transaction per step, so two processes
// opening the same file at once migrate it exactly once. Completes when the schema is current.
// Throws store_error when the file's version is newer than this program knows (nothing is
// changed then) or when a step fails (that step is rolled back; earlier steps stay).
void migrate(database& db);

}  // namespace kv::daemon
