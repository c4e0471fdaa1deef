#include "bot/schedule/deviation_followup.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/fake_ports.hpp"

namespace {

using namespace std::chrono;
using kv::bot::case_state;
using kv::bot::deviation_followup_next_due;
using kv::bot::deviation_followup_reminders;
using kv::bot::reminder_kind;
using kv::test::at_vik;
using kv::test::small_municipality;

sys_seconds utc(int y, unsigned m, unsigned d, int h, int min = 0) {
    return sys_days{year{y} / month{m} / day{d}} + hours{h} + minutes{min};
}

// Filed by Kari at Solsiden sykehjem on Monday 23 November 2026, 11:00 Oslo time.
kv::bot::deviation_case fall_case() {
    kv::bot::deviation_case c;
    c.human_id = "AV-2026-0007";
    c.year = 2026;
    c.seq = 7;
    c.unit_id = "sykehjem";
    c.reporter_email = at_vik("kari");
    c.description = "Beboer falt på badet";
    c.created_at = utc(2026, 11, 23, 10);
    c.updated_at = c.created_at;
    return c;
}

// "step recipient deliver_at(UTC hour count)" per reminder, in the order given.
struct got {
    reminder_kind kind;
    std::string subject, step, recipient;
    sys_seconds deliver_at;
    bool urgent;
};

std::vector<got> due(const kv::bot::deviation_followup_snapshot& s, sys_seconds now) {
    std::vector<got> out;
    for (const auto& r : deviation_followup_reminders(s, now, kv::bot::work_calendar{})) {
        CHECK_FALSE(r.dedupe_key.empty());
        CHECK_FALSE(r.title.empty());
        out.push_back({r.kind, r.subject, r.step, r.recipient_email, r.deliver_at, r.urgent});
    }
    return out;
}

}  // namespace

TEST_CASE("a case nobody receives reminds the leader and deputy, then the leader above", "[bot]") {
    const auto dir = small_municipality();
    kv::bot::deviation_followup_snapshot s{{fall_case()}, {}, &dir};
    const kv::bot::work_calendar cal;

    CHECK(due(s, utc(2026, 11, 25, 9, 59)).empty());
    CHECK(deviation_followup_next_due(s, utc(2026, 11, 23, 12), cal) == utc(2026, 11, 25, 10));

    // Wednesday 11:00: two working days later.
    auto r = due(s, utc(2026, 11, 25, 10));
    REQUIRE(r.size() == 2);
    CHECK(r[0].recipient == at_vik("leder.sol"));
    CHECK(r[1].recipient == at_vik("nestleder.sol"));
    for (const auto& g : r) {
        CHECK(g.kind == reminder_kind::deviation_followup);
        CHECK(g.subject == "AV-2026-0007");
        CHECK(g.step == "remind-1");
        CHECK(g.deliver_at == utc(2026, 11, 25, 10));
        CHECK_FALSE(g.urgent);
    }
    CHECK(deviation_followup_next_due(s, utc(2026, 11, 25, 10), cal) == utc(2026, 11, 27, 10));

    // Friday 11:00: two more working days, the head of Helse og omsorg is told.
    r = due(s, utc(2026, 11, 27, 10));
    REQUIRE(r.size() == 3);
    CHECK(r[0].step == "escalate-1");
    CHECK(r[0].recipient == at_vik("helsesjef"));
    CHECK(r[0].deliver_at == utc(2026, 11, 27, 10));

    // The same reminder has the same key each time it is asked for.
    const auto a = deviation_followup_reminders(s, utc(2026, 11, 27, 10), cal);
    const auto b = deviation_followup_reminders(s, utc(2026, 11, 30, 10), cal);
    REQUIRE(a.size() == b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
        CHECK(a[i].dedupe_key == b[i].dedupe_key);
    }
}

TEST_CASE("receiving the case stops the chase", "[bot]") {
    const auto dir = small_municipality();
    auto c = fall_case();
    c.state = case_state::mottatt;
    const kv::bot::deviation_followup_snapshot s{{c}, {}, &dir};
    CHECK(due(s, utc(2026, 12, 30, 10)).empty());
    CHECK_FALSE(deviation_followup_next_due(s, utc(2026, 11, 23, 12), kv::bot::work_calendar{})
                    .has_value());
}

TEST_CASE("a case filed after hours counts from the next working morning", "[bot]") {
    const auto dir = small_municipality();
    auto c = fall_case();
    c.created_at = utc(2026, 11, 27, 15);  // Friday 16:00 Oslo
    const kv::bot::deviation_followup_snapshot s{{c}, {}, &dir};
    CHECK(due(s, utc(2026, 12, 2, 6, 59)).empty());
    const auto r = due(s, utc(2026, 12, 2, 7));  // Wednesday 08:00 Oslo
    REQUIRE(r.size() == 2);
    CHECK(r[0].deliver_at == utc(2026, 12, 2, 7));
}

TEST_CASE("a working-day deadline skips Christmas", "[bot]") {
    const auto dir = small_municipality();
    auto c = fall_case();
    c.created_at = utc(2026, 12, 24, 9);  // Thursday 10:00 Oslo; 25 and 26 December are holidays
    const kv::bot::deviation_followup_snapshot s{{c}, {}, &dir};
    CHECK(due(s, utc(2026, 12, 29, 8, 59)).empty());
    CHECK(due(s, utc(2026, 12, 29, 9)).size() == 2);  // Monday 28, then Tuesday 29 December
}

TEST_CASE("a serious event is chased after one working day and at once", "[bot]") {
    const auto dir = small_municipality();
    auto c = fall_case();
    c.risk = kv::bot::risk_assessment{3, 5};   // consequence 5 in the service category: serious
    c.created_at = utc(2026, 11, 23, 14, 30);  // Monday 15:30 Oslo
    const kv::bot::deviation_followup_snapshot s{{c}, {}, &dir};
    CHECK(due(s, utc(2026, 11, 24, 14, 29)).empty());
    auto r = due(s, utc(2026, 11, 24, 14, 30));
    REQUIRE(r.size() == 2);
    CHECK(r[0].urgent);
    CHECK(r[0].deliver_at == utc(2026, 11, 24, 14, 30));
    r = due(s, utc(2026, 11, 25, 14, 30));
    REQUIRE(r.size() == 3);
    CHECK(r[0].step == "escalate-1");
    CHECK(r[0].recipient == at_vik("helsesjef"));
}

TEST_CASE("a measure past its due date reminds the responsible person, then the leader", "[bot]") {
    const auto dir = small_municipality();
    auto c = fall_case();
    c.state = case_state::under_behandling;
    kv::bot::measure m;
    m.number = 1;
    m.text = "Sklimatte på badet";
    m.responsible_email = at_vik("per");
    m.due_date = "2026-11-25";  // Wednesday
    c.measures.push_back(m);
    kv::bot::deviation_followup_snapshot s{{c}, {}, &dir};
    const kv::bot::work_calendar cal;

    CHECK(due(s, utc(2026, 11, 25, 22, 59)).empty());  // 23:59 on the due date
    CHECK(deviation_followup_next_due(s, utc(2026, 11, 25, 12), cal) == utc(2026, 11, 25, 23));
    auto r = due(s, utc(2026, 11, 25, 23));  // Thursday 00:00 Oslo
    REQUIRE(r.size() == 1);
    CHECK(r[0].kind == reminder_kind::measure);
    CHECK(r[0].subject == "AV-2026-0007/1");
    CHECK(r[0].step == "overdue-1");
    CHECK(r[0].recipient == at_vik("per"));
    CHECK(r[0].deliver_at == utc(2026, 11, 26, 7));  // Thursday 08:00
    CHECK_FALSE(r[0].urgent);

    r = due(s, utc(2026, 11, 30, 7));  // two working days after Thursday morning: Monday
    REQUIRE(r.size() == 2);
    CHECK(r[0].step == "escalate-1");
    CHECK(r[0].recipient == at_vik("leder.sol"));

    s.open_cases[0].measures[0].state = kv::bot::measure_state::done;
    CHECK(due(s, utc(2026, 11, 30, 7)).empty());
    CHECK_FALSE(deviation_followup_next_due(s, utc(2026, 11, 25, 12), cal).has_value());
}

TEST_CASE("a kind with its own numbers is chased by them; serious events keep theirs", "[bot]") {
    const auto dir = small_municipality();
    const kv::bot::work_calendar cal;
    kv::bot::deviation_followup_settings settings;
    settings.by_kind[kv::bot::case_kind::klage] = {5, 3};

    struct row {
        const char* label;
        kv::bot::case_kind kind;
        sys_seconds remind_at;  // filed Monday 23 November 11:00 Oslo
        sys_seconds escalate_at;
    };
    const std::vector<row> rows{
        {"a complaint: 5 working days, then 3 more", kv::bot::case_kind::klage,
         utc(2026, 11, 30, 10), utc(2026, 12, 3, 10)},
        {"a deviation: the general 2 and 2", kv::bot::case_kind::avvik, utc(2026, 11, 25, 10),
         utc(2026, 11, 27, 10)},
    };
    for (const auto& r : rows) {
        CAPTURE(r.label);
        auto c = fall_case();
        c.kind = r.kind;
        const kv::bot::deviation_followup_snapshot s{{c}, {}, &dir};
        CHECK(deviation_followup_next_due(s, utc(2026, 11, 23, 12), cal, settings) == r.remind_at);
        CHECK(deviation_followup_next_due(s, r.remind_at, cal, settings) == r.escalate_at);
    }

    SECTION("a serious complaint is still chased after one working day") {
        auto c = fall_case();
        c.kind = kv::bot::case_kind::klage;
        c.cat = kv::bot::category::tjeneste;
        c.risk = kv::bot::risk_assessment{2, 5};
        const kv::bot::deviation_followup_snapshot s{{c}, {}, &dir};
        CHECK(deviation_followup_next_due(s, utc(2026, 11, 23, 12), cal, settings) ==
              utc(2026, 11, 24, 10));
    }
}

TEST_CASE(
    "a risk-assessed case is chased by its level's numbers: after the serious rule, before its "
    "kind's",
    "[bot]") {
    const auto dir = small_municipality();
    const kv::bot::work_calendar cal;
    kv::bot::deviation_followup_settings settings;
    settings.by_kind[kv::bot::case_kind::klage] = {5, 3};
    settings.by_level[kv::bot::risk_level::yellow] = {4, 1};
    settings.by_level[kv::bot::risk_level::red] = {3, 3};

    struct row {
        const char* label;
        kv::bot::case_kind kind;
        std::optional<kv::bot::risk_assessment> risk;
        sys_seconds remind_at;  // filed Monday 23 November 11:00 Oslo
        sys_seconds escalate_at;
    };
    const std::vector<row> rows{
        {"a complaint not assessed: its kind's 5, then 3", kv::bot::case_kind::klage, std::nullopt,
         utc(2026, 11, 30, 10), utc(2026, 12, 3, 10)},
        {"a complaint assessed yellow: the level's 4, then 1", kv::bot::case_kind::klage,
         kv::bot::risk_assessment{2, 3}, utc(2026, 11, 27, 10), utc(2026, 11, 30, 10)},
        {"a deviation assessed green, a level without numbers: the general 2 and 2",
         kv::bot::case_kind::avvik, kv::bot::risk_assessment{1, 1}, utc(2026, 11, 25, 10),
         utc(2026, 11, 27, 10)},
        {"a serious event assessed red: the serious 1 and 1", kv::bot::case_kind::klage,
         kv::bot::risk_assessment{4, 5}, utc(2026, 11, 24, 10), utc(2026, 11, 25, 10)},
    };
    for (const auto& r : rows) {
        CAPTURE(r.label);
        auto c = fall_case();
        c.kind = r.kind;
        c.cat = kv::bot::category::tjeneste;
        c.risk = r.risk;
        const kv::bot::deviation_followup_snapshot s{{c}, {}, &dir};
        CHECK(deviation_followup_next_due(s, utc(2026, 11, 23, 12), cal, settings) == r.remind_at);
        CHECK(deviation_followup_next_due(s, r.remind_at, cal, settings) == r.escalate_at);
    }
}
