#include "daemon/calendar/icalendar.hpp"

#include <libical/ical.h>

#include <cstdio>
#include <memory>
#include <stdexcept>

#include "bot/domain/oslo_time.hpp"

namespace kv::daemon {
namespace {

using namespace std::chrono;

constexpr const char* oslo_tzid = "Europe/Oslo";

// The EU rules since 1996. Outlook approximates any VTIMEZONE by one yearly rule per season
// ([MS-STANOICAL] 2.2.47), so this is the form every client reads the same way.
constexpr const char* oslo_vtimezone =
    "BEGIN:VTIMEZONE\r\n"
    "TZID:Europe/Oslo\r\n"
    "X-LIC-LOCATION:Europe/Oslo\r\n"
    "BEGIN:DAYLIGHT\r\n"
    "TZNAME:CEST\r\n"
    "TZOFFSETFROM:+0100\r\n"
    "TZOFFSETTO:+0200\r\n"
    "DTSTART:19700329T020000\r\n"
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\n"
    "END:DAYLIGHT\r\n"
    "BEGIN:STANDARD\r\n"
    "TZNAME:CET\r\n"
    "TZOFFSETFROM:+0200\r\n"
    "TZOFFSETTO:+0100\r\n"
    "DTSTART:19701025T030000\r\n"
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n"
    "END:STANDARD\r\n"
    "END:VTIMEZONE\r\n";

struct component_free {
    void operator()(icalcomponent* c) const noexcept { icalcomponent_free(c); }
};
using component_ptr = std::unique_ptr<icalcomponent, component_free>;

icalcomponent* checked(icalcomponent* c) {
    if (c == nullptr) {
        throw std::runtime_error("libical could not build a calendar component");
    }
    return c;
}

icaltimetype date_value(year_month_day d) {
    icaltimetype t = icaltime_null_date();
    t.year = static_cast<int>(d.year());
    t.month = static_cast<int>(static_cast<unsigned>(d.month()));
    t.day = static_cast<int>(static_cast<unsigned>(d.day()));
    return t;
}

// A floating local time; the TZID parameter says whose.
icaltimetype oslo_value(sys_seconds t) {
    const auto local = bot::to_oslo(t);
    icaltimetype v = icaltime_null_time();
    v.year = static_cast<int>(local.date.year());
    v.month = static_cast<int>(static_cast<unsigned>(local.date.month()));
    v.day = static_cast<int>(static_cast<unsigned>(local.date.day()));
    v.hour = static_cast<int>(local.time.hours().count());
    v.minute = static_cast<int>(local.time.minutes().count());
    v.second = static_cast<int>(local.time.seconds().count());
    return v;
}

icaltimetype utc_value(sys_seconds t) {
    return icaltime_from_timet_with_zone(static_cast<time_t>(t.time_since_epoch().count()), 0,
                                         icaltimezone_get_utc_timezone());
}

icalproperty* in_oslo(icalproperty* p) {
    icalproperty_add_parameter(p, icalparameter_new_tzid(oslo_tzid));
    return p;
}

icalproperty* person_property(icalproperty* p, const calendar_person& who) {
    if (!who.name.empty()) {
        icalproperty_add_parameter(p, icalparameter_new_cn(who.name.c_str()));
    }
    return p;
}

icalcomponent* make_event(const calendar_event& e, const calendar_document& doc) {
    icalcomponent* ev = checked(icalcomponent_new_vevent());
    icalcomponent_add_property(ev, icalproperty_new_uid(e.uid.c_str()));
    icalcomponent_add_property(ev, icalproperty_new_dtstamp(utc_value(doc.stamp)));
    if (e.all_day) {
        icalcomponent_add_property(ev, icalproperty_new_dtstart(date_value(*e.all_day)));
        const year_month_day next{sys_days{*e.all_day} + days{1}};
        icalcomponent_add_property(ev, icalproperty_new_dtend(date_value(next)));
        icalcomponent_add_property(ev, icalproperty_new_transp(ICAL_TRANSP_TRANSPARENT));
    } else {
        icalcomponent_add_property(ev, in_oslo(icalproperty_new_dtstart(oslo_value(e.start))));
        if (e.end > e.start) {
            icalcomponent_add_property(ev, in_oslo(icalproperty_new_dtend(oslo_value(e.end))));
        }
    }
    icalcomponent_add_property(ev, icalproperty_new_summary(e.summary.c_str()));
    if (!e.description.empty()) {
        icalcomponent_add_property(ev, icalproperty_new_description(e.description.c_str()));
    }
    if (!e.url.empty()) {
        icalcomponent_add_property(ev, icalproperty_new_url(e.url.c_str()));
    }
    if (e.organizer) {
        const std::string uri = "mailto:" + e.organizer->email;
        icalcomponent_add_property(
            ev, person_property(icalproperty_new_organizer(uri.c_str()), *e.organizer));
    }
    for (const auto& a : e.attendees) {
        const std::string uri = "mailto:" + a.email;
        icalproperty* p = person_property(icalproperty_new_attendee(uri.c_str()), a);
        icalproperty_add_parameter(p, icalparameter_new_role(ICAL_ROLE_REQPARTICIPANT));
        icalproperty_add_parameter(p, icalparameter_new_partstat(ICAL_PARTSTAT_NEEDSACTION));
        icalproperty_add_parameter(p, icalparameter_new_rsvp(ICAL_RSVP_FALSE));
        icalcomponent_add_property(ev, p);
    }
    if (doc.method == calendar_method::request) {
        icalcomponent_add_property(ev, icalproperty_new_sequence(e.sequence));
        icalcomponent_add_property(ev, icalproperty_new_status(ICAL_STATUS_CONFIRMED));
    }
    return ev;
}

}  // namespace

std::string oslo_ical_time(sys_seconds t) {
    const icaltimetype v = oslo_value(t);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d%02d%02dT%02d%02d%02d", v.year, v.month, v.day, v.hour,
                  v.minute, v.second);
    return buf;
}

std::string write_icalendar(const calendar_document& doc) {
    component_ptr cal{checked(icalcomponent_new_vcalendar())};
    icalcomponent_add_property(cal.get(),
                               icalproperty_new_prodid("-//Kvalitetsvakt//Kvalitetsvakt//NO"));
    icalcomponent_add_property(cal.get(), icalproperty_new_version("2.0"));
    icalcomponent_add_property(cal.get(), icalproperty_new_calscale("GREGORIAN"));
    icalcomponent_add_property(
        cal.get(),
        icalproperty_new_method(doc.method == calendar_method::request ? ICAL_METHOD_REQUEST
                                                                       : ICAL_METHOD_PUBLISH));
    if (!doc.name.empty()) {
        icalproperty* name = icalproperty_new_x(doc.name.c_str());
        icalproperty_set_x_name(name, "X-WR-CALNAME");
        icalcomponent_add_property(cal.get(), name);
    }
    if (doc.method == calendar_method::publish) {
        // How often a subscribing client should fetch the feed again (RFC 7986 and Outlook's).
        icalproperty* ttl = icalproperty_new_x("PT1H");
        icalproperty_set_x_name(ttl, "X-PUBLISHED-TTL");
        icalcomponent_add_property(cal.get(), ttl);
        icalproperty* refresh =
            icalproperty_new_refreshinterval(icaldurationtype_from_int(60 * 60));
        icalproperty_add_parameter(refresh, icalparameter_new_value(ICAL_VALUE_DURATION));
        icalcomponent_add_property(cal.get(), refresh);
    }
    bool timed = false;
    for (const auto& e : doc.events) {
        timed = timed || !e.all_day;
    }
    if (timed) {
        icalcomponent_add_component(cal.get(),
                                    checked(icalcomponent_new_from_string(oslo_vtimezone)));
    }
    for (const auto& e : doc.events) {
        icalcomponent_add_component(cal.get(), make_event(e, doc));
    }
    char* text = icalcomponent_as_ical_string_r(cal.get());
    if (text == nullptr) {
        throw std::runtime_error("libical could not write the calendar");
    }
    std::string out(text);
    icalmemory_free_buffer(text);
    return out;
}

}  // namespace kv::daemon
