#include "daemon/store/group_commit.hpp"

#include <catch2/catch.hpp>
#include <future>
#include <set>
#include <stdexcept>
#include <thread>

#include "tests/daemon/store/store_fixture.hpp"
#include "tests/support/task_thread.hpp"

namespace kv::daemon::test {
namespace {

// Files the next case of 2026 for ola@k.no, with a notification to the unit's leader.
store::decide_fn file_case() {
    return [](const bot::directory&, const bot::repository& repo) {
        bot::decision d;
        auto c = new_case(2026, repo.next_case_seq(2026));
        d.events.push_back({c.human_id, {}, "ola@k.no", bot::channel::console, "filed", ""});
        d.audit.push_back({"ola@k.no", bot::channel::console, "case.file", c.human_id, "ok", ""});
        bot::message m;
        m.title = "Nytt avvik " + c.human_id;
        d.notifications.push_back({"kari@k.no", m, false, c.human_id + ":filed"});
        d.case_write = std::move(c);
        return d;
    };
}

struct outcome {
    handle_result result;
    std::string error;
    std::int64_t cases_seen_by_another_connection = -1;
};

}  // namespace

TEST_CASE("events queued while the store is busy are committed together, each answered after",
          "[store][group-commit]") {
    temp_folder tmp;
    const auto path = tmp.path() / "kv.db";
    store s{{path}};
    s.sync_organisation(small_org(), t0);
    kv::test::task_thread thread;
    group_commit commits{s, [&thread](std::function<void()> f) { thread.post(std::move(f)); },
                         [] { return t0; }};

    // Hold the store thread so that all ten arrive while it is busy.
    std::promise<void> release;
    thread.post([gate = release.get_future().share()] { gate.wait(); });
    constexpr int n = 10;
    std::vector<std::promise<outcome>> answers(n);
    std::vector<std::thread> senders;
    for (int i = 0; i < n; ++i) {
        senders.emplace_back([&, i] {
            commits.submit(event("console:k" + std::to_string(i)), file_case(),
                           [&, i](handle_result r, std::exception_ptr) {
                               outcome o{std::move(r), {}, count_rows(path, "cases")};
                               answers[static_cast<std::size_t>(i)].set_value(std::move(o));
                           });
        });
    }
    for (auto& t : senders) {
        t.join();
    }
    release.set_value();

    std::set<std::string> ids;
    for (auto& a : answers) {
        auto o = a.get_future().get();
        REQUIRE_FALSE(o.result.duplicate);
        REQUIRE(o.result.decision.case_write);
        ids.insert(o.result.decision.case_write->human_id);
        // Told only after the commit: another connection already sees all ten.
        CHECK(o.cases_seen_by_another_connection == n);
    }
    CHECK(ids.size() == n);  // each saw the ones before it and took the next number
    CHECK(commits.commits() == 1);
    CHECK(commits.events() == n);
    CHECK(count_rows(path, "outbox") == n);
    CHECK(count_rows(path, "inbound_seen") == n);
}

TEST_CASE("an event that fails in a group is rolled back alone", "[store][group-commit]") {
    temp_folder tmp;
    const auto path = tmp.path() / "kv.db";
    store s{{path}};
    s.sync_organisation(small_org(), t0);
    kv::test::task_thread thread;
    group_commit commits{s, [&thread](std::function<void()> f) { thread.post(std::move(f)); },
                         [] { return t0; }};

    std::promise<void> release;
    thread.post([gate = release.get_future().share()] { gate.wait(); });
    std::promise<outcome> first, broken, duplicate, last;
    const auto record = [](std::promise<outcome>& p) {
        return [&p](handle_result r, std::exception_ptr error) {
            outcome o{std::move(r), {}, -1};
            if (error) {
                try {
                    std::rethrow_exception(error);
                } catch (const std::exception& e) {
                    o.error = e.what();
                }
            }
            p.set_value(std::move(o));
        };
    };
    commits.submit(event("console:a"), file_case(), record(first));
    commits.submit(
        event("console:b"),
        [](const bot::directory&, const bot::repository&) -> bot::decision {
            throw std::runtime_error("the decision could not be made");
        },
        record(broken));
    commits.submit(event("console:a"), file_case(), record(duplicate));
    commits.submit(event("console:c"), file_case(), record(last));
    release.set_value();

    const auto a = first.get_future().get();
    const auto b = broken.get_future().get();
    const auto dup = duplicate.get_future().get();
    const auto c = last.get_future().get();
    CHECK(a.error.empty());
    CHECK(b.error == "the decision could not be made");
    CHECK(dup.result.duplicate);  // the same key twice in one group is still handled once
    CHECK(c.error.empty());
    REQUIRE(a.result.decision.case_write);
    REQUIRE(c.result.decision.case_write);
    CHECK(a.result.decision.case_write->human_id == "AV-2026-0001");
    CHECK(c.result.decision.case_write->human_id == "AV-2026-0002");
    CHECK(count_rows(path, "cases") == 2);
    CHECK(count_rows(path, "inbound_seen") == 2);  // the failed event may be sent again
    CHECK(commits.commits() == 1);
    CHECK(integrity(path) == "ok");
}

TEST_CASE("a lone event is committed at once, one transaction each", "[store][group-commit]") {
    temp_folder tmp;
    const auto path = tmp.path() / "kv.db";
    store s{{path}};
    s.sync_organisation(small_org(), t0);
    kv::test::task_thread thread;
    group_commit commits{s, [&thread](std::function<void()> f) { thread.post(std::move(f)); },
                         [] { return t0; }};
    for (int i = 0; i < 3; ++i) {
        std::promise<void> done;
        commits.submit(event("console:" + std::to_string(i)), file_case(),
                       [&done](handle_result, std::exception_ptr) { done.set_value(); });
        done.get_future().wait();
    }
    CHECK(commits.commits() == 3);
    CHECK(count_rows(path, "cases") == 3);
}

}  // namespace kv::daemon::test
