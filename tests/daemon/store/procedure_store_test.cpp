#include "daemon/store/procedure_store.hpp"

#include <catch2/catch.hpp>

#include "store_fixture.hpp"

namespace kv::daemon::test {
namespace {

using namespace std::chrono;

bot::procedure proc(std::string id, std::string version, year_month_day reviewed) {
    bot::procedure p;
    p.id = std::move(id);
    p.title = "Håndhygiene " + p.id;
    p.area = "Helse";
    p.subgroup = "Prosedyrer";
    p.unit_id = "helse";
    p.owner_email = "kari@k.no";
    p.revision_owner_email = "ola@k.no";
    p.version = std::move(version);
    p.last_reviewed = reviewed;
    p.interval_months = 12;
    p.url = "https://k.no/" + p.id;
    return p;
}

std::vector<std::string> ids(const std::vector<bot::procedure>& ps) {
    std::vector<std::string> out;
    for (const auto& p : ps) {
        out.push_back(p.id);
    }
    return out;
}

using strings = std::vector<std::string>;

}  // namespace

TEST_CASE("importing the library adds, changes and removes procedures by id, and again is a no-op",
          "[store]") {
    temp_folder tmp;
    const auto path = tmp.path() / "kv.db";
    store s{{path}};
    s.sync_organisation(small_org(), t0);
    const auto jan = year{2026} / January / 15;

    auto first = import_procedures(
        s, {proc("A-1", "1.0", jan), proc("A-2", "2.0", jan), proc("A-3", "1.0", jan)}, t0);
    CHECK(first.added == strings{"A-1", "A-2", "A-3"});
    CHECK(first.changed.empty());
    CHECK(first.removed.empty());

    auto again = import_procedures(
        s, {proc("A-1", "1.0", jan), proc("A-2", "2.0", jan), proc("A-3", "1.0", jan)}, t0);
    CHECK(again.added.empty());
    CHECK(again.changed.empty());
    CHECK(again.removed.empty());
    CHECK(again.unchanged == strings{"A-1", "A-2", "A-3"});

    auto next = import_procedures(
        s, {proc("A-1", "1.0", jan), proc("A-2", "2.1", jan), proc("A-4", "1.0", jan)}, t0 + 1h);
    CHECK(next.added == strings{"A-4"});
    CHECK(next.changed == strings{"A-2"});
    CHECK(next.removed == strings{"A-3"});
    CHECK(next.unchanged == strings{"A-1"});

    CHECK(ids(load_procedures(s.db())) == strings{"A-1", "A-2", "A-4"});
    CHECK(ids(load_procedures(s.db(), true)) == strings{"A-1", "A-2", "A-3", "A-4"});
    const auto a2 = load_procedure(s.db(), "A-2");
    REQUIRE(a2);
    CHECK(a2->version == "2.1");
    CHECK_FALSE(load_procedure(s.db(), "A-3")->active);

    // A removed procedure that comes back is active again.
    auto back = import_procedures(s,
                                  {proc("A-1", "1.0", jan), proc("A-2", "2.1", jan),
                                   proc("A-3", "1.0", jan), proc("A-4", "1.0", jan)},
                                  t0 + 2h);
    CHECK(back.changed == strings{"A-3"});
    CHECK(load_procedure(s.db(), "A-3")->active);
    CHECK(count_rows(path, "procedure_events") == 7);
}

TEST_CASE("a review recorded after the export was taken is not undone by importing it again",
          "[store]") {
    temp_folder tmp;
    store s{{tmp.path() / "kv.db"}};
    s.sync_organisation(small_org(), t0);
    import_procedures(s, {proc("A-1", "1.0", year{2026} / September / 1)}, t0);
    // An older export of the same library.
    const auto report = import_procedures(s, {proc("A-1", "1.0", year{2025} / September / 1)}, t0);
    CHECK(report.unchanged == strings{"A-1"});
    CHECK(load_procedure(s.db(), "A-1")->last_reviewed == year{2026} / September / 1);
}

TEST_CASE("the review due date is stored with the procedure for the scheduler's index", "[store]") {
    temp_folder tmp;
    const auto path = tmp.path() / "kv.db";
    {
        store s{{path}};
        s.sync_organisation(small_org(), t0);
        auto p = proc("A-1", "1.0", year{2026} / August / 31);
        p.interval_months = 6;
        import_procedures(s, {p}, t0);
        CHECK(active_person_emails(s.db()).contains("ola@k.no"));
    }
    database db{path, open_mode::existing};
    statement q{db, "SELECT due_date FROM procedures WHERE id = 'A-1'"};
    REQUIRE(q.step());
    CHECK(q.text(0) == "2027-02-28");
}

}  // namespace kv::daemon::test
