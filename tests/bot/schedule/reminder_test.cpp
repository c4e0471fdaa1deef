#include "bot/schedule/reminder.hpp"

#include <catch2/catch.hpp>

using kv::bot::make_dedupe_key;
using kv::bot::parse_reminder_kind;
using kv::bot::reminder_kind;

TEST_CASE("reminder kinds read back exactly as they are written", "[reminder]") {
    for (const auto kind :
         {reminder_kind::wheel, reminder_kind::procedure_review, reminder_kind::reading,
          reminder_kind::deviation_followup, reminder_kind::measure, reminder_kind::approval,
          reminder_kind::digest}) {
        CHECK(parse_reminder_kind(to_string(kind)) == kind);
    }
    CHECK(to_string(reminder_kind::procedure_review) == "procedure_review");
    CHECK_FALSE(parse_reminder_kind("Wheel").has_value());
    CHECK_FALSE(parse_reminder_kind("").has_value());
}

TEST_CASE("dedupe keys differ by every part and repeat for the same parts", "[reminder]") {
    const auto key = make_dedupe_key(reminder_kind::wheel, "ku-sektor-helse", "2027-03-10", "T-14d",
                                     "kari@example.no");
    CHECK(key == "wheel:ku-sektor-helse:2027-03-10:T-14d:kari@example.no");
    CHECK(key == make_dedupe_key(reminder_kind::wheel, "ku-sektor-helse", "2027-03-10", "T-14d",
                                 "kari@example.no"));
    CHECK(key != make_dedupe_key(reminder_kind::wheel, "ku-sektor-helse", "2027-03-10", "T-2d",
                                 "kari@example.no"));
    CHECK(key != make_dedupe_key(reminder_kind::wheel, "ku-sektor-helse", "2027-06-02", "T-14d",
                                 "kari@example.no"));
}
