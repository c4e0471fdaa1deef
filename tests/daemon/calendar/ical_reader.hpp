#pragma once
// Reads iCalendar text back with libical, for the calendar tests: the parsed calendar, its
// events, and their properties as text.

#include <libical/ical.h>

#include <memory>
#include <string>
#include <vector>

namespace kv::daemon::test {

struct component_free {
    void operator()(icalcomponent* c) const noexcept { icalcomponent_free(c); }
};
using parsed_calendar = std::unique_ptr<icalcomponent, component_free>;

inline parsed_calendar parse_calendar(const std::string& text) {
    return parsed_calendar{icalparser_parse_string(text.c_str())};
}

inline std::vector<icalcomponent*> events_of(icalcomponent* cal) {
    std::vector<icalcomponent*> out;
    for (icalcomponent* c = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
         c != nullptr; c = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT)) {
        out.push_back(c);
    }
    return out;
}

// The property's value as libical reads it (unescaped, unfolded); empty when it is missing.
inline std::string text_of(icalcomponent* c, icalproperty_kind kind) {
    icalproperty* p = icalcomponent_get_first_property(c, kind);
    if (p == nullptr) {
        return {};
    }
    const char* v = icalproperty_get_value_as_string(p);
    if (kind == ICAL_SUMMARY_PROPERTY) {
        v = icalproperty_get_summary(p);
    } else if (kind == ICAL_DESCRIPTION_PROPERTY) {
        v = icalproperty_get_description(p);
    }
    return v == nullptr ? std::string{} : std::string{v};
}

inline bool has(icalcomponent* c, icalproperty_kind kind) {
    return icalcomponent_get_first_property(c, kind) != nullptr;
}

// The number of libical's X-LIC-ERROR properties anywhere in the calendar: what it could not
// read.
inline int parse_errors(icalcomponent* cal) {
    return icalcomponent_count_errors(cal);
}

}  // namespace kv::daemon::test
