#include "daemon/store/batched_wal_vfs.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cstring>
#include <new>
#include <vector>

#include "daemon/store/sqlite.hpp"

namespace kv::daemon::detail {
namespace {

constexpr const char* vfs_name = "kv-batched-wal";
// Beyond this a transaction's frames are written out before more are gathered.
constexpr std::size_t max_buffered = 4 * 1024 * 1024;
// The largest single write: SQLite's unix VFS writes at most 128 KiB - 1 bytes per call.
constexpr std::size_t max_write = 64 * 1024;

sqlite3_vfs* root_vfs = nullptr;

// What SQLite allocates per open file: this header, then the wrapped VFS's own file object.
// SQLite calls the methods below with a pointer to `base`.
struct wal_file {
    sqlite3_file base;
    sqlite3_file* real;
    std::vector<unsigned char> buffer;
    sqlite3_int64 buffer_offset = 0;  // the file offset of buffer[0]
    bool buffered = true;             // false: every write goes straight through
};
// The wrapped file object follows the header; SQLite aligns what it allocates to 8 bytes.
static_assert(alignof(wal_file) <= 8 && sizeof(wal_file) % 8 == 0);

wal_file* as_wal(sqlite3_file* f) {
    return reinterpret_cast<wal_file*>(f);
}

sqlite3_file* real_file_behind(wal_file* w) {
    return reinterpret_cast<sqlite3_file*>(reinterpret_cast<unsigned char*>(w) + sizeof(wal_file));
}

int write_out(wal_file* w) {
    if (w->buffer.empty()) {
        return SQLITE_OK;
    }
    int rc = SQLITE_OK;
    for (std::size_t done = 0; done < w->buffer.size() && rc == SQLITE_OK; done += max_write) {
        const auto n = std::min(max_write, w->buffer.size() - done);
        rc = w->real->pMethods->xWrite(w->real, w->buffer.data() + done, static_cast<int>(n),
                                       w->buffer_offset + static_cast<sqlite3_int64>(done));
    }
    // Written or failed, the frames are done with: a failed commit is written again in full.
    w->buffer.clear();
    return rc;
}

int wal_close(sqlite3_file* f) {
    auto* w = as_wal(f);
    const int written = write_out(w);
    const int closed = w->real->pMethods != nullptr ? w->real->pMethods->xClose(w->real) : 0;
    w->~wal_file();
    return written != SQLITE_OK ? written : closed;
}

bool overlaps(const wal_file* w, sqlite3_int64 offset, int amount) {
    const auto end = w->buffer_offset + static_cast<sqlite3_int64>(w->buffer.size());
    return !w->buffer.empty() && offset < end && offset + amount > w->buffer_offset;
}

int wal_read(sqlite3_file* f, void* out, int amount, sqlite3_int64 offset) {
    auto* w = as_wal(f);
    if (overlaps(w, offset, amount)) {
        if (const int rc = write_out(w); rc != SQLITE_OK) {
            return rc;
        }
    }
    return w->real->pMethods->xRead(w->real, out, amount, offset);
}

int wal_write(sqlite3_file* f, const void* data, int amount, sqlite3_int64 offset) {
    auto* w = as_wal(f);
    if (!w->buffered) {
        return w->real->pMethods->xWrite(w->real, data, amount, offset);
    }
    const auto* bytes = static_cast<const unsigned char*>(data);
    const auto size = static_cast<std::size_t>(amount);
    const auto end = w->buffer_offset + static_cast<sqlite3_int64>(w->buffer.size());
    try {
        if (!w->buffer.empty() && offset >= w->buffer_offset && offset + amount <= end) {
            // A frame of this transaction written again (SQLite rewrites checksums).
            std::memcpy(w->buffer.data() + (offset - w->buffer_offset), bytes, size);
            return SQLITE_OK;
        }
        if (!w->buffer.empty() && (offset != end || w->buffer.size() + size > max_buffered)) {
            if (const int rc = write_out(w); rc != SQLITE_OK) {
                return rc;
            }
        }
        if (w->buffer.empty()) {
            w->buffer_offset = offset;
        }
        w->buffer.insert(w->buffer.end(), bytes, bytes + size);
        return SQLITE_OK;
    } catch (const std::bad_alloc&) {
        // Nothing of this write is buffered: write what is, then this, straight through.
        if (const int rc = write_out(w); rc != SQLITE_OK) {
            return rc;
        }
        return w->real->pMethods->xWrite(w->real, data, amount, offset);
    }
}

int wal_truncate(sqlite3_file* f, sqlite3_int64 size) {
    auto* w = as_wal(f);
    if (const int rc = write_out(w); rc != SQLITE_OK) {
        return rc;
    }
    return w->real->pMethods->xTruncate(w->real, size);
}

int wal_sync(sqlite3_file* f, int flags) {
    auto* w = as_wal(f);
    if (const int rc = write_out(w); rc != SQLITE_OK) {
        return rc;
    }
    return w->real->pMethods->xSync(w->real, flags);
}

int wal_file_size(sqlite3_file* f, sqlite3_int64* size) {
    auto* w = as_wal(f);
    if (const int rc = write_out(w); rc != SQLITE_OK) {
        return rc;
    }
    return w->real->pMethods->xFileSize(w->real, size);
}

int wal_lock(sqlite3_file* f, int level) {
    auto* r = as_wal(f)->real;
    return r->pMethods->xLock(r, level);
}
int wal_unlock(sqlite3_file* f, int level) {
    auto* r = as_wal(f)->real;
    return r->pMethods->xUnlock(r, level);
}
int wal_check_reserved_lock(sqlite3_file* f, int* out) {
    auto* r = as_wal(f)->real;
    return r->pMethods->xCheckReservedLock(r, out);
}
int wal_file_control(sqlite3_file* f, int op, void* arg) {
    auto* r = as_wal(f)->real;
    return r->pMethods->xFileControl(r, op, arg);
}
int wal_sector_size(sqlite3_file* f) {
    auto* r = as_wal(f)->real;
    return r->pMethods->xSectorSize(r);
}
int wal_device_characteristics(sqlite3_file* f) {
    auto* r = as_wal(f)->real;
    return r->pMethods->xDeviceCharacteristics(r);
}

// A WAL never carries the shared-memory index or a memory map; SQLite does not call these on it,
// and they would only reach the wrapped file if it did.
int wal_shm_map(sqlite3_file* f, int page, int size, int extend, void volatile** out) {
    auto* r = as_wal(f)->real;
    return r->pMethods->xShmMap(r, page, size, extend, out);
}
int wal_shm_lock(sqlite3_file* f, int offset, int n, int flags) {
    auto* r = as_wal(f)->real;
    return r->pMethods->xShmLock(r, offset, n, flags);
}
void wal_shm_barrier(sqlite3_file* f) {
    auto* r = as_wal(f)->real;
    r->pMethods->xShmBarrier(r);
}
int wal_shm_unmap(sqlite3_file* f, int delete_flag) {
    auto* r = as_wal(f)->real;
    return r->pMethods->xShmUnmap(r, delete_flag);
}
int wal_fetch(sqlite3_file* f, sqlite3_int64 offset, int amount, void** out) {
    *out = nullptr;  // no memory map: SQLite reads through wal_read instead
    (void)f, (void)offset, (void)amount;
    return SQLITE_OK;
}
int wal_unfetch(sqlite3_file* f, sqlite3_int64 offset, void* p) {
    (void)f, (void)offset, (void)p;
    return SQLITE_OK;
}

const sqlite3_io_methods wal_methods = {
    3,
    wal_close,
    wal_read,
    wal_write,
    wal_truncate,
    wal_sync,
    wal_file_size,
    wal_lock,
    wal_unlock,
    wal_check_reserved_lock,
    wal_file_control,
    wal_sector_size,
    wal_device_characteristics,
    wal_shm_map,
    wal_shm_lock,
    wal_shm_barrier,
    wal_shm_unmap,
    wal_fetch,
    wal_unfetch,
};

int vfs_open(sqlite3_vfs* vfs, sqlite3_filename name, sqlite3_file* file, int flags,
             int* out_flags) {
    (void)vfs;
    if ((flags & SQLITE_OPEN_WAL) == 0) {
        // Everything but a WAL is the wrapped VFS's own file, in the space SQLite allocated.
        return root_vfs->xOpen(root_vfs, name, file, flags, out_flags);
    }
    auto* w = new (file) wal_file{};
    w->base.pMethods = nullptr;
    w->real = real_file_behind(w);
    const int rc = root_vfs->xOpen(root_vfs, name, w->real, flags, out_flags);
    if (rc != SQLITE_OK) {
        w->~wal_file();
        file->pMethods = nullptr;
        return rc;
    }
    // Without power-safe overwrite SQLite pads a commit and writes after its last sync.
    w->buffered = (w->real->pMethods->xDeviceCharacteristics(w->real) &
                   SQLITE_IOCAP_POWERSAFE_OVERWRITE) != 0;
    w->base.pMethods = &wal_methods;
    return SQLITE_OK;
}

int vfs_delete(sqlite3_vfs*, const char* name, int sync_dir) {
    return root_vfs->xDelete(root_vfs, name, sync_dir);
}
int vfs_access(sqlite3_vfs*, const char* name, int flags, int* out) {
    return root_vfs->xAccess(root_vfs, name, flags, out);
}
int vfs_full_pathname(sqlite3_vfs*, const char* name, int size, char* out) {
    return root_vfs->xFullPathname(root_vfs, name, size, out);
}
void* vfs_dl_open(sqlite3_vfs*, const char* name) {
    return root_vfs->xDlOpen(root_vfs, name);
}
void vfs_dl_error(sqlite3_vfs*, int size, char* out) {
    root_vfs->xDlError(root_vfs, size, out);
}
void (*vfs_dl_sym(sqlite3_vfs*, void* handle, const char* symbol))(void) {
    return root_vfs->xDlSym(root_vfs, handle, symbol);
}
void vfs_dl_close(sqlite3_vfs*, void* handle) {
    root_vfs->xDlClose(root_vfs, handle);
}
int vfs_randomness(sqlite3_vfs*, int size, char* out) {
    return root_vfs->xRandomness(root_vfs, size, out);
}
int vfs_sleep(sqlite3_vfs*, int microseconds) {
    return root_vfs->xSleep(root_vfs, microseconds);
}
int vfs_current_time(sqlite3_vfs*, double* out) {
    return root_vfs->xCurrentTime(root_vfs, out);
}
int vfs_get_last_error(sqlite3_vfs*, int size, char* out) {
    return root_vfs->xGetLastError(root_vfs, size, out);
}
int vfs_current_time_int64(sqlite3_vfs*, sqlite3_int64* out) {
    return root_vfs->xCurrentTimeInt64(root_vfs, out);
}

sqlite3_vfs make_vfs(sqlite3_vfs* root) {
    sqlite3_vfs v{};
    v.iVersion = 2;
    v.szOsFile = static_cast<int>(sizeof(wal_file)) + root->szOsFile;
    v.mxPathname = root->mxPathname;
    v.zName = vfs_name;
    v.xOpen = vfs_open;
    v.xDelete = vfs_delete;
    v.xAccess = vfs_access;
    v.xFullPathname = vfs_full_pathname;
    v.xDlOpen = vfs_dl_open;
    v.xDlError = vfs_dl_error;
    v.xDlSym = vfs_dl_sym;
    v.xDlClose = vfs_dl_close;
    v.xRandomness = vfs_randomness;
    v.xSleep = vfs_sleep;
    v.xCurrentTime = vfs_current_time;
    v.xGetLastError = vfs_get_last_error;
    v.xCurrentTimeInt64 = vfs_current_time_int64;
    return v;
}

const char* register_vfs() noexcept {
    configure_sqlite();
    if (sqlite3_initialize() != SQLITE_OK) {
        return nullptr;
    }
    root_vfs = sqlite3_vfs_find(nullptr);
    if (root_vfs == nullptr || root_vfs->iVersion < 2) {
        return nullptr;
    }
    static sqlite3_vfs vfs = make_vfs(root_vfs);
    return sqlite3_vfs_register(&vfs, 0) == SQLITE_OK ? vfs_name : nullptr;
}

}  // namespace

const char* batched_wal_vfs() noexcept {
    static const char* const name = register_vfs();
    return name;
}

}  // namespace kv::daemon::detail
