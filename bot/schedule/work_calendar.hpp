#pragma once
// The Norwegian working calendar every deadline and delivery time uses: public holidays (fixed
// ones and those computed from Easter), working days and working hours in Europe/Oslo local
// time. Summer and winter time are handled by working in local dates: 08:00 stays 08:00.
// Pure and immutable after construction, so one instance may be shared between threads.

#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace kv::bot {

struct public_holiday {
    std::chrono::year_month_day date;
    std::string name;  // Norwegian name, e.g. "Skjærtorsdag"
};

// Easter Sunday in the Gregorian calendar (the anonymous Gregorian algorithm).
std::chrono::year_month_day easter_sunday(std::chrono::year y);
// The twelve Norwegian public holidays of a year, in date order: nyttårsdag, skjærtorsdag,
// langfredag, 1. and 2. påskedag, 1. mai, 17. mai, Kristi himmelfartsdag, 1. and 2. pinsedag,
// 1. and 2. juledag.
std::vector<public_holiday> norwegian_holidays(std::chrono::year y);

struct working_hours {
    std::chrono::minutes start{8 * 60};  // local time of day the working day begins
    std::chrono::minutes end{16 * 60};   // local time of day it ends (exclusive); start < end
    // Working weekdays, Monday to Friday by default (std::chrono::weekday c_encoding 0..6).
    std::set<unsigned> weekdays{1, 2, 3, 4, 5};
    // Further days off the municipality observes (e.g. Christmas Eve), besides public holidays.
    std::set<std::chrono::sys_days> extra_days_off;
};

class work_calendar {
  public:
    explicit work_calendar(working_hours hours = {});

    const working_hours& hours() const { return hours_; }

    // The holiday's name when `d` is a Norwegian public holiday.
    std::optional<std::string> holiday_name(std::chrono::year_month_day d) const;
    bool is_working_day(std::chrono::year_month_day d) const;
    // Within working hours of a working day, in Oslo local time.
    bool is_working_time(std::chrono::sys_seconds t) const;

    // `t` itself when it is working time, else the start of the next working period (later the
    // same morning, or the next working day's morning).
    std::chrono::sys_seconds next_working_instant(std::chrono::sys_seconds t) const;
    // The start of working hours on the first working day after the local date of `t`.
    std::chrono::sys_seconds next_working_morning(std::chrono::sys_seconds t) const;
    // The deadline `n` (>= 0) working days after `t`, at the same local time of day. A `t` outside
    // working time counts from the next working instant: a case filed on Saturday is due two
    // working days after Monday 08:00, i.e. Wednesday 08:00.
    std::chrono::sys_seconds add_working_days(std::chrono::sys_seconds t, int n) const;

    // The instant a local date and time of day in Oslo denotes (spring-gap times move forward).
    static std::chrono::sys_seconds at_local(std::chrono::year_month_day d,
                                             std::chrono::seconds time_of_day);

  private:
    bool is_holiday(std::chrono::sys_days d) const;
    std::chrono::year_month_day next_working_day_after(std::chrono::year_month_day d) const;

    working_hours hours_;
};

}  // namespace kv::bot
