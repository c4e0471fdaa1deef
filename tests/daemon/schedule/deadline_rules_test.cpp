#include <catch2/catch.hpp>
#include <string>

#include "bot/domain/oslo_time.hpp"
#include "bot/schedule/deviation_followup.hpp"
#include "bot/schedule/work_calendar.hpp"
#include "daemon/config/load_settings.hpp"
#include "daemon/schedule/scheduler.hpp"
#include "tests/daemon/config/temp_dir.hpp"
#include "tests/support/fake_ports.hpp"

namespace kv::daemon::test {
namespace {

using namespace kv::test;

kv::daemon::env_lookup no_env() {
    return [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
}

bot::deviation_case new_case_at_solsiden(bot::time_point filed) {
    bot::deviation_case c;
    c.human_id = "AV-2026-0001";
    c.year = 2026;
    c.seq = 1;
    c.unit_id = "sykehjem";
    c.reporter_email = at_vik("kari");
    c.description = "Dørene til uteområdet sto åpne i natt";
    c.occurred = "2026-11-22 23:00";
    c.created_at = filed;
    c.updated_at = filed;
    return c;
}

}  // namespace

TEST_CASE("frister shows the receive-by date the configured follow-up numbers give", "[schedule]") {
    struct row {
        const char* label;
        const char* toml;
        int working_days;  // what the leader has to receive the case in
    };
    const auto r = GENERATE(values<row>({
        {"the defaults", "", 2},
        {"five working days", "[reminders]\ndeviation_receive_within_working_days = 5\n", 5},
    }));
    CAPTURE(r.label);
    kv::daemon::testing::temp_dir dir;
    const auto loaded = load_settings(dir.write("kv.toml", r.toml), no_env());
    REQUIRE(loaded.value);

    bot_harness h{small_municipality(), monday_morning, bot_rules(*loaded.value)};
    bot::decision filing;
    filing.case_write = new_case_at_solsiden(monday_morning);
    h.world.apply(filing, at_vik("kari"), bot::channel::console);

    const auto shown = flatten(h.say(at_vik("leder.sol"), "frister").replies);
    const auto by = bot::work_calendar{}.add_working_days(monday_morning, r.working_days);
    CAPTURE(shown);
    CHECK(has(shown, bot::format_oslo(by) + "  Motta AV-2026-0001"));
}

TEST_CASE("frister and remind --at agree on a risk-assessed case's level numbers", "[schedule]") {
    struct row {
        const char* label;
        std::optional<bot::risk_assessment> risk;
        int working_days;
    };
    const auto r = GENERATE(values<row>({
        {"not assessed: the general numbers", std::nullopt, 2},
        {"assessed yellow: the level's", bot::risk_assessment{2, 3}, 4},
        {"assessed red but serious: the serious rule's", bot::risk_assessment{4, 5}, 1},
    }));
    CAPTURE(r.label);
    kv::daemon::testing::temp_dir dir;
    const auto loaded = load_settings(dir.write("kv.toml", R"toml([reminders.levels.yellow]
deviation_receive_within_working_days = 4
[reminders.levels.red]
deviation_receive_within_working_days = 3
)toml"),
                                      no_env());
    REQUIRE(loaded.value);

    bot_harness h{small_municipality(), monday_morning, bot_rules(*loaded.value)};
    bot::decision filing;
    filing.case_write = new_case_at_solsiden(monday_morning);
    filing.case_write->cat = bot::category::tjeneste;
    filing.case_write->risk = r.risk;
    h.world.apply(filing, at_vik("kari"), bot::channel::console);
    const auto by = bot::work_calendar{}.add_working_days(monday_morning, r.working_days);

    const auto shown = flatten(h.say(at_vik("leder.sol"), "frister").replies);
    CAPTURE(shown);
    CHECK(has(shown, bot::format_oslo(by) + "  Motta AV-2026-0001"));

    bot::deviation_followup_snapshot snap{
        {*filing.case_write}, bot_rules(*loaded.value), &h.world.dir};
    const auto& rules = loaded.value->reminders.followup;
    CHECK(bot::deviation_followup_next_due(snap, monday_morning, bot::work_calendar{}, rules) ==
          by);
}

}  // namespace kv::daemon::test
