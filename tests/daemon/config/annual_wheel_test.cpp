#include "daemon/config/annual_wheel.hpp"

#include <catch2/catch.hpp>
#include <string>

#include "daemon/config/load_organisation.hpp"
#include "daemon/schedule/rrule.hpp"
#include "tests/daemon/config/temp_dir.hpp"

namespace {

using namespace std::chrono;
using namespace std::chrono_literals;
using kv::daemon::load_annual_wheel;
using kv::daemon::testing::temp_dir;

kv::daemon::organisation demo_organisation() {
    auto org =
        kv::daemon::load_organisation(std::string(KV_SOURCE_DIR) + "/config/organisation.toml");
    REQUIRE(org.value);
    return *org.value;
}

std::vector<std::string> messages(const kv::daemon::annual_wheel_result& r) {
    std::vector<std::string> out;
    for (const auto& e : r.errors) {
        out.push_back(e.to_string());
    }
    return out;
}

constexpr const char* one_good_item = R"(
[[item]]
id = "ku-helse-mote"
title = "Møte"
kind = "meeting"
committee = "ku-helse"
rrule = "FREQ=YEARLY;BYMONTH=3,5,9;BYDAY=1TU"
lead_times = ["2d", "14d", "0d"]
)";

}  // namespace

TEST_CASE("the demo wheel loads: three meetings a year per quality committee", "[annual_wheel]") {
    const auto org = demo_organisation();
    const auto r = load_annual_wheel(std::string(KV_SOURCE_DIR) + "/config/annual-wheel.toml", org);
    INFO(Catch::Detail::stringify(messages(r)));
    REQUIRE(r.value);
    for (const auto& c : org.committees) {
        if (c.kind != kv::bot::committee_kind::quality) {
            continue;
        }
        INFO(c.id);
        const auto meets =
            std::count_if(r.value->items.begin(), r.value->items.end(), [&](auto& i) {
                return i.committee_id == c.id && i.kind == kv::bot::wheel_item_kind::meeting;
            });
        REQUIRE(meets == 1);
        const auto meeting =
            std::find_if(r.value->items.begin(), r.value->items.end(), [&](auto& i) {
                return i.committee_id == c.id && i.kind == kv::bot::wheel_item_kind::meeting;
            });
        const auto dates = kv::daemon::rrule_dates(meeting->rrule, meeting->starts,
                                                   2027y / January / 1, 2027y / December / 31);
        REQUIRE(dates.size() == 3);
        // Before the annual report and the two period reports.
        CHECK(sys_days{dates[0]} < sys_days{2027y / March / 31});
        CHECK(sys_days{dates[1]} > sys_days{2027y / March / 31});
        CHECK(sys_days{dates[1]} < sys_days{2027y / May / 31});
        CHECK(sys_days{dates[2]} > sys_days{2027y / May / 31});
        CHECK(sys_days{dates[2]} < sys_days{2027y / September / 30});
    }
    const auto* helse = r.value->find("ku-helse-mote");
    REQUIRE(helse);
    CHECK(helse->lead_days == std::vector<int>{14, 2, 0});  // the file's default
    CHECK(helse->local_time == 12h);
    CHECK(helse->duration == 120min);
    CHECK(helse->agenda.size() == 5);
    const auto* deviations = r.value->find("avviksrapport");
    REQUIRE(deviations);
    CHECK(deviations->role == "quality_coordinator");
    CHECK(deviations->lead_days == std::vector<int>{30, 7, 0});
}

TEST_CASE("lead times are read as whole days, latest first", "[annual_wheel]") {
    temp_dir dir;
    const auto r = load_annual_wheel(dir.write("wheel.toml", one_good_item), demo_organisation());
    REQUIRE(r.value);
    REQUIRE(r.value->items.size() == 1);
    CHECK(r.value->items[0].lead_days == std::vector<int>{14, 2, 0});
    CHECK(r.value->items[0].local_time == 9h);
}

TEST_CASE("bad wheel items are named by file, line and key, all at once", "[annual_wheel]") {
    temp_dir dir;
    const auto file = dir.write("wheel.toml", std::string(one_good_item) + R"(
[[item]]
id = "bad-rule"
title = "Ugyldig regel"
kind = "meeting"
committee = "ku-helse"
rrule = "FREQ=YEARY;BYMONTH=3"
lead_times = ["14d"]

[[item]]
id = "bad-committee"
title = "Ukjent utvalg"
kind = "meeting"
committee = "ku-helsee"
rrule = "FREQ=YEARLY"
lead_times = ["14d"]

[[item]]
id = "no-leads"
title = "Uten varsling"
kind = "deadline"
role = "quality_coordinator"
rrule = "FREQ=YEARLY"

[[item]]
id = "ku-helse-mote"
title = "Igjen"
kind = "meeting"
committee = "ku-helse"
rrule = "FREQ=YEARLY;BYMONTH=13"
lead_times = ["two weeks"]
tme = "10:00"
)");
    const auto r = load_annual_wheel(file, demo_organisation());
    CHECK_FALSE(r.value);
    const std::string f = file.string();
    CHECK(messages(r) ==
          std::vector<std::string>{
              f + ":15: item[1].rrule: invalid recurrence rule 'FREQ=YEARY;BYMONTH=3' (RFC 5545 "
                  "RRULE, e.g. FREQ=YEARLY;BYMONTH=3)",
              f + ":22: item[2].committee: unknown committee 'ku-helsee'; did you mean "
                  "'ku-helse'?",
              f + ":26: item[3].lead_times: required: the item has no lead times and the file "
                  "no default_lead_times",
              f + ":38: item[4].rrule: recurrence rule 'FREQ=YEARLY;BYMONTH=13' has a value out "
                  "of range",
              f + ":39: item[4].lead_times: 'two weeks' is not a lead time; write whole days "
                  "such as \"14d\" or \"0d\" (the morning of)",
              f + ":40: item[4].tme: unknown key; did you mean 'time'?",
          });
}

TEST_CASE("a missing wheel file is an error naming it", "[annual_wheel]") {
    const auto r = load_annual_wheel("/nonexistent/wheel.toml", demo_organisation());
    CHECK_FALSE(r.value);
    CHECK(messages(r) == std::vector<std::string>{"/nonexistent/wheel.toml: cannot read"});
}
