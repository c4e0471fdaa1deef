#include "bot/schedule/digest.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "bot/domain/oslo_time.hpp"
#include "tests/support/fake_ports.hpp"

namespace {

using namespace std::chrono;
using namespace std::chrono_literals;
using kv::bot::due_reminder;
using kv::bot::format_oslo;
using kv::bot::reminder_kind;
using kv::bot::work_calendar;
using kv::test::at_vik;

sys_seconds oslo(year_month_day d, minutes at) {
    return work_calendar::at_local(d, at);
}

due_reminder reminder(const std::string& who, reminder_kind kind, std::string subject,
                      sys_seconds deliver_at, std::string title, bool urgent = false) {
    due_reminder r;
    r.deliver_at = deliver_at;
    r.recipient_email = at_vik(who);
    r.kind = kind;
    r.subject = std::move(subject);
    r.step = "T-0";
    r.dedupe_key = kv::bot::make_dedupe_key(kind, r.subject, "", r.step, r.recipient_email);
    r.title = std::move(title);
    r.urgent = urgent;
    r.body.title = r.title;
    r.body.actions.push_back({"case.show", "Åpne " + r.subject, {{"case", r.subject}}, {}});
    return r;
}

struct digest_fixture {
    kv::test::fake_directory dir = kv::test::small_municipality();
    const work_calendar cal;
    const std::set<std::string> digest_people{at_vik("kari"), at_vik("john")};

    std::vector<due_reminder> run(std::vector<due_reminder> fresh, sys_seconds now) const {
        return kv::bot::apply_daily_digest(std::move(fresh), digest_people, now, cal, &dir);
    }
};

// Tuesday 24 November 2026, 08:00 Oslo.
const sys_seconds tuesday_eight = oslo(2026y / November / 24, 8h);

}  // namespace

TEST_CASE("a person's reminders of a morning become one digest, grouped by kind", "[digest]") {
    const digest_fixture f;
    const auto out = f.run(
        {
            reminder("kari", reminder_kind::reading, "HO-PR-011", tuesday_eight,
                     "Nye prosedyrer å lese"),
            reminder("kari", reminder_kind::wheel, "ku-mote", tuesday_eight,
                     "Kvalitetsutvalget 2026-12-08 09:00"),
            reminder("kari", reminder_kind::deviation_followup, "AV-2026-0001", tuesday_eight,
                     "Alvorlig hendelse AV-2026-0001", true),
            reminder("per", reminder_kind::wheel, "ku-mote", tuesday_eight,
                     "Kvalitetsutvalget 2026-12-08 09:00"),
            reminder("kari", reminder_kind::procedure_review, "HO-PR-012", tuesday_eight,
                     "Gjennomgang av HO-PR-012"),
            reminder("kari", reminder_kind::wheel, "psu-mote", tuesday_eight,
                     "PSU-møte 2026-11-26 10:00"),
        },
        oslo(2026y / November / 24, 6h));

    REQUIRE(out.size() == 3);
    CHECK(out[0].recipient_email == at_vik("kari"));
    CHECK(out[0].urgent);  // urgent ones are never held
    CHECK(out[0].kind == reminder_kind::deviation_followup);
    CHECK(out[1].recipient_email == at_vik("per"));  // not a digest person
    CHECK(out[1].kind == reminder_kind::wheel);

    const auto& d = out[2];
    CHECK(d.recipient_email == at_vik("kari"));
    CHECK(d.kind == reminder_kind::digest);
    CHECK(d.subject == "2026-11-24");
    CHECK(d.step == "daily");
    CHECK(d.deliver_at == tuesday_eight);
    CHECK(d.title == "Daglig sammendrag 2026-11-24 (4)");
    CHECK(d.body.text ==
          "Årshjul\n"
          "• Kvalitetsutvalget 2026-12-08 09:00\n"
          "• PSU-møte 2026-11-26 10:00\n"
          "\n"
          "Gjennomgang av prosedyrer\n"
          "• Gjennomgang av HO-PR-012\n"
          "\n"
          "Leseliste\n"
          "• Nye prosedyrer å lese");
    CHECK(d.body.actions.size() == 4);  // every button of what it carries
    CHECK(d.covers == std::vector<std::string>{
                          "procedure_review:HO-PR-012::T-0:kari@vik.kommune.no",
                          "reading:HO-PR-011::T-0:kari@vik.kommune.no",
                          "wheel:ku-mote::T-0:kari@vik.kommune.no",
                          "wheel:psu-mote::T-0:kari@vik.kommune.no",
                      });
    CHECK(d.dedupe_key.rfind("digest:2026-11-24:", 0) == 0);

    SECTION("computed again it has the same key; with one more reminder, another") {
        const auto again = f.run({reminder("kari", reminder_kind::reading, "HO-PR-011",
                                           tuesday_eight, "Nye prosedyrer å lese"),
                                  reminder("kari", reminder_kind::wheel, "ku-mote", tuesday_eight,
                                           "Kvalitetsutvalget 2026-12-08 09:00"),
                                  reminder("kari", reminder_kind::procedure_review, "HO-PR-012",
                                           tuesday_eight, "Gjennomgang av HO-PR-012"),
                                  reminder("kari", reminder_kind::wheel, "psu-mote", tuesday_eight,
                                           "PSU-møte 2026-11-26 10:00")},
                                 oslo(2026y / November / 24, 7h));
        REQUIRE(again.size() == 1);
        CHECK(again[0].dedupe_key == d.dedupe_key);
        const auto fewer = f.run({reminder("kari", reminder_kind::reading, "HO-PR-011",
                                           tuesday_eight, "Nye prosedyrer å lese")},
                                 oslo(2026y / November / 24, 7h));
        REQUIRE(fewer.size() == 1);
        CHECK(fewer[0].dedupe_key != d.dedupe_key);
    }
}

TEST_CASE("what falls due during the day waits for the next working morning's digest", "[digest]") {
    const digest_fixture f;
    struct row {
        const char* label;
        sys_seconds deliver_at;
        sys_seconds digest_at;
    };
    const std::vector<row> rows{
        {"at 08:00: the same morning", tuesday_eight, tuesday_eight},
        {"Tuesday afternoon: Wednesday", oslo(2026y / November / 24, 14h + 37min),
         oslo(2026y / November / 25, 8h)},
        {"Friday afternoon: Monday", oslo(2026y / November / 27, 14h),
         oslo(2026y / November / 30, 8h)},
        {"Wednesday before Maundy Thursday: the Tuesday after Easter",
         oslo(2027y / March / 24, 10h), oslo(2027y / March / 30, 8h)},
    };
    for (const auto& r : rows) {
        CAPTURE(r.label);
        const auto fresh = std::vector<due_reminder>{
            reminder("kari", reminder_kind::measure, "AV-2026-0003", r.deliver_at, "Tiltak 1")};
        const auto digest_midnight = oslo(year_month_day{floor<days>(r.digest_at + 1h)}, 0min);
        CHECK(f.run(fresh, digest_midnight - 1s).empty());  // held, not dropped: computed again
        const auto out = f.run(fresh, digest_midnight);
        REQUIRE(out.size() == 1);
        CHECK(out[0].kind == reminder_kind::digest);
        CHECK(format_oslo(out[0].deliver_at) == format_oslo(r.digest_at));
    }
}

TEST_CASE("after an outage the missed days come in one digest", "[digest]") {
    const digest_fixture f;
    const auto out = f.run({reminder("john", reminder_kind::wheel, "ku-mote",
                                     oslo(2026y / November / 20, 8h), "Quality committee"),
                            reminder("john", reminder_kind::measure, "AV-2026-0003",
                                     oslo(2026y / November / 23, 8h), "Measure 1")},
                           oslo(2026y / November / 24, 10h));
    REQUIRE(out.size() == 1);
    CHECK(out[0].title == "Daily digest 2026-11-24 (2)");
    CHECK(format_oslo(out[0].deliver_at) == "2026-11-24 10:00");
    CHECK(out[0].body.text == "Annual wheel\n• Quality committee\n\nMeasures\n• Measure 1");
}

TEST_CASE("sammendrag daglig and sammendrag av record the choice; anything else explains",
          "[digest]") {
    kv::test::bot_harness h{kv::test::small_municipality(), kv::test::monday_morning};
    struct row {
        const char* who;
        const char* text;
        std::optional<bool> choice;
        const char* reply;
    };
    const std::vector<row> rows{
        {"kari", "sammendrag daglig", true, "samlet i ett sammendrag kl. 08:00"},
        {"kari", "Sammendrag av", false, "hver påminnelse for seg"},
        {"john", "digest daily", true, "one digest at 08:00 each working day"},
        {"john", "digest off", false, "each reminder on its own"},
        {"kari", "sammendrag ukentlig", std::nullopt, "Skriv «sammendrag daglig»"},
    };
    for (const auto& r : rows) {
        CAPTURE(r.text);
        const auto d = h.say(at_vik(r.who), r.text);
        CHECK(d.daily_digest == r.choice);
        CHECK(kv::test::has(kv::test::flatten(d.replies), r.reply));
    }
}
