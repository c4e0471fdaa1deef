#include "daemon/calendar/invitation.hpp"

#include <gmime/gmime.h>

#include <catch2/catch.hpp>
#include <mutex>

#include "adapters/email/compose/compose.hpp"
#include "daemon/config/load_organisation.hpp"
#include "daemon/store/invitation_sequences.hpp"
#include "tests/daemon/calendar/ical_reader.hpp"
#include "tests/daemon/store/store_fixture.hpp"

using namespace kv::daemon;
using namespace kv::daemon::test;
using namespace std::chrono;

namespace {

// One leaf of a MIME tree as a mail client sees it: its type, parameters and decoded bytes.
struct mime_leaf {
    std::string type;
    std::string method;
    std::string filename;
    std::string disposition;
    std::string content;
};

void collect(GMimeObject* o, std::vector<std::string>& shape, std::vector<mime_leaf>& leaves) {
    GMimeContentType* ct = g_mime_object_get_content_type(o);
    const std::string type = std::string(g_mime_content_type_get_media_type(ct)) + "/" +
                             g_mime_content_type_get_media_subtype(ct);
    shape.push_back(type);
    if (GMIME_IS_MULTIPART(o)) {
        auto* mp = GMIME_MULTIPART(o);
        for (int i = 0; i < g_mime_multipart_get_count(mp); ++i) {
            collect(g_mime_multipart_get_part(mp, i), shape, leaves);
        }
        shape.push_back("end " + type);
        return;
    }
    mime_leaf leaf;
    leaf.type = type;
    const char* method = g_mime_content_type_get_parameter(ct, "method");
    leaf.method = method != nullptr ? method : "";
    if (GMIME_IS_PART(o)) {
        const char* name = g_mime_part_get_filename(GMIME_PART(o));
        leaf.filename = name != nullptr ? name : "";
        const char* disp = g_mime_object_get_disposition(o);
        leaf.disposition = disp != nullptr ? disp : "";
        GMimeStream* out = g_mime_stream_mem_new();
        g_mime_data_wrapper_write_to_stream(g_mime_part_get_content(GMIME_PART(o)), out);
        GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(out));
        leaf.content.assign(reinterpret_cast<const char*>(bytes->data), bytes->len);
        g_object_unref(out);
    }
    leaves.push_back(std::move(leaf));
}

struct read_back {
    std::vector<std::string> shape;
    std::vector<mime_leaf> leaves;
};

read_back read_mail(const std::string& raw) {
    static std::once_flag once;
    std::call_once(once, [] { g_mime_init(); });
    read_back out;
    GMimeStream* stream = g_mime_stream_mem_new_with_buffer(raw.data(), raw.size());
    GMimeParser* parser = g_mime_parser_new_with_stream(stream);
    GMimeMessage* m = g_mime_parser_construct_message(parser, nullptr);
    if (m != nullptr) {
        collect(g_mime_message_get_mime_part(m), out.shape, out.leaves);
        g_object_unref(m);
    }
    g_object_unref(parser);
    g_object_unref(stream);
    return out;
}

meeting_invitations demo_invitations() {
    auto org = load_organisation(KV_SOURCE_DIR "/config/organisation.toml");
    REQUIRE(org.value);
    settings cfg;
    cfg.schedule.annual_wheel_file = KV_SOURCE_DIR "/config/annual-wheel.toml";
    std::ostringstream err;
    auto sc = load_schedule_config(cfg, *org.value, err);
    REQUIRE(sc);
    return meeting_invitations{std::move(*sc)};
}

const calendar_person per{"Per Hansen", "per.hansen@eksempel.kommune.no"};
const calendar_person bot_address{"Kvalitetsvakt", "kvalitetsvakt@eksempel.kommune.no"};
const sys_seconds stamp = sys_days{2027y / 2 / 16} + hours{7};

kv::bot::message reminder(const std::string& subject_key) {
    kv::bot::message m;
    m.title = "Møte i kvalitetsutvalget i Helse og omsorg";
    m.text = "Saksliste:\n- Åpne avvik og risiko";
    m.subject_key = subject_key;
    return m;
}

}  // namespace

TEST_CASE(
    "a wheel meeting reminder gets an invitation with the feed's UID, organizer and "
    "attendee",
    "[calendar]") {
    const auto inv = demo_invitations();
    const std::string ics =
        inv.for_message(reminder("wheel:ku-helse-mote:2027-03-02"), per, bot_address, stamp);
    const auto cal = parse_calendar(ics);
    REQUIRE(cal);
    CHECK(parse_errors(cal.get()) == 0);
    CHECK(icalcomponent_get_method(cal.get()) == ICAL_METHOD_REQUEST);
    const auto events = events_of(cal.get());
    REQUIRE(events.size() == 1);
    CHECK(text_of(events[0], ICAL_UID_PROPERTY) == "wheel-ku-helse-mote-20270302@kvalitetsvakt");
    CHECK(text_of(events[0], ICAL_SUMMARY_PROPERTY) ==
          "Møte i kvalitetsutvalget i Helse og omsorg");
    // The committee's facilitator organises; the recipient attends.
    CHECK(text_of(events[0], ICAL_ORGANIZER_PROPERTY) == "mailto:astrid.lunde@eksempel.kommune.no");
    CHECK(text_of(events[0], ICAL_ATTENDEE_PROPERTY) == "mailto:per.hansen@eksempel.kommune.no");
    CHECK(ics.find("DTSTART;TZID=Europe/Oslo:20270302T") != std::string::npos);
}

TEST_CASE("reminders that are not about a wheel meeting get no invitation", "[calendar]") {
    const auto inv = demo_invitations();
    const auto key = GENERATE(values<std::string>({
        "AV-2026-0001",
        "wheel:arsberetning:2027-03-31",  // a report, not a meeting
        "wheel:no-such-item:2027-03-02",
        "wheel:ku-helse-mote:2027-02-30",
        "wheel:ku-helse-mote",
        "",
    }));
    CAPTURE(key);
    CHECK(inv.for_message(reminder(key), per, bot_address, stamp).empty());
}

TEST_CASE(
    "the composed mail carries the invitation as a calendar alternative and as "
    "invitasjon.ics, both read back by GMime and libical",
    "[calendar]") {
    const auto inv = demo_invitations();
    kv::email::outgoing_mail mail;
    mail.from = {"Kvalitetsvakt", "kvalitetsvakt@eksempel.kommune.no"};
    mail.to = {"Per Hansen", "per.hansen@eksempel.kommune.no"};
    mail.reply_to = {"Kvalitetsvakt", "kvalitetsvakt+abc@eksempel.kommune.no"};
    mail.message_id = "kv.test@eksempel.kommune.no";
    mail.date = stamp;
    mail.kind = "reminder";
    mail.body = reminder("wheel:ku-helse-mote:2027-03-02");
    mail.calendar_invitation = inv.for_message(mail.body, per, bot_address, stamp);
    REQUIRE(!mail.calendar_invitation.empty());

    const auto back = read_mail(kv::email::compose_message(mail));
    CHECK(back.shape == std::vector<std::string>{"multipart/mixed", "multipart/alternative",
                                                 "text/plain", "text/html", "text/calendar",
                                                 "end multipart/alternative", "application/ics",
                                                 "end multipart/mixed"});
    REQUIRE(back.leaves.size() == 4);
    const auto& inline_part = back.leaves[2];
    CHECK(inline_part.method == "REQUEST");
    const auto& attachment = back.leaves[3];
    CHECK(attachment.filename == "invitasjon.ics");
    CHECK(attachment.disposition == "attachment");
    for (const auto* part : {&inline_part, &attachment}) {
        CAPTURE(part->type);
        CHECK(part->content == mail.calendar_invitation);
        const auto cal = parse_calendar(part->content);
        REQUIRE(cal);
        const auto events = events_of(cal.get());
        REQUIRE(events.size() == 1);
        CHECK(text_of(events[0], ICAL_UID_PROPERTY) ==
              "wheel-ku-helse-mote-20270302@kvalitetsvakt");
    }
}

TEST_CASE("a mail without an invitation stays multipart/alternative", "[calendar]") {
    kv::email::outgoing_mail mail;
    mail.from = {"Kvalitetsvakt", "kvalitetsvakt@eksempel.kommune.no"};
    mail.to = {"Per Hansen", "per.hansen@eksempel.kommune.no"};
    mail.reply_to = mail.from;
    mail.message_id = "kv.test@eksempel.kommune.no";
    mail.date = stamp;
    mail.body = reminder("AV-2026-0001");
    const auto back = read_mail(kv::email::compose_message(mail));
    CHECK(back.shape == std::vector<std::string>{"multipart/alternative", "text/plain", "text/html",
                                                 "end multipart/alternative"});
}

namespace {

schedule_config demo_schedule() {
    auto org = load_organisation(KV_SOURCE_DIR "/config/organisation.toml");
    REQUIRE(org.value);
    settings cfg;
    cfg.schedule.annual_wheel_file = KV_SOURCE_DIR "/config/annual-wheel.toml";
    std::ostringstream err;
    auto sc = load_schedule_config(cfg, *org.value, err);
    REQUIRE(sc);
    return std::move(*sc);
}

// The SEQUENCE and start of the invitation `inv` writes for the 2 March meeting to `to`.
std::string sequence_sent(const meeting_invitations& inv, const calendar_person& to,
                          const sequence_source& sequences = {}) {
    const auto cal = parse_calendar(inv.for_message(reminder("wheel:ku-helse-mote:2027-03-02"), to,
                                                    bot_address, stamp, sequences));
    REQUIRE(cal);
    const auto events = events_of(cal.get());
    REQUIRE(events.size() == 1);
    return text_of(events[0], ICAL_SEQUENCE_PROPERTY);
}

}  // namespace

TEST_CASE(
    "an invitation for an occurrence whose time, duration or title changed carries a higher "
    "SEQUENCE; an unchanged one the same, also after a restart",
    "[calendar]") {
    temp_folder dir;
    const store_options where{dir.path() / "kv.db"};
    auto sent = std::make_unique<store>(where);
    const sequence_source sequences = [&sent](const std::string& uid, const std::string& to,
                                              const std::string& version) {
        return next_invitation_sequence(sent->db(), uid, to, version, stamp);
    };
    const calendar_person kari{"Kari Nordmann", "kari.nordmann@eksempel.kommune.no"};
    using change = void (*)(kv::bot::wheel_item&);
    const auto invitations = [&](change c) {
        auto sc = demo_schedule();
        for (auto& item : sc.wheel.items) {
            if (item.id == "ku-helse-mote" && c != nullptr) {
                c(item);
            }
        }
        return meeting_invitations{std::move(sc)};
    };
    const change moved = [](kv::bot::wheel_item& i) { i.local_time += hours{1}; };
    const change longer = [](kv::bot::wheel_item& i) {
        i.local_time += hours{1};
        i.duration += minutes{30};
    };
    const change renamed = [](kv::bot::wheel_item& i) {
        i.local_time += hours{1};
        i.duration += minutes{30};
        i.title = "Kvalitetsutvalget i Helse og omsorg (flyttet)";
    };
    struct row {
        const char* label;
        change c;
        const calendar_person* to;
        const char* sequence;
    };
    const std::vector<row> rows{
        {"the first invitation", nullptr, &per, "0"},
        {"sent again unchanged (the next reminder, a retry)", nullptr, &per, "0"},
        {"moved an hour", moved, &per, "1"},
        {"moved, sent again", moved, &per, "1"},
        {"and longer", longer, &per, "2"},
        {"and renamed", renamed, &per, "3"},
        {"someone else's first invitation", renamed, &kari, "0"},
    };
    for (const auto& r : rows) {
        CAPTURE(r.label);
        CHECK(sequence_sent(invitations(r.c), *r.to, sequences) == r.sequence);
    }

    sent.reset();
    sent = std::make_unique<store>(where);  // as after a restart
    CHECK(sequence_sent(invitations(renamed), per, sequences) == "3");
    CHECK(sequence_sent(invitations(nullptr), per, sequences) == "4");  // moved back is a change
}

TEST_CASE("without a sequence source an invitation says SEQUENCE:0", "[calendar]") {
    const auto inv = demo_invitations();
    CHECK(sequence_sent(inv, per) == "0");
}
