#include "bot/schedule/reading_reminders.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "bot/domain/oslo_time.hpp"
#include "tests/support/fake_ports.hpp"

namespace {

using namespace std::chrono;
using namespace std::chrono_literals;
using kv::bot::format_oslo;
using kv::bot::reading_entry;
using kv::bot::work_calendar;
using kv::test::at_vik;
using kv::test::flatten;

sys_seconds oslo(year_month_day d, minutes at) {
    return work_calendar::at_local(d, at);
}

kv::bot::procedure proc(std::string id, std::string title, std::string version) {
    kv::bot::procedure p;
    p.id = std::move(id);
    p.title = std::move(title);
    p.version = std::move(version);
    p.unit_id = "sykehjem";
    return p;
}

struct library_of_three {
    kv::test::fake_directory dir = kv::test::small_municipality();
    kv::bot::reading_snapshot snap;
    const work_calendar cal;

    library_of_three() {
        snap.procedures = {proc("HO-PR-011", "Håndhygiene", "4.0"),
                           proc("HO-PR-012", "Legemiddelhåndtering", "2.1"),
                           proc("HO-PR-013", "Fallforebygging", "1.3")};
        snap.org = &dir;
    }
    void assign(const std::string& id, const std::string& version, const std::string& who,
                sys_seconds at) {
        snap.unread.push_back({id, version, at_vik(who), at, std::nullopt});
    }
    // "deliver_at recipient step subject" per reminder due at `now`.
    std::vector<std::string> due(sys_seconds now) const {
        std::vector<std::string> out;
        for (const auto& r : kv::bot::reading_reminders(snap, now, cal)) {
            out.push_back(format_oslo(r.deliver_at) + " " + r.recipient_email + " " + r.step + " " +
                          r.subject);
        }
        return out;
    }
};

}  // namespace

TEST_CASE("a day's new procedures reach each person as one message the next working morning",
          "[reading]") {
    library_of_three lib;
    // Monday 23 November 2026: two approvals in the morning and one in the afternoon.
    lib.assign("HO-PR-011", "4.0", "kari", oslo(2026y / November / 23, 9h));
    lib.assign("HO-PR-011", "4.0", "per", oslo(2026y / November / 23, 9h));
    lib.assign("HO-PR-012", "2.1", "kari", oslo(2026y / November / 23, 15h));

    CHECK(lib.due(oslo(2026y / November / 23, 23h)).empty());
    CHECK(kv::bot::reading_next_due(lib.snap, oslo(2026y / November / 23, 23h), lib.cal) ==
          oslo(2026y / November / 24, 0min));

    const auto at_six =
        kv::bot::reading_reminders(lib.snap, oslo(2026y / November / 24, 6h), lib.cal);
    CHECK(lib.due(oslo(2026y / November / 24, 6h)) ==
          std::vector<std::string>{
              "2026-11-24 08:00 kari@vik.kommune.no T-0 HO-PR-011,HO-PR-012",
              "2026-11-24 08:00 per@vik.kommune.no T-0 HO-PR-011",
          });
    REQUIRE(at_six.size() == 2);
    CHECK(at_six[0].kind == kv::bot::reminder_kind::reading);
    CHECK(at_six[0].dedupe_key == "reading:leseliste:2026-11-24:T-0:kari@vik.kommune.no");
    CHECK(flatten(at_six[0].body) ==
          "Nye prosedyrer å lese\n"
          "HO-PR-011: Håndhygiene (versjon 4.0)\n"
          "HO-PR-012: Legemiddelhåndtering (versjon 2.1)\n"
          "Disse er nye eller endret og gjelder deg. Trykk «Lest» når du har lest.\n"
          "[Lest: HO-PR-011]\n"
          "[Lest: HO-PR-012]\n");
    REQUIRE(at_six[0].body.actions.size() == 2);
    CHECK(at_six[0].body.actions[1].verb == "reading.confirm");
    CHECK(at_six[0].body.actions[1].data ==
          std::map<std::string, std::string>{{"procedure", "HO-PR-012"}, {"version", "2.1"}});

    SECTION("later the same day the key is the same, so the store sends it once") {
        const auto noon =
            kv::bot::reading_reminders(lib.snap, oslo(2026y / November / 24, 12h), lib.cal);
        REQUIRE(noon.size() == 2);
        CHECK(noon[0].dedupe_key == at_six[0].dedupe_key);
        CHECK(format_oslo(noon[0].deliver_at) == "2026-11-24 12:00");
    }
    SECTION("English speakers get it in English") {
        lib.assign("HO-PR-013", "1.3", "john", oslo(2026y / November / 23, 9h));
        const auto all =
            kv::bot::reading_reminders(lib.snap, oslo(2026y / November / 24, 6h), lib.cal);
        REQUIRE(all.size() == 3);
        CHECK(all[0].recipient_email == at_vik("john"));
        CHECK(all[0].body.title == "New procedures to read");
        CHECK(all[0].body.actions.at(0).label == "Read: HO-PR-013");
    }
}

TEST_CASE("the batch waits for the next working morning", "[reading]") {
    struct row {
        const char* label;
        sys_seconds assigned;
        year_month_day morning;  // the batch goes out at 08:00 that day, nothing before
    };
    const std::vector<row> rows{
        {"Friday afternoon: Monday", oslo(2026y / November / 27, 14h), 2026y / November / 30},
        {"Saturday: Monday", oslo(2026y / November / 28, 10h), 2026y / November / 30},
        {"the day before Maundy Thursday: the Tuesday after Easter Monday, in summer time",
         oslo(2027y / March / 24, 10h), 2027y / March / 30},
        {"Christmas Eve: 28 December", oslo(2026y / December / 24, 10h), 2026y / December / 28},
    };
    for (const auto& r : rows) {
        CAPTURE(r.label);
        library_of_three lib;
        lib.assign("HO-PR-011", "4.0", "kari", r.assigned);
        const auto day_before = sys_days{r.morning} - days{1};
        CHECK(kv::bot::reading_reminders(lib.snap, oslo(year_month_day{day_before}, 23h), lib.cal)
                  .empty());
        CHECK(kv::bot::reading_next_due(lib.snap, r.assigned, lib.cal) == oslo(r.morning, 0min));
        const auto due = kv::bot::reading_reminders(lib.snap, oslo(r.morning, 6h), lib.cal);
        REQUIRE(due.size() == 1);
        CHECK(due[0].step == "T-0");
        CHECK(due[0].deliver_at == oslo(r.morning, 8h));
    }
}

TEST_CASE("Friday's and Saturday's procedures come in Monday's one message", "[reading]") {
    library_of_three lib;
    lib.assign("HO-PR-011", "4.0", "kari", oslo(2026y / November / 27, 14h));
    lib.assign("HO-PR-012", "2.1", "kari", oslo(2026y / November / 28, 10h));
    CHECK(lib.due(oslo(2026y / November / 30, 7h)) ==
          std::vector<std::string>{"2026-11-30 08:00 kari@vik.kommune.no T-0 HO-PR-011,HO-PR-012"});
}

TEST_CASE("what is unread a week after the batch is reminded once, and only that", "[reading]") {
    library_of_three lib;
    lib.assign("HO-PR-011", "4.0", "kari", oslo(2026y / November / 23, 9h));
    lib.assign("HO-PR-012", "2.1", "kari", oslo(2026y / November / 23, 9h));
    lib.assign("HO-PR-011", "4.0", "per", oslo(2026y / November / 23, 9h));
    // Kari reads HO-PR-011 and Per reads his one; read entries are left out of the snapshot,
    // as the store leaves them out.
    lib.snap.unread.erase(lib.snap.unread.begin());
    lib.snap.unread.pop_back();

    CHECK(kv::bot::reading_next_due(lib.snap, oslo(2026y / November / 30, 12h), lib.cal) ==
          oslo(2026y / December / 1, 0min));
    const auto week = kv::bot::reading_reminders(lib.snap, oslo(2026y / December / 1, 6h), lib.cal);
    REQUIRE(week.size() == 1);
    CHECK(week[0].recipient_email == at_vik("kari"));
    CHECK(week[0].step == "unread-7d");
    CHECK(week[0].subject == "HO-PR-012");
    CHECK(format_oslo(week[0].deliver_at) == "2026-12-01 08:00");
    CHECK(week[0].dedupe_key == "reading:leseliste:2026-11-24:unread-7d:kari@vik.kommune.no");
    CHECK(week[0].body.title == "Påminnelse: prosedyrer du ikke har bekreftet lest");

    SECTION("a month later the same single reminder, never a second one") {
        const auto later =
            kv::bot::reading_reminders(lib.snap, oslo(2027y / January / 4, 6h), lib.cal);
        REQUIRE(later.size() == 1);
        CHECK(later[0].dedupe_key == week[0].dedupe_key);
        CHECK_FALSE(kv::bot::reading_next_due(lib.snap, oslo(2026y / December / 2, 0min), lib.cal));
    }
    SECTION("once read, nothing") {
        lib.snap.unread.clear();
        CHECK(lib.due(oslo(2026y / December / 1, 6h)).empty());
        CHECK_FALSE(kv::bot::reading_next_due(lib.snap, oslo(2026y / November / 30, 6h), lib.cal));
    }
}

TEST_CASE("people no longer active get no reading messages", "[reading]") {
    library_of_three lib;
    lib.assign("HO-PR-011", "4.0", "gammel", oslo(2026y / November / 23, 9h));
    lib.assign("HO-PR-011", "4.0", "nobody.known", oslo(2026y / November / 23, 9h));
    CHECK(lib.due(oslo(2026y / November / 24, 6h)).empty());
}
