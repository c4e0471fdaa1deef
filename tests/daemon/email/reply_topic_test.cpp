// What a reply is about, read back from the threads the real email sender recorded when it sent
// the mail (into the .eml folder), on a real SQLite store.

#include "daemon/email/reply_topic.hpp"

#include <catch2/catch.hpp>
#include <set>

#include "daemon/delivery/delivery_worker.hpp"
#include "daemon/delivery/email_sender.hpp"
#include "tests/daemon/store/store_fixture.hpp"

namespace {

using namespace kv::daemon;
using namespace kv::daemon::test;
using kind = reply_topic::kind;

kv::bot::message mail_about(std::string subject_key, std::vector<kv::bot::action> actions) {
    kv::bot::message m;
    m.title = "Melding";
    m.text = "Tekst.";
    m.subject_key = std::move(subject_key);
    m.actions = std::move(actions);
    return m;
}

struct sent_world {
    temp_folder tmp;
    settings cfg = [this] {
        settings c;
        c.store.database = tmp.path() / "kv.db";
        c.email.from_address = "kvalitetsvakt@eksempel.kommune.no";
        c.email.outbox_dir = tmp.path() / "outbox";
        return c;
    }();
    store db{{cfg.store.database}};

    sent_world() { db.sync_organisation(small_org(), t0); }

    // Sends `m` to per@k.no (who reads email) and returns the thread the sender recorded for it.
    email_thread send(const kv::bot::message& m, const std::string& key) {
        kv::bot::decision d;
        d.notifications.push_back({"per@k.no", m, false, key});
        db.apply(d, "", kv::bot::channel::console, t0);
        delivery_worker_options o;
        o.store = {cfg.store.database};
        o.now = [] { return t0 + std::chrono::seconds{5}; };
        std::vector<std::unique_ptr<channel_sender>> senders;
        senders.push_back(make_email_sender(cfg));
        delivery_worker worker{std::move(o), std::move(senders)};
        REQUIRE(worker.run_once().delivered == 1);
        statement st{db.db(), "SELECT message_id FROM email_threads"};
        std::optional<email_thread> thread;
        while (st.step()) {
            if (seen_.insert(st.text(0)).second) {
                thread = find_email_thread_by_message_id(db.db(), st.text(0));
            }
        }
        REQUIRE(thread);
        return *thread;
    }

  private:
    std::set<std::string> seen_;  // the message ids of the mail sent before
};

}  // namespace

TEST_CASE("a reply's topic is what the mail it answers was about", "[email]") {
    sent_world w;
    const std::map<std::string, std::string> procedure{{"procedure", "HO-PR-012"}};

    const auto on_case = topic_of(
        w.db.db(), w.send(mail_about("AV-2026-0001",
                                     {{"case.receive", "Motta", {{"case", "AV-2026-0001"}}, {}}}),
                          "case"));
    CHECK(on_case.what == kind::deviation_case);
    CHECK(on_case.id == "AV-2026-0001");

    const auto on_approval = topic_of(
        w.db.db(), w.send(mail_about("approval:7",
                                     {{"approval.approve", "Godkjenn", {{"approval", "7"}}, {}}}),
                          "approval"));
    CHECK(on_approval.what == kind::approval);
    CHECK(on_approval.id == "7");

    const auto on_review = topic_of(
        w.db.db(),
        w.send(mail_about("procedure:HO-PR-012", {{"review.keep", "Ingen endring", procedure, {}}}),
               "review"));
    CHECK(on_review.what == kind::procedure_review);
    CHECK(on_review.id == "HO-PR-012");

    const auto on_reading = topic_of(
        w.db.db(), w.send(mail_about("", {{"reading.confirm",
                                           "Lest: HO-PR-011",
                                           {{"procedure", "HO-PR-011"}, {"version", "5.0"}},
                                           {}},
                                          {"reading.confirm",
                                           "Lest: FA-PR-002",
                                           {{"procedure", "FA-PR-002"}, {"version", "3.2"}},
                                           {}}}),
                          "reading"));
    CHECK(on_reading.what == kind::reading_list);
    REQUIRE(on_reading.readings.size() == 2);
    CHECK(on_reading.readings[0].procedure == "HO-PR-011");
    CHECK(on_reading.readings[0].version == "5.0");
    CHECK(on_reading.readings[1].procedure == "FA-PR-002");
    CHECK(on_reading.readings[1].version == "3.2");

    const auto on_wheel =
        topic_of(w.db.db(), w.send(mail_about("wheel:vernerunde:2026-11-02", {}), "wheel"));
    CHECK(on_wheel.what == kind::unsupported);

    const auto on_plain = topic_of(w.db.db(), w.send(mail_about("", {}), "plain"));
    CHECK(on_plain.what == kind::unsupported);
}

TEST_CASE("a thread whose outbox row is gone or unreadable is about nothing a reply can act on",
          "[email]") {
    sent_world w;
    for (const char* key : {"outbox:999", "outbox:", "outbox:12x", "wheel:x:2026-01-01", ""}) {
        CAPTURE(key);
        CHECK(topic_of(w.db.db(), {"tok", "per@k.no", key, "m@k.no", t0}).what ==
              kind::unsupported);
    }
}
