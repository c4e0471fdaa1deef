#pragma once
// iCalendar (RFC 5545) documents written with libical: a subscription feed (METHOD:PUBLISH) or
// a meeting invitation (METHOD:REQUEST). Timed events carry TZID=Europe/Oslo and the calendar
// carries one VTIMEZONE for it in the one-rule-per-season form Outlook reduces every time zone
// to; all-day events are DATE values. libical escapes and folds the text (75 octets, CRLF).
// Thread-safe: every call builds its own components.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace kv::daemon {

struct calendar_person {
    std::string name;  // may be empty
    std::string email;
};

struct calendar_event {
    std::string uid;  // stable across feeds and invitations, so clients update, not duplicate
    std::string summary;
    std::string description;
    // An all-day event on this Oslo date; otherwise a timed event from start to end.
    std::optional<std::chrono::year_month_day> all_day;
    std::chrono::sys_seconds start{};
    std::chrono::sys_seconds end{};  // equal to start: DTEND is left out
    std::string url;                 // empty: none
    std::optional<calendar_person> organizer;
    std::vector<calendar_person> attendees;
    int sequence = 0;  // SEQUENCE of an invitation (request): raised each time the event changes
};

enum class calendar_method { publish, request };

struct calendar_document {
    std::string name;  // X-WR-CALNAME, what a client calls the subscribed calendar
    calendar_method method = calendar_method::publish;
    std::chrono::sys_seconds stamp{};  // DTSTAMP of every event: when the document was made
    std::vector<calendar_event> events;
};

// The whole document as UTF-8 text with CRLF line ends. Throws std::runtime_error only if
// libical fails to build a component (out of memory).
std::string write_icalendar(const calendar_document& doc);

// "20270316T090000" in Oslo local time, as a TZID=Europe/Oslo value reads.
std::string oslo_ical_time(std::chrono::sys_seconds t);

}  // namespace kv::daemon
