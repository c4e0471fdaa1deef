#include "daemon/delivery/delivery_worker.hpp"

#include <catch2/catch.hpp>
#include <deque>
#include <mutex>

#include "tests/daemon/store/store_fixture.hpp"

using namespace kv;
using namespace kv::daemon;
using namespace kv::daemon::test;
using status = delivery_outcome::status;

namespace {

// A channel whose answers the test scripts: what it was handed is what a person would receive.
class scripted_sender : public channel_sender {
  public:
    struct log {
        std::mutex m;
        std::vector<std::string> titles;  // "<recipient> <title>" per attempt
        std::deque<delivery_outcome> answers;
    };
    scripted_sender(bot::channel ch, std::shared_ptr<log> l) : ch_(ch), log_(std::move(l)) {}
    bot::channel channel() const override { return ch_; }
    delivery_outcome deliver(const outbox_item& item) override {
        const std::lock_guard lock{log_->m};
        log_->titles.push_back(item.recipient_email + " " + item.body.title);
        if (log_->answers.empty()) {
            return {};
        }
        auto a = log_->answers.front();
        log_->answers.pop_front();
        return a;
    }

  private:
    bot::channel ch_;
    std::shared_ptr<log> log_;
};

struct fixture {
    temp_folder dir;
    store_options opts{dir.path() / "kv.db"};
    std::chrono::sys_seconds clock = t0;
    std::shared_ptr<scripted_sender::log> teams = std::make_shared<scripted_sender::log>();
    std::shared_ptr<scripted_sender::log> email = std::make_shared<scripted_sender::log>();

    fixture() {
        store s{opts};
        s.sync_organisation(small_org(), t0);
    }

    void notify(const std::string& recipient, const std::string& title, bool urgent = false) {
        store s{opts};
        bot::decision d;
        bot::message m;
        m.title = title;
        d.notifications = {{recipient, m, urgent, "k:" + title}};
        s.apply(d, "system", bot::channel::console, clock);
    }

    delivery_worker worker(bool with_email = true) {
        delivery_worker_options o;
        o.store = opts;
        o.delivery.max_attempts = 3;
        o.delivery.retry_base_seconds = 30;
        o.delivery.retry_max_seconds = 600;
        o.now = [this] { return clock; };
        std::vector<std::unique_ptr<channel_sender>> senders;
        senders.push_back(std::make_unique<scripted_sender>(bot::channel::teams, teams));
        if (with_email) {
            senders.push_back(std::make_unique<scripted_sender>(bot::channel::email, email));
        }
        return delivery_worker{std::move(o), std::move(senders)};
    }

    outbox_stats depth() { return store{opts}.outbox_depth(); }
};

}  // namespace

TEST_CASE("a due message reaches the person's channel once", "[delivery]") {
    fixture f;
    f.notify("kari@k.no", "Nytt avvik AV-2026-0001");  // Kari's channel is Teams
    f.notify("per@k.no", "Nytt avvik AV-2026-0001");   // Per's is email
    auto w = f.worker();
    const auto first = w.run_once();
    CHECK(first.delivered == 2);
    CHECK(f.teams->titles == std::vector<std::string>{"kari@k.no Nytt avvik AV-2026-0001"});
    CHECK(f.email->titles == std::vector<std::string>{"per@k.no Nytt avvik AV-2026-0001"});
    CHECK(w.run_once().delivered == 0);
    CHECK(f.depth().pending == 0);
}

TEST_CASE("a transient failure is retried after the backoff, or the channel's Retry-After",
          "[delivery]") {
    fixture f;
    f.notify("kari@k.no", "Påminnelse");
    f.teams->answers = {{status::retry_later, std::chrono::seconds{120}, "429"},
                        {status::retry_later, std::nullopt, "503"}};
    auto w = f.worker();
    CHECK(w.run_once().retried == 1);
    f.clock += std::chrono::seconds{119};
    CHECK(w.run_once().retried == 0);  // Retry-After 120 s is honoured
    f.clock += std::chrono::seconds{1};
    CHECK(w.run_once().retried == 1);  // second failure: backoff 2 x 30 s
    f.clock += std::chrono::seconds{59};
    CHECK(w.run_once().delivered == 0);
    f.clock += std::chrono::seconds{1};
    CHECK(w.run_once().delivered == 1);
    CHECK(f.teams->titles.size() == 3);
}

TEST_CASE("a person Teams cannot reach gets the message by email instead", "[delivery]") {
    fixture f;
    f.notify("kari@k.no", "Møte i kvalitetsutvalget");
    f.teams->answers = {{status::use_fallback, std::nullopt, "app not installed"}};
    auto w = f.worker();
    const auto p = w.run_once();
    CHECK(p.rerouted == 1);
    CHECK(p.delivered == 1);  // the email sender comes after Teams in the same pass
    CHECK(f.email->titles == std::vector<std::string>{"kari@k.no Møte i kvalitetsutvalget"});
    CHECK(count_rows(f.opts.path, "audit WHERE action = 'delivery.fallback'") == 1);
}

TEST_CASE("a channel may name the fallback: a bounced address goes to the console channel",
          "[delivery]") {
    fixture f;
    f.notify("per@k.no", "Påminnelse");  // Per's channel is email
    f.email->answers = {
        {status::use_fallback, std::nullopt, "the address bounced (5.1.1)", bot::channel::console}};
    auto w = f.worker();
    CHECK(w.run_once().rerouted == 1);
    CHECK(count_rows(f.opts.path, "outbox WHERE channel = 'console' AND state = 'pending'") == 1);
    CHECK(count_rows(f.opts.path,
                     "audit WHERE action = 'delivery.fallback' AND outcome = "
                     "'console' AND detail = 'the address bounced (5.1.1)'") == 1);
    CHECK(w.run_once().rerouted == 0);  // the console rows wait for `chat`, not for the worker
}

TEST_CASE("two channels that each send the person to the other end on the console channel",
          "[delivery]") {
    fixture f;
    f.notify("kari@k.no", "Påminnelse");  // Kari's channel is Teams
    f.teams->answers.assign(5, {status::use_fallback, std::nullopt, "teams: blocked"});
    f.email->answers.assign(
        5, {status::use_fallback, std::nullopt, "the address bounced", bot::channel::teams});
    auto w = f.worker();
    int rerouted = 0;
    for (int i = 0; i < 5; ++i) {
        rerouted += w.run_once().rerouted;
    }
    CHECK(rerouted == 4);
    CHECK(f.teams->titles.size() == 2);
    CHECK(f.email->titles.size() == 2);
    CHECK(count_rows(f.opts.path, "outbox WHERE channel = 'console' AND state = 'pending'") == 1);
    CHECK(f.depth().failed == 0);
}

TEST_CASE("giving up on Teams falls back to email; without a fallback the row is kept as failed",
          "[delivery]") {
    SECTION("with email") {
        fixture f;
        f.notify("kari@k.no", "Påminnelse");
        f.teams->answers.assign(3, {status::retry_later, std::nullopt, "502"});
        auto w = f.worker();
        for (int i = 0; i < 3; ++i) {
            w.run_once();
            f.clock += std::chrono::hours{1};
        }
        CHECK(f.teams->titles.size() == 3);
        CHECK(f.email->titles == std::vector<std::string>{"kari@k.no Påminnelse"});
        CHECK(f.depth().failed == 0);
    }
    SECTION("without a fallback sender") {
        fixture f;
        f.notify("kari@k.no", "Påminnelse");
        f.teams->answers = {{status::failed_permanently, std::nullopt, "400 bad payload"}};
        auto w = f.worker(false);
        CHECK(w.run_once().failed == 1);
        CHECK(f.depth().failed == 1);  // kept, visible in /healthz and /metrics
    }
}

TEST_CASE("rows survive a restart of the worker and are delivered by the next one", "[delivery]") {
    fixture f;
    f.notify("kari@k.no", "Påminnelse");
    f.teams->answers = {{status::retry_later, std::nullopt, "connector down"}};
    {
        auto w = f.worker();
        CHECK(w.run_once().retried == 1);
    }
    f.clock += std::chrono::minutes{5};
    auto again = f.worker();
    CHECK(again.run_once().delivered == 1);
    CHECK(f.depth().pending == 0);
}

TEST_CASE("the running worker delivers what is committed and woken, and stops cleanly",
          "[delivery]") {
    fixture f;
    auto w = f.worker();
    w.start();
    f.notify("per@k.no", "Nytt avvik");
    w.wake();
    for (int i = 0; i < 200 && f.depth().pending != 0; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds{10});
    }
    w.stop();
    CHECK(f.depth().pending == 0);
    const std::lock_guard lock{f.email->m};
    CHECK(f.email->titles == std::vector<std::string>{"per@k.no Nytt avvik"});
}

TEST_CASE("a running worker with nothing due makes no pass until it is woken", "[delivery]") {
    fixture f;
    auto w = f.worker();
    w.start();
    for (int i = 0; i < 500 && w.passes() < 1; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds{2});
    }
    REQUIRE(w.passes() == 1);
    std::this_thread::sleep_for(std::chrono::milliseconds{300});
    CHECK(w.passes() == 1);  // idle: no wake-up on a timer

    f.notify("per@k.no", "Nytt avvik");
    w.wake();
    for (int i = 0; i < 500 && w.passes() < 2; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds{2});
    }
    CHECK(f.depth().pending == 0);
    CHECK(w.passes() == 2);
    w.stop();
}

TEST_CASE("a retry is sent at its instant without anyone waking the worker", "[delivery]") {
    fixture f;
    f.notify("kari@k.no", "Påminnelse");
    f.teams->answers = {{status::retry_later, std::chrono::seconds{1}, "429"}};
    delivery_worker_options o;
    o.store = f.opts;
    o.delivery.max_attempts = 3;
    o.delivery.retry_base_seconds = 1;
    o.delivery.retry_max_seconds = 1;  // the wall clock: the retry is due within 2 s
    std::vector<std::unique_ptr<channel_sender>> senders;
    senders.push_back(std::make_unique<scripted_sender>(bot::channel::teams, f.teams));
    delivery_worker w{std::move(o), std::move(senders)};

    const auto started = std::chrono::steady_clock::now();
    w.start();
    for (int i = 0; i < 1000 && w.passes() < 2; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds{5});
    }
    CHECK(f.depth().pending == 0);
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds{3});
    std::this_thread::sleep_for(std::chrono::milliseconds{200});
    CHECK(w.passes() == 2);  // the failed attempt, then the retry: nothing in between or after
    w.stop();
    const std::lock_guard lock{f.teams->m};
    CHECK(f.teams->titles ==
          std::vector<std::string>{"kari@k.no Påminnelse", "kari@k.no Påminnelse"});
}
