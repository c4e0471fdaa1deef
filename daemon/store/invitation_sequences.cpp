#include "daemon/store/invitation_sequences.hpp"

#include <cstdint>

namespace kv::daemon {

int next_invitation_sequence(database& db, const std::string& uid, const std::string& recipient,
                             const std::string& version, std::chrono::sys_seconds now) {
    auto& last = db.cached(
        "SELECT sequence, version FROM invitations_sent WHERE uid = ? AND recipient_email = ?");
    last.bind_all(uid, recipient);
    std::int64_t sequence = 0;
    if (last.step()) {
        sequence = last.int64(0) + (last.text(1) == version ? 0 : 1);
    }
    last.reset();
    auto& record = db.cached(
        "INSERT INTO invitations_sent (uid, recipient_email, version, sequence, sent_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (uid, recipient_email) DO UPDATE SET "
        "version = excluded.version, sequence = excluded.sequence, sent_at = excluded.sent_at");
    record
        .bind_all(uid, recipient, version, sequence,
                  static_cast<std::int64_t>(now.time_since_epoch().count()))
        .run();
    return static_cast<int>(sequence);
}

}  // namespace kv::daemon
