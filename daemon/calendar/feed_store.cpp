#include "daemon/calendar/feed_store.hpp"

namespace kv::daemon {
namespace {

std::int64_t unix_seconds(std::chrono::sys_seconds t) {
    return t.time_since_epoch().count();
}

std::optional<calendar_feed_row> find_by_id(database& db, std::string_view feed_id) {
    auto& s = db.cached("SELECT key, feed_id, generation FROM calendar_feeds WHERE feed_id = ?");
    s.bind_all(feed_id);
    if (!s.step()) {
        return std::nullopt;
    }
    return calendar_feed_row{s.int64(0), s.text(1), s.int64(2)};
}

void audit(database& db, const feed_requester& who, std::string_view action,
           std::string_view feed_id, std::int64_t generation, std::chrono::sys_seconds now) {
    db.cached(
          "INSERT INTO audit (at, actor_email, via, action, target, outcome, detail) "
          "VALUES (?, ?, ?, ?, ?, 'ok', ?)")
        .bind_all(unix_seconds(now), who.email, who.via, action, feed_id,
                  "generation " + std::to_string(generation))
        .run();
}

}  // namespace

std::string person_feed_id(std::string_view email) {
    return "person:" + std::string(email);
}

std::string committee_feed_id(std::string_view committee_id) {
    return "committee:" + std::string(committee_id);
}

calendar_feed_row ensure_calendar_feed(database& db, std::string_view feed_id,
                                       const feed_requester& who, std::chrono::sys_seconds now) {
    if (auto row = find_by_id(db, feed_id)) {
        return *row;
    }
    transaction tx{db, transaction_mode::immediate};
    db.cached(
          "INSERT INTO calendar_feeds (feed_id, generation, changed_at) VALUES (?, 1, ?) "
          "ON CONFLICT (feed_id) DO NOTHING")
        .bind_all(feed_id, unix_seconds(now))
        .run();
    if (db.changes() == 1) {
        audit(db, who, "calendar.issue", feed_id, 1, now);
    }
    auto row = find_by_id(db, feed_id);
    tx.commit();
    return *row;
}

calendar_feed_row rotate_calendar_feed(database& db, std::string_view feed_id,
                                       const feed_requester& who, std::chrono::sys_seconds now) {
    transaction tx{db, transaction_mode::immediate};
    db.cached(
          "INSERT INTO calendar_feeds (feed_id, generation, changed_at) VALUES (?, 1, ?) "
          "ON CONFLICT (feed_id) DO UPDATE SET generation = generation + 1, "
          "changed_at = excluded.changed_at")
        .bind_all(feed_id, unix_seconds(now))
        .run();
    auto row = find_by_id(db, feed_id);
    audit(db, who, "calendar.rotate", feed_id, row->generation, now);
    tx.commit();
    return *row;
}

std::optional<calendar_feed_row> find_calendar_feed(database& db, std::int64_t key) {
    auto& s = db.cached("SELECT key, feed_id, generation FROM calendar_feeds WHERE key = ?");
    s.bind_all(key);
    if (!s.step()) {
        return std::nullopt;
    }
    return calendar_feed_row{s.int64(0), s.text(1), s.int64(2)};
}

}  // namespace kv::daemon
