#include "daemon/calendar/occurrence_link.hpp"

#include "daemon/calendar/feed_events.hpp"
#include "daemon/calendar/feed_store.hpp"

namespace kv::daemon {

std::string occurrence_links::for_message(database& db, const bot::message& m,
                                          const std::string& email,
                                          std::chrono::sys_seconds now) const {
    const auto subject = parse_wheel_subject(m.subject_key);
    if (!subject || !signer_.enabled() || email.empty()) {
        return {};
    }
    const auto row = ensure_calendar_feed(db, person_feed_id(email), {}, now);
    return calendar_event_url(base_url_, signer_.token(row.key, row.feed_id, row.generation),
                              subject->item_id, compact_date(subject->date));
}

}  // namespace kv::daemon
