#pragma once
// An SQLite VFS that gathers what one transaction writes to a WAL file and writes it with one
// system call when SQLite syncs the WAL, instead of two calls per page.
//
// It wraps the platform's default VFS and changes nothing but the writes to WAL files: the
// database file, journals, locks and the shared-memory index go straight through. SQLite writes
// each WAL frame as a 24-byte header and a page, each with its own write; a filing that touches a
// dozen B-trees makes two dozen writes before its one fsync, and on a virtual machine each costs
// a few microseconds. Buffered here, they become one write just before the fsync.
//
// Safe only where every commit syncs the WAL before other connections may see it: with
// `PRAGMA synchronous = FULL` (or EXTRA) SQLite syncs the WAL before it publishes the commit in
// the WAL index, and this VFS writes the buffer out first. With NORMAL or OFF a commit is
// published without a sync, so a connection that may run with them must not use this VFS. A WAL
// on a device without power-safe overwrite (SQLite then pads commits and writes after its last
// sync) is not buffered at all. Reads, size queries, truncation and closing of a WAL write the
// buffer out first, so SQLite always sees what it wrote. A failed write surfaces from the next
// sync (failing that commit) and the buffer is dropped.
//
// Thread-safety: registration is thread-safe; each open file is used by one connection, as SQLite
// guarantees for its files.

namespace kv::daemon::detail {

// Registers the VFS with SQLite on first use and returns its name for sqlite3_open_v2; nullptr
// when SQLite has no default VFS to wrap or registration failed (then open with the default).
const char* batched_wal_vfs() noexcept;

}  // namespace kv::daemon::detail
