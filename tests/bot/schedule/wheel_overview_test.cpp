#include "bot/schedule/wheel_overview.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "bot/dialog/bot.hpp"
#include "bot/domain/oslo_time.hpp"
#include "tests/support/fake_ports.hpp"

namespace {

using namespace std::chrono;
using namespace std::chrono_literals;
using kv::bot::wheel_item;
using kv::bot::wheel_item_kind;
using kv::bot::wheel_occurrence;
using kv::bot::work_calendar;
using kv::test::at_vik;
using kv::test::bot_harness;
using kv::test::flatten;
using kv::test::has;
using kv::test::monday_morning;
using kv::test::small_municipality;

wheel_item item(std::string id, std::string title, wheel_item_kind kind, std::string committee,
                std::string role = {}) {
    wheel_item i;
    i.id = std::move(id);
    i.title = std::move(title);
    i.kind = kind;
    i.committee_id = std::move(committee);
    i.role = std::move(role);
    return i;
}

// A wheel of three items, each with a fixed list of local dates: the PSU meets monthly, the
// quality committee three times a year, and the quality coordinators' yearly report.
struct fixed_wheel final : kv::bot::wheel_calendar {
    std::vector<wheel_item> items{
        item("psu-mote", "PSU-møte", wheel_item_kind::meeting, "psu"),
        item("ku-mote", "Kvalitetsutvalget", wheel_item_kind::meeting, "ku"),
        item("avviksrapport", "Årlig avviksrapport", wheel_item_kind::report, "",
             "quality_coordinator"),
    };
    std::vector<std::pair<std::size_t, year_month_day>> dates{
        {0, 2026y / November / 20},  {0, 2026y / December / 14}, {0, 2027y / January / 11},
        {0, 2027y / February / 8},   {0, 2027y / March / 8},     {0, 2027y / April / 12},
        {0, 2027y / May / 10},       {1, 2027y / March / 16},    {1, 2027y / May / 18},
        {1, 2027y / September / 21}, {1, 2027y / November / 16}, {2, 2027y / January / 31},
    };

    std::vector<wheel_occurrence> occurrences(sys_seconds from, sys_seconds to) const override {
        std::vector<wheel_occurrence> out;
        for (const auto& [index, d] : dates) {
            const auto start = work_calendar::at_local(d, 9h);
            if (start >= from && start <= to) {
                out.push_back({&items[index], d, start, start + 2h});
            }
        }
        std::sort(out.begin(), out.end(),
                  [](const auto& a, const auto& b) { return a.start < b.start; });
        return out;
    }
};

std::vector<std::string> ids_and_dates(const std::vector<wheel_occurrence>& occ) {
    std::vector<std::string> out;
    for (const auto& o : occ) {
        out.push_back(o.item->id + " " + kv::bot::format_date(o.date));
    }
    return out;
}

}  // namespace

TEST_CASE("the annual wheel overview shows what each person is reminded of", "[wheel]") {
    const fixed_wheel wheel;
    const auto dir = small_municipality();
    const auto committees = dir.all_committees();
    const auto occ = wheel.occurrences(monday_morning, monday_morning + days{400});

    struct row {
        const char* label;
        const char* who;
        std::vector<std::string> expected;
    };
    const std::vector<row> rows{
        {"a PSU member in the quality coordinator role: both, at least five though only four "
         "fall in the next 90 days",
         "psu.leder",
         {"psu-mote 2026-12-14", "psu-mote 2027-01-11", "avviksrapport 2027-01-31",
          "psu-mote 2027-02-08", "psu-mote 2027-03-08"}},
        {"a leader in no committee and not in the role: nothing", "helsesjef", {}},
        {"the only member of a committee meeting rarely: its next five, a year ahead",
         "radmann",
         {"ku-mote 2027-03-16", "ku-mote 2027-05-18", "ku-mote 2027-09-21", "ku-mote 2027-11-16"}},
        {"a member of no committee: nothing", "kari", {}},
    };
    for (const auto& r : rows) {
        CAPTURE(r.label);
        const auto me = dir.find_person(at_vik(r.who));
        REQUIRE(me);
        CHECK(ids_and_dates(kv::bot::upcoming_for(occ, *me, committees, monday_morning)) ==
              r.expected);
    }
}

TEST_CASE("a person sees five occurrences when fewer fall in the next 90 days", "[wheel]") {
    fixed_wheel wheel;
    wheel.dates.push_back({1, 2028y / March / 14});
    wheel.dates.push_back({1, 2028y / May / 16});
    const auto dir = small_municipality();
    const auto me = dir.find_person(at_vik("radmann"));
    const auto occ = wheel.occurrences(monday_morning, monday_morning + days{800});
    CHECK(ids_and_dates(kv::bot::upcoming_for(occ, *me, dir.all_committees(), monday_morning)) ==
          std::vector<std::string>{"ku-mote 2027-03-16", "ku-mote 2027-05-18", "ku-mote 2027-09-21",
                                   "ku-mote 2027-11-16", "ku-mote 2028-03-14"});
}

TEST_CASE("årshjul lists a committee member's next wheel items in Oslo time", "[wheel]") {
    bot_harness h{small_municipality(), monday_morning};
    h.b = kv::bot::bot{{}, std::make_shared<const fixed_wheel>()};

    const auto d = h.say(at_vik("psu.leder"), "årshjul");
    REQUIRE(d.replies.size() == 1);
    CHECK(flatten(d.replies) ==
          "Årshjulet ditt\n"
          "2026-12-14 09:00  PSU-møte · Pasient- og brukersikkerhetsutvalget · møte\n"
          "2027-01-11 09:00  PSU-møte · Pasient- og brukersikkerhetsutvalget · møte\n"
          "2027-01-31 09:00  Årlig avviksrapport · alle med rollen quality_coordinator · rapport\n"
          "2027-02-08 09:00  PSU-møte · Pasient- og brukersikkerhetsutvalget · møte\n"
          "2027-03-08 09:00  PSU-møte · Pasient- og brukersikkerhetsutvalget · møte\n");

    SECTION("the alias without å and the English words give the same list") {
        CHECK(flatten(h.say(at_vik("psu.leder"), "arshjul").replies) == flatten(d.replies));
        CHECK(has(flatten(h.say(at_vik("kvalitet"), "annual wheel").replies),
                  "2027-01-31 09:00  Årlig avviksrapport"));
    }
    SECTION("someone in no committee gets an explanation, in their language") {
        CHECK(has(flatten(h.say(at_vik("kari"), "årshjul").replies),
                  "Du er ikke med i noe utvalg i årshjulet"));
        CHECK(has(flatten(h.say(at_vik("john"), "annual wheel").replies),
                  "You are not on any committee in the annual wheel"));
    }
    SECTION("help mentions the command") {
        CHECK(has(flatten(h.say(at_vik("kari"), "hjelp").replies), "årshjul"));
    }
}

TEST_CASE("årshjul without a configured wheel says so", "[wheel]") {
    bot_harness h{small_municipality(), monday_morning};
    CHECK(has(flatten(h.say(at_vik("radmann"), "årshjul").replies),
              "Årshjulet er ikke satt opp her ennå"));
}
