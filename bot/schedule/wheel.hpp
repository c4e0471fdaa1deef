#pragma once
// The annual wheel: recurring meetings, deadlines, reports, reviews and audits, each owned by a
// committee or a role, and the reminders due ahead of each occurrence. The recurrence rules are
// expanded outside bot/ (daemon/schedule, with libical); here everything is a pure function of
// the expanded occurrences and `now`.

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/message/message.hpp"
#include "bot/schedule/reminder.hpp"
#include "bot/schedule/work_calendar.hpp"

namespace kv::bot {

enum class wheel_item_kind { meeting, deadline, report, review, audit };

std::string_view to_string(wheel_item_kind kind);
std::optional<wheel_item_kind> parse_wheel_item_kind(std::string_view text);

struct wheel_item {
    std::string id;  // stable; part of every reminder's dedupe key
    std::string title;
    wheel_item_kind kind = wheel_item_kind::meeting;
    std::string committee_id;  // the owner: a committee (its members are reminded) ...
    std::string role;          // ... or everyone with this person role
    std::string rrule;         // RFC 5545 RRULE value, e.g. "FREQ=YEARLY;BYMONTH=3;BYDAY=3TU"
    std::chrono::year_month_day starts{std::chrono::year{2026} / 1 / 1};  // DTSTART date
    std::chrono::minutes local_time{9 * 60};                              // Oslo time of day
    std::chrono::minutes duration{0};
    std::vector<int> lead_days;       // descending, e.g. {14, 2, 0}; 0: the morning of the day
    std::vector<std::string> agenda;  // standing items
};

struct annual_wheel {
    std::vector<wheel_item> items;
    const wheel_item* find(std::string_view id) const;
};

// One dated occurrence of an item, in absolute time (08:00 local stays 08:00 across DST).
struct wheel_occurrence {
    const wheel_item* item = nullptr;  // points into the annual_wheel it came from
    std::chrono::year_month_day date;  // local date
    std::chrono::sys_seconds start;
    std::chrono::sys_seconds end;
};

// The wheel's dated occurrences, expanded from the recurrence rules outside bot/. The scheduler
// implements it, so what a person is shown and what they are reminded of are the same dates.
// Implementations are immutable after construction and may be shared between threads.
class wheel_calendar {
  public:
    virtual ~wheel_calendar() = default;
    // The occurrences starting in [from, to], in start order. Throws only std::bad_alloc.
    virtual std::vector<wheel_occurrence> occurrences(std::chrono::sys_seconds from,
                                                      std::chrono::sys_seconds to) const = 0;
};

// "T-14d", "T-2d"; "T-0" for the morning of the day.
std::string lead_step(int lead_days);

// The instant a lead time falls due: local midnight `lead_days` before the occurrence's date.
std::chrono::sys_seconds lead_due(const wheel_occurrence& o, int lead_days);

// Who is reminded of an item, and what a meeting's agenda says; supplied by the caller from
// live data. Called only for reminders that are due; `agenda` once per occurrence, and only
// when a reminder of it is returned with its body.
struct wheel_context {
    std::function<std::vector<std::string>(const wheel_item&)> recipients;
    std::function<message(const wheel_occurrence&)> agenda;
};

// The reminders due at `now` for upcoming occurrences: per occurrence only the latest lead time
// that has fallen due (a late start does not send the 14-day reminder after the 2-day one), to
// be delivered at the next working instant, and only while that is before the occurrence
// starts. One per recipient, in occurrence then recipient order. Not yet deduplicated: the
// caller drops what it has enqueued before.
std::vector<due_reminder> wheel_reminders(const std::vector<wheel_occurrence>& occurrences,
                                          std::chrono::sys_seconds now, const work_calendar& cal,
                                          const wheel_context& ctx,
                                          const reminder_selection& select = {});

// The earliest instant after `now` at which a lead time of an occurrence falls due; nullopt when
// none does among `occurrences`.
std::optional<std::chrono::sys_seconds> wheel_next_due(
    const std::vector<wheel_occurrence>& occurrences, std::chrono::sys_seconds now);

}  // namespace kv::bot
