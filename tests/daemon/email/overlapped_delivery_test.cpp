// The delivery worker's email path with the store work beside the wire: while one batch is
// sent, the batch before it is marked and the one after it fetched and recorded. Real email
// sender, real store, real SMTP server on loopback: no row goes out twice in a run, a crash
// resends only rows not yet marked (with the same Message-ID), refused rows keep their retry
// and give-up handling, and a stop marks every mail that went out.

#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <atomic>
#include <map>
#include <set>
#include <thread>

#include "daemon/delivery/delivery_worker.hpp"
#include "daemon/delivery/email_sender.hpp"
#include "tests/adapters/email/mime_reader.hpp"
#include "tests/daemon/email/case_reminder.hpp"
#include "tests/daemon/store/store_fixture.hpp"
#include "tests/support/smtp_sink_process.hpp"

namespace {

using namespace kv::daemon;
using namespace kv::daemon::test;
using kv::email::testing::raw_header;
using kv::testing::read_file;
using kv::testing::smtp_sink_process;

struct overlap_world {
    explicit overlap_world(std::map<std::string, std::string> sink_env = {})
        : sink{"starttls", std::move(sink_env)} {
        auto org = small_org();
        org.people.push_back({"anne@k.no", "Anne Ansatt", "helse", "employee",
                              kv::bot::language::nb, kv::bot::channel::email, true});
        db.sync_organisation(org, t0);
    }

    temp_folder tmp;
    smtp_sink_process sink;
    settings cfg = [this] {
        settings c;
        c.store.database = tmp.path() / "kv.db";
        c.email.from_address = "kvalitetsvakt@eksempel.kommune.no";
        c.email.smtp_url = sink.url();
        c.email.smtp_ca_file = sink.cert();
        c.email.smtp_user = "bot@example.test";
        c.email.smtp_password = "secret";
        return c;
    }();
    store db{{cfg.store.database}};

    // `count` reminders, to `recipient_of(i)`.
    void enqueue(int count, const std::function<std::string(int)>& recipient_of) {
        kv::bot::decision d;
        for (int i = 0; i < count; ++i) {
            d.notifications.push_back(
                {recipient_of(i), case_reminder(i), false, "r" + std::to_string(i)});
        }
        db.apply(d, "", kv::bot::channel::console, t0);
    }

    std::unique_ptr<delivery_worker> worker(
        std::function<void(kv::bot::channel, std::string_view)> on_outcome = {}) {
        delivery_worker_options o;
        o.store = {cfg.store.database};
        o.now = [] { return t0 + std::chrono::seconds{5}; };
        o.on_outcome = std::move(on_outcome);
        std::vector<std::unique_ptr<channel_sender>> senders;
        senders.push_back(make_email_sender(cfg));
        return std::make_unique<delivery_worker>(std::move(o), std::move(senders));
    }

    std::int64_t count(const std::string& query) { return db.db().query_int(query); }

    // Message-ID -> how many times the sink got it, and the ids in the order they came.
    std::map<std::string, int> times_received(std::vector<std::string>* in_order = nullptr) {
        std::map<std::string, int> out;
        for (const auto& m : sink.messages()) {
            const auto id = raw_header(read_file(m), "Message-ID");
            ++out[id];
            if (in_order != nullptr) {
                in_order->push_back(id);
            }
        }
        return out;
    }
};

const auto to_per = [](int) { return std::string{"per@k.no"}; };

}  // namespace

TEST_CASE("450 reminders in overlapping batches each go out once and are all marked delivered",
          "[email][delivery]") {
    overlap_world w;
    w.enqueue(450, to_per);
    const auto pass = w.worker()->run_once();
    CHECK(pass.delivered == 450);
    CHECK(pass.retried == 0);
    REQUIRE(w.sink.wait_for(450).size() == 450);
    const auto received = w.times_received();
    CHECK(received.size() == 450);
    for (const auto& [id, times] : received) {
        INFO(id);
        CHECK(times == 1);
    }
    CHECK(w.count("SELECT count(*) FROM outbox WHERE state = 'delivered' AND delivered_at IS NOT "
                  "NULL") == 450);
    CHECK(w.count("SELECT count(*) FROM email_threads") == 450);
    CHECK(w.worker()->run_once().delivered == 0);
    CHECK(w.sink.messages().size() == 450);
}

TEST_CASE(
    "a crash after the second batch went out but before its mark resends only unmarked rows, "
    "with their Message-IDs",
    "[email][delivery]") {
    overlap_world w;
    w.enqueue(250, to_per);
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        // The first outcome of batch 2 is settled while batch 3 is on the wire, after batch 1
        // was marked: the process dies there, before batch 2's mark.
        int outcomes = 0;
        auto crashing = w.worker([&](kv::bot::channel, std::string_view) {
            if (++outcomes == 101) {
                ::_exit(0);
            }
        });
        crashing->run_once();
        ::_exit(3);  // never got to the second batch
    }
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    REQUIRE(WIFEXITED(status));
    REQUIRE(WEXITSTATUS(status) == 0);

    CHECK(w.count("SELECT count(*) FROM outbox WHERE state = 'delivered'") == 100);
    CHECK(w.count("SELECT count(*) FROM outbox WHERE state = 'pending'") == 150);
    // The sink may still be writing the last mail the child finished.
    for (auto n = w.sink.messages().size();;) {
        std::this_thread::sleep_for(std::chrono::milliseconds{300});
        const auto now = w.sink.messages().size();
        if (now == n) {
            break;
        }
        n = now;
    }
    std::vector<std::string> before_crash;
    w.times_received(&before_crash);
    REQUIRE(before_crash.size() >= 200);  // batches 1 and 2 went out whole

    const auto pass = w.worker()->run_once();
    CHECK(pass.delivered == 150);
    CHECK(pass.retried == 0);
    REQUIRE(w.sink.wait_for(before_crash.size() + 150).size() == before_crash.size() + 150);
    const auto received = w.times_received();
    CHECK(received.size() == 250);  // a resent row keeps its Message-ID
    for (std::size_t i = 0; i < 100; ++i) {
        INFO("marked row " << i);
        CHECK(received.at(before_crash[i]) == 1);  // batch 1 was marked: never sent again
    }
    for (std::size_t i = 100; i < 200; ++i) {
        INFO("unmarked row " << i);
        CHECK(received.at(before_crash[i]) == 2);
    }
    CHECK(w.count("SELECT count(*) FROM outbox WHERE state = 'delivered'") == 250);
    CHECK(w.count("SELECT count(*) FROM email_threads") == 250);
}

TEST_CASE("refused and deferred rows among overlapping batches are given up on or retried",
          "[email][delivery]") {
    overlap_world w{{{"SMTP_REJECT_RCPT", "sigrid"}, {"SMTP_TEMPFAIL_RCPT", "anne"}}};
    // Every tenth row is refused for good, every tenth (offset 5) deferred, over three batches.
    w.enqueue(260, [](int i) {
        return std::string{i % 10 == 0 ? "sigrid@k.no" : i % 10 == 5 ? "anne@k.no" : "per@k.no"};
    });
    const auto pass = w.worker()->run_once();
    CHECK(pass.delivered == 208);
    CHECK(pass.failed == 26);
    CHECK(pass.retried == 26);
    CHECK(w.count("SELECT count(*) FROM outbox WHERE state = 'failed' AND recipient_email = "
                  "'sigrid@k.no'") == 26);
    CHECK(w.count("SELECT count(*) FROM outbox WHERE state = 'pending' AND attempts = 1 AND "
                  "recipient_email = 'anne@k.no'") == 26);
    CHECK(w.count("SELECT count(*) FROM outbox WHERE state = 'delivered' AND recipient_email = "
                  "'per@k.no'") == 208);
    // Deferred rows wait for their backoff: the next pass sends nothing again.
    const auto again = w.worker()->run_once();
    CHECK(again.delivered + again.retried + again.failed == 0);
    CHECK(w.sink.wait_for(208).size() == 208);
}

TEST_CASE("stopping the worker mid-run marks every mail that went out and leaves the rest",
          "[email][delivery]") {
    overlap_world w;
    w.enqueue(600, to_per);
    auto worker = w.worker();
    worker->start();
    while (w.sink.messages().size() < 150) {
        std::this_thread::sleep_for(std::chrono::milliseconds{5});
    }
    worker->stop();
    const auto sent = w.sink.messages().size();
    CHECK(sent < 600);
    CHECK(w.count("SELECT count(*) FROM outbox WHERE state = 'delivered'") ==
          static_cast<std::int64_t>(sent));
    CHECK(w.count("SELECT count(*) FROM outbox WHERE state = 'pending'") ==
          600 - static_cast<std::int64_t>(sent));
}

TEST_CASE("the next batch's fetch leaves out the rows on the wire, in outbox order",
          "[email][delivery]") {
    overlap_world w;
    w.enqueue(5, to_per);
    const auto at = t0 + std::chrono::seconds{5};
    const auto all = w.db.due_outbox(at, kv::bot::channel::email, std::nullopt, 10);
    REQUIRE(all.size() == 5);
    const auto rest =
        w.db.due_outbox_besides(at, kv::bot::channel::email, {all[0].id, all[2].id}, 10);
    REQUIRE(rest.size() == 3);
    CHECK(rest[0].id == all[1].id);
    CHECK(rest[1].id == all[3].id);
    CHECK(rest[2].id == all[4].id);
    CHECK(rest[0].body.subject_key == all[1].body.subject_key);
    CHECK(w.db.due_outbox_besides(at, kv::bot::channel::email, {}, 2).size() == 2);
    CHECK(w.db.due_outbox_besides(at, kv::bot::channel::teams, {}, 10).empty());
}
