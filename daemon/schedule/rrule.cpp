#include "daemon/schedule/rrule.hpp"

#include <libical/ical.h>

#include <memory>

namespace kv::daemon {
namespace {

using namespace std::chrono;

struct iterator_free {
    void operator()(icalrecur_iterator* it) const noexcept { icalrecur_iterator_free(it); }
};
using iterator_ptr = std::unique_ptr<icalrecur_iterator, iterator_free>;

icaltimetype to_ical(year_month_day d) {
    // A floating date-time at midnight: libical expands plain DATE values unreliably.
    icaltimetype t = icaltime_null_time();
    t.year = static_cast<int>(d.year());
    t.month = static_cast<int>(static_cast<unsigned>(d.month()));
    t.day = static_cast<int>(static_cast<unsigned>(d.day()));
    return t;
}

year_month_day from_ical(const icaltimetype& t) {
    return year{t.year} / month{static_cast<unsigned>(t.month)} / day{static_cast<unsigned>(t.day)};
}

// The parsed rule with an iterator from `dtstart`, or null when libical refuses either.
iterator_ptr start(std::string_view rule, year_month_day dtstart) {
    const std::string text(rule);
    const icalrecurrencetype parsed = icalrecurrencetype_from_string(text.c_str());
    if (parsed.freq == ICAL_NO_RECURRENCE) {
        return nullptr;
    }
    return iterator_ptr{icalrecur_iterator_new(parsed, to_ical(dtstart))};
}

}  // namespace

std::optional<std::string> rrule_error(std::string_view rule) {
    if (rule.empty()) {
        return "must not be empty";
    }
    if (rule.starts_with("RRULE:")) {
        return "write the rule without 'RRULE:'";
    }
    const std::string text(rule);
    const icalrecurrencetype parsed = icalrecurrencetype_from_string(text.c_str());
    if (parsed.freq == ICAL_NO_RECURRENCE) {
        return "invalid recurrence rule '" + text +
               "' (RFC 5545 RRULE, e.g. FREQ=YEARLY;BYMONTH=3)";
    }
    if (!iterator_ptr{icalrecur_iterator_new(parsed, to_ical(2026y / January / 1))}) {
        return "recurrence rule '" + text + "' has a value out of range";
    }
    return std::nullopt;
}

std::vector<year_month_day> rrule_dates(std::string_view rule, year_month_day dtstart,
                                        year_month_day from, year_month_day to, std::size_t limit) {
    std::vector<year_month_day> out;
    const auto it = start(rule, dtstart);
    if (!it) {
        return out;
    }
    // Bounded so that a rule with few or no dates (BYMONTHDAY=30;BYMONTH=2) cannot spin.
    for (std::size_t steps = 0; steps < 100000 && out.size() < limit; ++steps) {
        const icaltimetype t = icalrecur_iterator_next(it.get());
        if (icaltime_is_null_time(t)) {
            break;
        }
        const year_month_day d = from_ical(t);
        if (sys_days{d} > sys_days{to}) {
            break;
        }
        if (sys_days{d} >= sys_days{from}) {
            out.push_back(d);
        }
    }
    return out;
}

}  // namespace kv::daemon
