#pragma once
// What a calendar feed holds. A person's feed: the annual wheel's occurrences for the committees
// they sit on and the items owned by their role, and their own deadlines (reviews of the
// procedures they are revision owner of, measures they are responsible for, cases their units
// must receive, approvals waiting for them). A committee's feed: its wheel occurrences. From a
// month back to a year ahead of `now`. Texts are Norwegian.
// Reads through the caller's store on the caller's thread; throws store_error when it fails.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "bot/schedule/wheel.hpp"
#include "daemon/calendar/icalendar.hpp"
#include "daemon/schedule/scheduler.hpp"
#include "daemon/store/store.hpp"

namespace kv::daemon {

// The UID of one wheel occurrence, the same in every feed and invitation:
// "wheel-<item id>-<YYYYMMDD>@kvalitetsvakt".
std::string wheel_event_uid(const bot::wheel_item& item, std::chrono::year_month_day date);

// What a wheel reminder's subject key "wheel:<item id>:<YYYY-MM-DD>" (bot/schedule/agenda)
// names; nullopt for any other key or a date that does not exist.
struct wheel_subject {
    std::string item_id;
    std::chrono::year_month_day date;
};
std::optional<wheel_subject> parse_wheel_subject(std::string_view subject_key);

// "YYYYMMDD", as in UIDs and event links.
std::string compact_date(std::chrono::year_month_day d);

// One wheel occurrence as an event: times in Oslo, the standing agenda in the description, the
// owning committee's facilitator (else its chair) as organizer when it has one.
calendar_event wheel_event(const bot::wheel_occurrence& o, const schedule_config& cfg);

// The feed of "person:<email>" or "committee:<id>"; nullopt when the feed id names no active
// person or no configured committee.
std::optional<calendar_document> feed_document(store& s, const scheduler& sched,
                                               std::string_view feed_id,
                                               std::chrono::sys_seconds now);

// One wheel occurrence from the feed `feed_id`, whenever it falls (a link in an old reminder
// keeps working): nullopt unless the feed shows the item and `date` is one of its dates.
std::optional<calendar_document> occurrence_document(store& s, const scheduler& sched,
                                                     std::string_view feed_id,
                                                     std::string_view item_id,
                                                     std::chrono::year_month_day date,
                                                     std::chrono::sys_seconds now);

}  // namespace kv::daemon
