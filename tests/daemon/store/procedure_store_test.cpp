#include "daemon/store/procedure_store.hpp"

#include "bot/dialog/bot.hpp"

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

namespace kv::daemon::test {
namespace {

bot::inbound_event press(const std::string& key, const std::string& who, const std::string& verb,
                         std::map<std::string, std::string> data) {
    bot::inbound_event ev;
    ev.sender_email = who;
    ev.via = bot::channel::console;
    ev.dedupe_key = key;
    ev.action_verb = verb;
    ev.action_data = std::move(data);
    return ev;
}

std::string one_text(const std::filesystem::path& path, const std::string& sql) {
    database db{path, open_mode::existing};
    statement s{db, sql};
    return s.step() ? s.text(0) : std::string{"(no row)"};
}

}  // namespace

TEST_CASE("a review, its approval and the reading list are stored and survive a restart",
          "[store]") {
    temp_folder tmp;
    const auto path = tmp.path() / "kv.db";
    const kv::bot::bot brain{kv::bot::bot_settings{}};
    {
        store s{{path}};
        s.sync_organisation(small_org(), t0);
        import_procedures(s, {proc("A-1", "1.0", year{2025} / October / 1)}, t0);
        auto decide = [&](const bot::inbound_event& ev) {
            return s.handle(ev, t0, [&](const bot::directory& dir, const bot::repository& repo) {
                return brain.decide(ev, dir, repo, t0);
            });
        };
        decide(press("e1", "ola@k.no", "review.new_version",
                     {{"procedure", "A-1"}, {"version", "2.0"}, {"url", "-"}, {"note", "Ny"}}));
        CHECK(one_text(path, "SELECT state || ' ' || approver_email FROM approvals") ==
              "pending kari@k.no");
        CHECK(one_text(path, "SELECT recipient_email FROM outbox") == "kari@k.no");
        // Someone else's press is refused and audited, and changes nothing.
        decide(press("e2", "per@k.no", "approval.approve", {{"approval", "1"}}));
        CHECK(one_text(path, "SELECT state FROM approvals WHERE id = 1") == "pending");
        CHECK(count_rows(path, "audit WHERE action = 'denied:approval.approve'") == 1);
    }
    store s{{path}};
    const auto approve = press("e3", "kari@k.no", "approval.approve", {{"approval", "1"}});
    const auto decided =
        s.handle(approve, t0 + 1h, [&](const bot::directory& dir, const bot::repository& repo) {
            return brain.decide(approve, dir, repo, t0 + 1h);
        });
    CHECK(one_text(path, "SELECT state || ' ' || decided_by FROM approvals") ==
          "approved kari@k.no");
    CHECK(one_text(path, "SELECT version || ' ' || last_reviewed FROM procedures") ==
          "2.0 2026-09-21");
    CHECK(count_rows(path, "reading_list WHERE version = '2.0' AND read_at IS NULL") == 3);
    CHECK(count_rows(path, "procedure_events WHERE kind = 'new_version'") == 1);
    // Pressing again (a new activity) changes nothing and enqueues nothing.
    const auto outbox_before = count_rows(path, "outbox");
    const auto again = press("e4", "kari@k.no", "approval.approve", {{"approval", "1"}});
    s.handle(again, t0 + 2h, [&](const bot::directory& dir, const bot::repository& repo) {
        return brain.decide(again, dir, repo, t0 + 2h);
    });
    CHECK(count_rows(path, "outbox") == outbox_before);
    CHECK(one_text(path, "SELECT decided_at FROM approvals") ==
          std::to_string((t0 + 1h).time_since_epoch().count()));
    CHECK(!decided.decision.approval_writes.empty());
}

}  // namespace kv::daemon::test
