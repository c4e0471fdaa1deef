#include "daemon/store/commit_watch.hpp"

#include <sqlite3.h>

namespace kv::daemon {
namespace {

int on_commit_hook(void* self) {
    const auto& callback = *static_cast<const std::function<void()>*>(self);
    callback();
    return 0;  // 0: let the commit proceed
}

}  // namespace

commit_watch::commit_watch(database& db, std::function<void()> on_commit)
    : db_(db),
      on_commit_(std::move(on_commit)),
      data_version_(db_.query_int("PRAGMA data_version")) {
    sqlite3_commit_hook(db_.native(), on_commit_hook, &on_commit_);
}

commit_watch::~commit_watch() {
    sqlite3_commit_hook(db_.native(), nullptr, nullptr);
}

bool commit_watch::others_committed() {
    const auto now = db_.query_int("PRAGMA data_version");
    const bool changed = now != data_version_;
    data_version_ = now;
    return changed;
}

}  // namespace kv::daemon
