#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "daemon/config/load_settings.hpp"
#include "tests/daemon/config/error_texts.hpp"
#include "tests/daemon/config/temp_dir.hpp"

namespace {

using kv::daemon::load_settings;
using kv::daemon::testing::temp_dir;
using kv::daemon::testing::texts;

kv::daemon::env_lookup no_env() {
    return [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
}

}  // namespace

TEST_CASE("the demo configuration's [reminders] are the defaults", "[config]") {
    const auto result = load_settings(KV_SOURCE_DIR "/config/kvalitetsvakt.toml", no_env());
    CHECK(texts(result.errors).empty());
    REQUIRE(result.value);
    const auto& r = result.value->reminders;
    const kv::daemon::reminder_settings defaults;
    CHECK(r.reviews.lead_days == std::vector<int>{30, 7});
    CHECK(r.reviews.lead_days == defaults.reviews.lead_days);
    CHECK(r.reviews.overdue_every_days == 7);
    CHECK(r.reviews.escalate_owner_after_days == 14);
    CHECK(r.reviews.escalate_superior_after_days == 30);
    CHECK(r.followup.receive_within_working_days == 2);
    CHECK(r.followup.escalate_after_working_days == 2);
    CHECK(r.followup.serious_receive_within_working_days ==
          defaults.followup.serious_receive_within_working_days);
    CHECK(r.followup.serious_escalate_after_working_days ==
          defaults.followup.serious_escalate_after_working_days);
    CHECK(r.followup.measure_escalate_after_working_days ==
          defaults.followup.measure_escalate_after_working_days);
    CHECK(r.reading.remind_after_days == 7);
}

TEST_CASE("[reminders] values are read", "[config]") {
    temp_dir dir;
    const auto file = dir.write("kv.toml", R"toml([reminders]
review_first_reminder_days = 60
review_last_reminder_days = 14
review_overdue_every_days = 3
review_escalate_owner_after_days = 7
review_escalate_superior_after_days = 21
deviation_receive_within_working_days = 3
deviation_escalate_after_working_days = 4
serious_receive_within_working_days = 0
serious_escalate_after_working_days = 1
measure_escalate_after_working_days = 5
reading_remind_after_days = 10
approval_remind_after_working_days = 5
approval_remind_every_days = 14
)toml");
    const auto result = load_settings(file, no_env());
    CHECK(texts(result.errors).empty());
    REQUIRE(result.value);
    const auto& r = result.value->reminders;
    CHECK(r.reviews.lead_days == std::vector<int>{60, 14});
    CHECK(r.reviews.overdue_every_days == 3);
    CHECK(r.reviews.escalate_owner_after_days == 7);
    CHECK(r.reviews.escalate_superior_after_days == 21);
    CHECK(r.followup.receive_within_working_days == 3);
    CHECK(r.followup.escalate_after_working_days == 4);
    CHECK(r.followup.serious_receive_within_working_days == 0);
    CHECK(r.followup.serious_escalate_after_working_days == 1);
    CHECK(r.followup.measure_escalate_after_working_days == 5);
    CHECK(r.reading.remind_after_days == 10);
    CHECK(r.approvals.remind_after_working_days == 5);
    CHECK(r.approvals.every_days == 14);
}

TEST_CASE("a case kind may have its own follow-up days", "[config]") {
    temp_dir dir;
    const auto file = dir.write("kv.toml", R"toml([reminders]
deviation_receive_within_working_days = 3

[reminders.kinds.klage]
deviation_receive_within_working_days = 5

[reminders.kinds.nestenuhell]
deviation_escalate_after_working_days = 4
)toml");
    const auto result = load_settings(file, no_env());
    CHECK(texts(result.errors).empty());
    REQUIRE(result.value);
    const auto& by_kind = result.value->reminders.followup.by_kind;
    REQUIRE(by_kind.size() == 2);
    CHECK(by_kind.at(kv::bot::case_kind::klage).receive_within_working_days == 5);
    CHECK(by_kind.at(kv::bot::case_kind::klage).escalate_after_working_days == 2);
    CHECK(by_kind.at(kv::bot::case_kind::nestenuhell).receive_within_working_days == 3);
    CHECK(by_kind.at(kv::bot::case_kind::nestenuhell).escalate_after_working_days == 4);
    CHECK(result.value->reminders.followup.receive_within_working_days == 3);
}

TEST_CASE("a risk level may have its own follow-up days", "[config]") {
    temp_dir dir;
    const auto file = dir.write("kv.toml", R"toml([reminders]
deviation_escalate_after_working_days = 3

[reminders.levels.red]
deviation_receive_within_working_days = 1

[reminders.levels.yellow]
deviation_receive_within_working_days = 2
deviation_escalate_after_working_days = 1
)toml");
    const auto result = load_settings(file, no_env());
    CHECK(texts(result.errors).empty());
    REQUIRE(result.value);
    const auto& by_level = result.value->reminders.followup.by_level;
    REQUIRE(by_level.size() == 2);
    CHECK(by_level.at(kv::bot::risk_level::red).receive_within_working_days == 1);
    CHECK(by_level.at(kv::bot::risk_level::red).escalate_after_working_days == 3);
    CHECK(by_level.at(kv::bot::risk_level::yellow).receive_within_working_days == 2);
    CHECK(by_level.at(kv::bot::risk_level::yellow).escalate_after_working_days == 1);
}

TEST_CASE("each bad [reminders] value is named by line and key, all at once", "[config]") {
    struct row {
        const char* label;
        const char* toml;
        std::vector<std::string> errors;
    };
    const std::vector<row> rows{
        {"out of range",
         "[reminders]\nreview_overdue_every_days = 0\n",
         {"2: reminders.review_overdue_every_days: must be 1..90"}},
        {"an approval reminder on the day of the request",
         "[reminders]\napproval_remind_after_working_days = 0\n",
         {"2: reminders.approval_remind_after_working_days: must be 1..30"}},
        {"not a number",
         "[reminders]\n\nreading_remind_after_days = \"7\"\n",
         {"3: reminders.reading_remind_after_days: must be an integer"}},
        {"the last review reminder before the first",
         "[reminders]\nreview_first_reminder_days = 7\nreview_last_reminder_days = 30\n",
         {"2: reminders.review_first_reminder_days: must be greater than "
          "review_last_reminder_days (30)"}},
        {"the last review reminder alone, above the default first",
         "[reminders]\nreview_last_reminder_days = 45\n",
         {"2: reminders.review_last_reminder_days: must be less than review_first_reminder_days "
          "(30)"}},
        {"the superior told before the owner",
         "[reminders]\nreview_escalate_superior_after_days = 10\n",
         {"2: reminders.review_escalate_superior_after_days: must be at least "
          "review_escalate_owner_after_days (14)"}},
        {"serious events chased slower than others",
         "[reminders]\nserious_receive_within_working_days = 3\n",
         {"2: reminders.serious_receive_within_working_days: must be at most "
          "deviation_receive_within_working_days (2): serious events are chased faster"}},
        {"an unknown case kind",
         "[reminders]\n[reminders.kinds.klager]\ndeviation_receive_within_working_days = 5\n",
         {"2: reminders.kinds.klager: unknown kind; use avvik, nestenuhell, forbedringsforslag "
          "or klage"}},
        {"a kind's value out of range",
         "[reminders.kinds.klage]\ndeviation_escalate_after_working_days = 31\n",
         {"2: reminders.kinds.klage.deviation_escalate_after_working_days: must be 0..30"}},
        {"a kind's misspelt key",
         "[reminders.kinds.klage]\ndeviation_receive_within_days = 3\n",
         {"2: reminders.kinds.klage.deviation_receive_within_days: unknown key; did you mean "
          "'deviation_receive_within_working_days'?"}},
        {"an unknown risk level",
         "[reminders]\n[reminders.levels.orange]\ndeviation_receive_within_working_days = 1\n",
         {"2: reminders.levels.orange: unknown risk level; use green, yellow or red"}},
        {"a level's value out of range",
         "[reminders.levels.red]\ndeviation_receive_within_working_days = 31\n",
         {"2: reminders.levels.red.deviation_receive_within_working_days: must be 0..30"}},
        {"a level's misspelt key",
         "[reminders.levels.red]\ndeviation_escalate_after_days = 1\n",
         {"2: reminders.levels.red.deviation_escalate_after_days: unknown key; did you mean "
          "'deviation_escalate_after_working_days'?"}},
        {"a level that is not a table",
         "[reminders.levels]\nred = 1\n",
         {"2: reminders.levels.red: must be a table"}},
        {"a misspelt key",
         "[reminders]\nreading_remind_after_dayz = 7\n",
         {"2: reminders.reading_remind_after_dayz: unknown key; did you mean "
          "'reading_remind_after_days'?"}},
        {"two mistakes at once",
         "[reminders]\ndeviation_receive_within_working_days = 31\nmeasure_escalate_after_"
         "working_days = -1\n",
         {"2: reminders.deviation_receive_within_working_days: must be 0..30",
          "3: reminders.measure_escalate_after_working_days: must be 0..30"}},
    };
    for (const auto& r : rows) {
        CAPTURE(r.label);
        temp_dir dir;
        const auto result = load_settings(dir.write("kv.toml", r.toml), no_env());
        CHECK_FALSE(result.value);
        CHECK(texts(result.errors) == r.errors);
    }
}
