#include "daemon/calendar/feed_store.hpp"

#include <catch2/catch.hpp>

#include "tests/daemon/store/store_fixture.hpp"

using namespace kv::daemon;
using kv::daemon::test::t0;
using kv::daemon::test::temp_folder;

namespace {

std::vector<std::string> audit_lines(database& db) {
    std::vector<std::string> out;
    auto& q = db.cached(
        "SELECT action, target, actor_email, via, detail FROM audit "
        "WHERE action LIKE 'calendar.%' ORDER BY id");
    while (q.step()) {
        out.push_back(q.text(0) + " " + q.text(1) + " by '" + q.text(2) + "' via " + q.text(3) +
                      ": " + q.text(4));
    }
    return out;
}

}  // namespace

TEST_CASE("a feed is issued once, rotates to a new generation, and both are audited",
          "[calendar]") {
    temp_folder dir;
    store s{store_options{dir.path() / "kv.db", true, 5000}};
    auto& db = s.db();
    const feed_requester kari{"kari@k.no", "teams"};

    const auto first = ensure_calendar_feed(db, person_feed_id("kari@k.no"), kari, t0);
    CHECK(first.generation == 1);
    CHECK(first.feed_id == "person:kari@k.no");
    const auto again = ensure_calendar_feed(db, person_feed_id("kari@k.no"), kari, t0);
    CHECK(again.key == first.key);
    CHECK(again.generation == 1);

    const auto rotated = rotate_calendar_feed(db, person_feed_id("kari@k.no"), kari, t0);
    CHECK(rotated.key == first.key);
    CHECK(rotated.generation == 2);
    CHECK(find_calendar_feed(db, first.key)->generation == 2);

    const auto other = ensure_calendar_feed(db, committee_feed_id("ku-helse"), {}, t0);
    CHECK(other.key != first.key);
    CHECK_FALSE(find_calendar_feed(db, 9999));

    CHECK(audit_lines(db) == std::vector<std::string>{
                                 "calendar.issue person:kari@k.no by 'kari@k.no' via teams: "
                                 "generation 1",
                                 "calendar.rotate person:kari@k.no by 'kari@k.no' via teams: "
                                 "generation 2",
                                 "calendar.issue committee:ku-helse by '' via system: generation 1",
                             });
}

TEST_CASE("rotating a feed that was never issued creates it", "[calendar]") {
    temp_folder dir;
    store s{store_options{dir.path() / "kv.db", true, 5000}};
    const auto row = rotate_calendar_feed(s.db(), person_feed_id("per@k.no"), {}, t0);
    CHECK(row.generation == 1);
}
