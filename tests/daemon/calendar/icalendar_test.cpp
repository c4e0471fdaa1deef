#include "daemon/calendar/icalendar.hpp"

#include <catch2/catch.hpp>

#include "bot/domain/oslo_time.hpp"
#include "tests/daemon/calendar/ical_reader.hpp"

using namespace kv::daemon;
using namespace kv::daemon::test;
using namespace std::chrono;

namespace {

sys_seconds oslo(year_month_day d, int hour, int minute) {
    return kv::bot::from_oslo(local_seconds{local_days{d}} + hours{hour} + minutes{minute});
}

calendar_document sample(calendar_method method) {
    calendar_document doc;
    doc.name = "Kvalitetsvakt – Kari Nordmann";
    doc.method = method;
    doc.stamp = sys_days{2027y / 1 / 10} + hours{8};
    calendar_event winter;
    winter.uid = "wheel-ku-helse-mote-20270302@kvalitetsvakt";
    winter.summary = "Møte i kvalitetsutvalget; avvik, risiko og tiltak";
    winter.description =
        "Faste saker:\n- Åpne avvik og risiko, sammenstilt fra enhetene\n- Tilsyns- og "
        "revisjonsrapporter med funn som følges opp av enhetslederne i Helse og omsorg\n- Ærlig "
        "talt: æøå ÆØÅ ✓ «sitat» – tekst som må brettes over flere linjer uten å dele tegn";
    winter.start = oslo(2027y / 3 / 2, 12, 0);
    winter.end = winter.start + hours{2};
    winter.organizer = calendar_person{"Astrid Lunde", "astrid.lunde@eksempel.kommune.no"};
    winter.attendees = {{"Per Hansen", "per.hansen@eksempel.kommune.no"}};
    calendar_event summer = winter;
    summer.uid = "wheel-ku-helse-mote-20270615@kvalitetsvakt";
    summer.start = oslo(2027y / 6 / 15, 9, 0);
    summer.end = summer.start + minutes{90};
    calendar_event due;
    due.uid = "review-HO-PR-011-20270401@kvalitetsvakt";
    due.summary = "Gjennomgang av prosedyre HO-PR-011 Legemiddelhåndtering";
    due.all_day = 2027y / 4 / 1;
    due.url = "https://kvalitet.eksempel.kommune.no/HO-PR-011";
    doc.events = {winter, summer, due};
    return doc;
}

}  // namespace

TEST_CASE("every event of a written calendar reads back with UID, DTSTART and SUMMARY",
          "[calendar]") {
    const auto doc = sample(calendar_method::publish);
    const auto cal = parse_calendar(write_icalendar(doc));
    REQUIRE(cal);
    CHECK(parse_errors(cal.get()) == 0);
    const auto events = events_of(cal.get());
    REQUIRE(events.size() == 3);
    for (std::size_t i = 0; i < events.size(); ++i) {
        CAPTURE(i);
        CHECK(text_of(events[i], ICAL_UID_PROPERTY) == doc.events[i].uid);
        CHECK(has(events[i], ICAL_DTSTART_PROPERTY));
        CHECK(has(events[i], ICAL_DTSTAMP_PROPERTY));
        CHECK(text_of(events[i], ICAL_SUMMARY_PROPERTY) == doc.events[i].summary);
    }
}

TEST_CASE("Norwegian text survives escaping and folding exactly", "[calendar]") {
    const auto doc = sample(calendar_method::publish);
    const std::string text = write_icalendar(doc);
    const auto cal = parse_calendar(text);
    const auto events = events_of(cal.get());
    REQUIRE(events.size() == 3);
    CHECK(text_of(events[0], ICAL_DESCRIPTION_PROPERTY) == doc.events[0].description);
    CHECK(text.find("SUMMARY:Møte i kvalitetsutvalget\\; avvik\\, risiko og tiltak\r\n") !=
          std::string::npos);
}

TEST_CASE("lines end in CRLF and are at most 75 octets, never splitting a UTF-8 character",
          "[calendar]") {
    const std::string text = write_icalendar(sample(calendar_method::publish));
    std::size_t start = 0;
    int lines = 0;
    while (start < text.size()) {
        const auto end = text.find("\r\n", start);
        REQUIRE(end != std::string::npos);
        const std::string line = text.substr(start, end - start);
        CAPTURE(line);
        CHECK(line.size() <= 75);
        CHECK(line.find('\n') == std::string::npos);
        // A continuation line starts with one space, then never with a UTF-8 continuation byte.
        if (!line.empty() && line[0] == ' ' && line.size() > 1) {
            CHECK((static_cast<unsigned char>(line[1]) & 0xC0) != 0x80);
        }
        start = end + 2;
        ++lines;
    }
    CHECK(lines > 40);
}

TEST_CASE("timed events are Oslo local times with a VTIMEZONE that gives the right instant",
          "[calendar]") {
    const auto doc = sample(calendar_method::publish);
    const std::string text = write_icalendar(doc);
    CHECK(text.find("DTSTART;TZID=Europe/Oslo:20270302T120000\r\n") != std::string::npos);
    CHECK(text.find("DTSTART;TZID=Europe/Oslo:20270615T090000\r\n") != std::string::npos);
    CHECK(text.find("DTSTART;VALUE=DATE:20270401\r\n") != std::string::npos);
    CHECK(text.find("DTEND;VALUE=DATE:20270402\r\n") != std::string::npos);

    const auto cal = parse_calendar(text);
    icalcomponent* vtz = icalcomponent_get_first_component(cal.get(), ICAL_VTIMEZONE_COMPONENT);
    REQUIRE(vtz != nullptr);
    icaltimezone* zone = icaltimezone_new();
    REQUIRE(icaltimezone_set_component(zone, icalcomponent_new_clone(vtz)) == 1);
    const auto events = events_of(cal.get());
    for (std::size_t i = 0; i < 2; ++i) {
        CAPTURE(i);
        icaltimetype start = icalcomponent_get_dtstart(events[i]);
        start.zone = zone;
        CHECK(icaltime_as_timet_with_zone(start, zone) ==
              doc.events[i].start.time_since_epoch().count());
    }
    icaltimezone_free(zone, 1);
}

TEST_CASE("an invitation is METHOD:REQUEST with organizer and attendee", "[calendar]") {
    const std::string text = write_icalendar(sample(calendar_method::request));
    const auto cal = parse_calendar(text);
    CHECK(icalcomponent_get_method(cal.get()) == ICAL_METHOD_REQUEST);
    const auto events = events_of(cal.get());
    CHECK(text_of(events[0], ICAL_ORGANIZER_PROPERTY) == "mailto:astrid.lunde@eksempel.kommune.no");
    CHECK(text_of(events[0], ICAL_ATTENDEE_PROPERTY) == "mailto:per.hansen@eksempel.kommune.no");
    CHECK(text.find("ORGANIZER;CN=Astrid Lunde:mailto:astrid.lunde@eksempel.kommune.no") !=
          std::string::npos);
    CHECK(has(events[0], ICAL_SEQUENCE_PROPERTY));
}

TEST_CASE("a feed without timed events carries no VTIMEZONE", "[calendar]") {
    auto doc = sample(calendar_method::publish);
    doc.events.erase(doc.events.begin(), doc.events.begin() + 2);
    const std::string text = write_icalendar(doc);
    CHECK(text.find("BEGIN:VTIMEZONE") == std::string::npos);
    CHECK(text.find("X-WR-CALNAME:Kvalitetsvakt – Kari Nordmann\r\n") != std::string::npos);
}

TEST_CASE("a feed asks subscribers to fetch it again every hour", "[calendar]") {
    const std::string text = write_icalendar(sample(calendar_method::publish));
    CHECK(text.find("X-PUBLISHED-TTL:PT1H\r\n") != std::string::npos);
    CHECK(text.find("REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n") != std::string::npos);
    const std::string invitation = write_icalendar(sample(calendar_method::request));
    CHECK(invitation.find("REFRESH-INTERVAL") == std::string::npos);
}
