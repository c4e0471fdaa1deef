#include "bot/schedule/work_calendar.hpp"

#include <utility>

#include "bot/domain/oslo_time.hpp"

namespace kv::bot {
namespace {

using namespace std::chrono;

// Years outside this range are never asked for; it keeps the day-by-day searches finite.
constexpr int max_days_without_work = 366;

}  // namespace

year_month_day easter_sunday(year y) {
    const int yr = static_cast<int>(y);
    const int a = yr % 19;
    const int b = yr / 100;
    const int c = yr % 100;
    const int d = b / 4;
    const int e = b % 4;
    const int f = (b + 8) / 25;
    const int g = (b - f + 1) / 3;
    const int h = (19 * a + b - d - g + 15) % 30;
    const int i = c / 4;
    const int k = c % 4;
    const int l = (32 + 2 * e + 2 * i - h - k) % 7;
    const int m = (a + 11 * h + 22 * l) / 451;
    const int month_number = (h + l - 7 * m + 114) / 31;
    const int day_number = (h + l - 7 * m + 114) % 31 + 1;
    return year_month_day{y, month{static_cast<unsigned>(month_number)},
                          day{static_cast<unsigned>(day_number)}};
}

std::vector<public_holiday> norwegian_holidays(year y) {
    const sys_days easter{easter_sunday(y)};
    auto from_easter = [&](int offset, std::string name) {
        return public_holiday{year_month_day{easter + days{offset}}, std::move(name)};
    };
    return {
        {y / January / 1, "Nyttårsdag"},   from_easter(-3, "Skjærtorsdag"),
        from_easter(-2, "Langfredag"),     from_easter(0, "1. påskedag"),
        from_easter(1, "2. påskedag"),     {y / May / 1, "Offentlig høytidsdag"},
        {y / May / 17, "Grunnlovsdag"},    from_easter(39, "Kristi himmelfartsdag"),
        from_easter(49, "1. pinsedag"),    from_easter(50, "2. pinsedag"),
        {y / December / 25, "1. juledag"}, {y / December / 26, "2. juledag"},
    };
}

work_calendar::work_calendar(working_hours hours) : hours_(std::move(hours)) {}

std::optional<std::string> work_calendar::holiday_name(year_month_day d) const {
    for (auto& h : norwegian_holidays(d.year())) {
        if (h.date == d) {
            return std::move(h.name);
        }
    }
    return std::nullopt;
}

bool work_calendar::is_holiday(sys_days d) const {
    const year_month_day ymd{d};
    const sys_days easter{easter_sunday(ymd.year())};
    for (const int offset : {-3, -2, 0, 1, 39, 49, 50}) {
        if (d == easter + days{offset}) {
            return true;
        }
    }
    const month m = ymd.month();
    const day dd = ymd.day();
    return (m == January && dd == day{1}) || (m == May && (dd == day{1} || dd == day{17})) ||
           (m == December && (dd == day{25} || dd == day{26}));
}

bool work_calendar::is_working_day(year_month_day d) const {
    const sys_days sd{d};
    return hours_.weekdays.contains(weekday{sd}.c_encoding()) && !is_holiday(sd) &&
           !hours_.extra_days_off.contains(sd);
}

bool work_calendar::is_working_time(sys_seconds t) const {
    const local_date_time local = to_oslo(t);
    const seconds time_of_day = local.time.to_duration();
    return is_working_day(local.date) && time_of_day >= hours_.start && time_of_day < hours_.end;
}

year_month_day work_calendar::next_working_day_after(year_month_day d) const {
    sys_days day_ = sys_days{d};
    for (int i = 0; i < max_days_without_work; ++i) {
        day_ += days{1};
        if (is_working_day(year_month_day{day_})) {
            return year_month_day{day_};
        }
    }
    return year_month_day{day_};  // a calendar without any working day: give up after a year
}

sys_seconds work_calendar::next_working_instant(sys_seconds t) const {
    const local_date_time local = to_oslo(t);
    const seconds time_of_day = local.time.to_duration();
    if (is_working_day(local.date)) {
        if (time_of_day < hours_.start) {
            return at_local(local.date, hours_.start);
        }
        if (time_of_day < hours_.end) {
            return t;
        }
    }
    return next_working_morning(t);
}

sys_seconds work_calendar::next_working_morning(sys_seconds t) const {
    return at_local(next_working_day_after(to_oslo(t).date), hours_.start);
}

sys_seconds work_calendar::add_working_days(sys_seconds t, int n) const {
    const sys_seconds start = next_working_instant(t);
    const local_date_time local = to_oslo(start);
    year_month_day d = local.date;
    for (int i = 0; i < n; ++i) {
        d = next_working_day_after(d);
    }
    return at_local(d, local.time.to_duration());
}

sys_seconds work_calendar::at_local(year_month_day d, seconds time_of_day) {
    return from_oslo(local_days{d} + time_of_day);
}

}  // namespace kv::bot
