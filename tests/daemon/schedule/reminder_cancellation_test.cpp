#include "daemon/store/reminder_cancellation.hpp"

#include <catch2/catch.hpp>
#include <memory>
#include <mutex>

#include "bot/dialog/bot.hpp"
#include "bot/domain/oslo_time.hpp"
#include "bot/schedule/digest.hpp"
#include "daemon/delivery/delivery_worker.hpp"
#include "daemon/schedule/scheduler.hpp"
#include "daemon/store/procedure_store.hpp"
#include "daemon/store/schedule_store.hpp"
#include "tests/daemon/store/store_fixture.hpp"

namespace kv::daemon::test {
namespace {

using namespace std::chrono;

// Every channel, recording what a person would receive: "<recipient> <title>", and the
// message's text apart.
class recording_sender : public channel_sender {
  public:
    recording_sender(bot::channel ch, std::shared_ptr<std::vector<std::string>> got,
                     std::shared_ptr<std::vector<std::string>> texts)
        : ch_(ch), got_(std::move(got)), texts_(std::move(texts)) {}
    bot::channel channel() const override { return ch_; }
    delivery_outcome deliver(const outbox_item& item) override {
        got_->push_back(item.recipient_email + " " + item.body.title);
        texts_->push_back(item.body.text);
        return {};
    }

  private:
    bot::channel ch_;
    std::shared_ptr<std::vector<std::string>> got_;
    std::shared_ptr<std::vector<std::string>> texts_;
};

struct chase {
    temp_folder dir;
    store_options opts{dir.path() / "kv.db"};
    store db{opts};
    scheduler sched{[] {
        schedule_config cfg;
        cfg.org = small_org();
        return cfg;
    }()};
    std::shared_ptr<std::vector<std::string>> received =
        std::make_shared<std::vector<std::string>>();
    std::shared_ptr<std::vector<std::string>> texts = std::make_shared<std::vector<std::string>>();

    chase() { db.sync_organisation(small_org(), t0); }

    void file(int seq, sys_seconds at, std::vector<bot::measure> measures = {}) {
        auto c = new_case(2026, seq);
        c.created_at = at;
        c.measures = std::move(measures);
        bot::decision d;
        d.case_write = c;
        db.apply(d, "ola@k.no", bot::channel::console, at);
    }

    bot::deviation_case stored(int seq) {
        std::optional<bot::deviation_case> out;
        db.with_read([&](const bot::directory&, const bot::repository& repo) {
            out = repo.find_case(human_id(2026, seq));
        });
        REQUIRE(out);
        return *out;
    }

    // A leader's action on a case, through the same path as every inbound event.
    void act(const std::string& key, bot::deviation_case c, const std::string& kind,
             sys_seconds at) {
        db.handle(event(key, "kari@k.no"), at, [&](const bot::directory&, const bot::repository&) {
            bot::decision d;
            c.updated_at = at;
            d.events.push_back({c.human_id, at, "kari@k.no", bot::channel::teams, kind, ""});
            d.case_write = c;
            return d;
        });
    }

    std::vector<std::string> outbox_states(const std::string& key_start) {
        database raw{opts.path, open_mode::existing};
        statement s{raw,
                    "SELECT recipient_email || ' ' || state FROM outbox WHERE "
                    "substr(dedupe_key, 1, length(?1)) = ?1 ORDER BY recipient_email"};
        s.bind_all(key_start);
        std::vector<std::string> out;
        while (s.step()) {
            out.push_back(s.text(0));
        }
        return out;
    }

    // Delivers everything due at `at` on every channel, as the daemon's worker would.
    void deliver_all(sys_seconds at) {
        delivery_worker_options o;
        o.store = opts;
        o.now = [at] { return at; };
        std::vector<std::unique_ptr<channel_sender>> senders;
        for (const auto ch : {bot::channel::teams, bot::channel::email, bot::channel::console}) {
            senders.push_back(std::make_unique<recording_sender>(ch, received, texts));
        }
        delivery_worker worker{std::move(o), std::move(senders)};
        worker.run_once();
    }

    std::size_t received_about(const std::string& case_id) const {
        return static_cast<std::size_t>(std::count_if(
            received->begin(), received->end(),
            [&](const std::string& line) { return line.find(case_id) != std::string::npos; }));
    }
};

std::vector<std::string> subjects(const std::vector<bot::due_reminder>& rs) {
    std::vector<std::string> out;
    for (const auto& r : rs) {
        out.push_back(r.subject + " " + r.step + " " + r.recipient_email);
    }
    return out;
}

}  // namespace

TEST_CASE(
    "a case received before its reminders went out: they are cancelled, never delivered, "
    "never enqueued again",
    "[schedule]") {
    chase t;
    t.file(1, t0);
    t.file(2, t0);  // nobody acts on this one: its reminders are the control
    const auto remind_at = t.sched.config().calendar.add_working_days(t0, 2);

    const auto enqueued = t.sched.run_once(t.db, remind_at, false);
    CHECK(subjects(enqueued) == std::vector<std::string>{"AV-2026-0001 remind-1 kari@k.no",
                                                         "AV-2026-0001 remind-1 per@k.no",
                                                         "AV-2026-0002 remind-1 kari@k.no",
                                                         "AV-2026-0002 remind-1 per@k.no"});
    CHECK(t.outbox_states("deviation_followup:AV-2026-0001:") ==
          std::vector<std::string>{"kari@k.no pending", "per@k.no pending"});
    const auto pending_before = t.db.outbox_depth().pending;

    auto c = t.stored(1);
    c.state = bot::case_state::mottatt;
    t.act("receive-1", c, "received", remind_at + minutes{1});

    CHECK(t.outbox_states("deviation_followup:AV-2026-0001:") ==
          std::vector<std::string>{"kari@k.no cancelled", "per@k.no cancelled"});
    CHECK(t.db.outbox_depth().pending == pending_before - 2);

    t.deliver_all(remind_at + days{1});
    CHECK(t.received_about("AV-2026-0001") == 0);
    CHECK(t.received_about("AV-2026-0002") == 2);

    // Later rounds, as `remind --at` asks: nothing about the received case, ever.
    for (const auto later : {remind_at + days{1}, remind_at + days{7}, remind_at + days{30}}) {
        for (const auto& r : t.sched.run_once(t.db, later, false)) {
            CHECK(r.subject != "AV-2026-0001");
        }
    }
    CHECK(t.outbox_states("deviation_followup:AV-2026-0001:") ==
          std::vector<std::string>{"kari@k.no cancelled", "per@k.no cancelled"});
    CHECK(count_rows(t.opts.path, "audit WHERE action = 'reminder.cancel'") == 1);
}

TEST_CASE("closing or forwarding a new case cancels its pending chase too", "[schedule]") {
    struct row {
        const char* label;
        bot::case_state state;
        const char* unit;
        const char* event;
    };
    const auto r =
        GENERATE(values<row>({{"closed", bot::case_state::lukket, "helse", "closed"},
                              {"forwarded", bot::case_state::ny, "skole", "forwarded"}}));
    CAPTURE(r.label);
    chase t;
    t.file(1, t0);
    const auto remind_at = t.sched.config().calendar.add_working_days(t0, 2);
    t.sched.run_once(t.db, remind_at, false);

    auto c = t.stored(1);
    c.state = r.state;
    c.unit_id = r.unit;
    t.act("act-1", c, r.event, remind_at + minutes{1});

    CHECK(t.outbox_states("deviation_followup:AV-2026-0001:") ==
          std::vector<std::string>{"kari@k.no cancelled", "per@k.no cancelled"});
    t.deliver_all(remind_at + days{1});
    CHECK(t.received_about("AV-2026-0001") == 0);
}

TEST_CASE("a measure done before its overdue reminder went out: the reminder is cancelled",
          "[schedule]") {
    chase t;
    bot::measure m;
    m.number = 1;
    m.text = "Ny rutine for dobbeltkontroll";
    m.responsible_email = "ola@k.no";
    m.due_date = "2026-09-25";
    t.file(1, t0, {m});
    auto c = t.stored(1);
    c.state = bot::case_state::under_behandling;  // received: only the measure is chased
    t.act("receive-1", c, "received", t0 + minutes{1});

    const sys_seconds overdue = bot::work_calendar::at_local(2026y / 9 / 26, seconds{0});
    const auto enqueued = t.sched.run_once(t.db, overdue, false);
    CHECK(subjects(enqueued) == std::vector<std::string>{"AV-2026-0001/1 overdue-1 ola@k.no"});

    c = t.stored(1);
    c.measures.at(0).state = bot::measure_state::done;
    c.measures.at(0).done_at = overdue + hours{1};
    t.act("done-1", c, "measure_done", overdue + hours{1});

    CHECK(t.outbox_states("measure:AV-2026-0001/1:") ==
          std::vector<std::string>{"ola@k.no cancelled"});
    t.deliver_all(overdue + days{10});
    CHECK(t.received_about("AV-2026-0001") == 0);
    CHECK(t.sched.run_once(t.db, overdue + days{10}, false).empty());
}

TEST_CASE(
    "a cancelled reminder the worker already held is not retried, and counts as neither "
    "pending nor failed",
    "[schedule]") {
    chase t;
    t.file(1, t0);
    const auto remind_at = t.sched.config().calendar.add_working_days(t0, 2);
    t.sched.run_once(t.db, remind_at, false);
    const auto held = t.db.due_outbox(remind_at + days{1}, bot::channel::teams, "kari@k.no", 10);
    REQUIRE(held.size() == 1);

    auto c = t.stored(1);
    c.state = bot::case_state::mottatt;
    t.act("receive-1", c, "received", remind_at + minutes{1});
    const auto depth = t.db.outbox_depth();
    CHECK(depth.pending == 0);
    CHECK(depth.failed == 0);

    // The send it was held for failed: a retry would resurrect it, and must not.
    t.db.mark_attempt_failed(held[0].id, "timeout", remind_at + minutes{5}, false);
    t.db.reroute_outbox(held[0].id, bot::channel::email, "not installed", remind_at + minutes{6});
    CHECK(t.outbox_states("deviation_followup:AV-2026-0001:") ==
          std::vector<std::string>{"kari@k.no cancelled", "per@k.no cancelled"});
    CHECK(t.db.outbox_depth().pending == 0);
}

namespace {

bot::procedure hand_hygiene(year_month_day reviewed) {
    bot::procedure p;
    p.id = "A-1";
    p.title = "Håndhygiene";
    p.area = "Helse";
    p.subgroup = "Prosedyrer";
    p.unit_id = "helse";
    p.owner_email = "kari@k.no";
    p.revision_owner_email = "ola@k.no";
    p.version = "1.0";
    p.last_reviewed = reviewed;
    p.interval_months = 12;
    p.url = "https://k.no/A-1";
    return p;
}

// A button pressed by `who`, decided by the real bot and committed like any inbound event.
void press(chase& t, const std::string& key, const std::string& who, const std::string& verb,
           std::map<std::string, std::string> data, sys_seconds at) {
    static const bot::bot brain{bot::bot_settings{}};
    bot::inbound_event ev;
    ev.sender_email = who;
    ev.via = bot::channel::teams;
    ev.dedupe_key = key;
    ev.action_verb = verb;
    ev.action_data = std::move(data);
    const auto result =
        t.db.handle(ev, at, [&](const bot::directory& dir, const bot::repository& repo) {
            return brain.decide(ev, dir, repo, at);
        });
    REQUIRE_FALSE(result.duplicate);
}

}  // namespace

TEST_CASE("a procedure reviewed before its overdue reminders went out: they are cancelled",
          "[schedule]") {
    chase t;
    import_procedures(t.db, {hand_hygiene(2025y / September / 1)}, t0);  // due 2026-09-01
    const auto enqueued = t.sched.run_once(t.db, t0, false);
    REQUIRE_FALSE(enqueued.empty());
    CHECK(enqueued.front().subject == "A-1");
    const auto before = t.outbox_states("procedure_review:A-1:");
    REQUIRE_FALSE(before.empty());

    press(t, "keep-1", "ola@k.no", "review.keep", {{"procedure", "A-1"}}, t0 + minutes{5});

    CHECK(t.outbox_states("procedure_review:A-1:").size() == before.size());
    for (const auto& row : t.outbox_states("procedure_review:A-1:")) {
        CAPTURE(row);
        CHECK(row.ends_with(" cancelled"));
    }
    t.deliver_all(t0 + days{3});
    CHECK(t.received_about("A-1") == 0);
    // The next round is a year away: nothing about A-1 for a month.
    for (const auto& r : t.sched.run_once(t.db, t0 + days{30}, false)) {
        CHECK(r.subject != "A-1");
    }
}

TEST_CASE("confirming the last unread procedure cancels that person's unread-reminder only",
          "[schedule]") {
    chase t;
    import_procedures(t.db, {hand_hygiene(2026y / September / 1)}, t0);
    press(t, "new-1", "ola@k.no", "review.new_version",
          {{"procedure", "A-1"}, {"version", "2.0"}, {"url", "-"}, {"note", "Ny"}}, t0);
    press(t, "approve-1", "kari@k.no", "approval.approve", {{"approval", "1"}}, t0 + minutes{1});
    REQUIRE(count_rows(t.opts.path, "reading_list WHERE version = '2.0'") == 3);

    // A week and more later nobody has read it: each person is reminded once.
    const auto later = t0 + days{9};
    t.sched.run_once(t.db, later, false);
    const std::string unread_rows =
        "SELECT recipient_email || ' ' || state FROM outbox WHERE dedupe_key LIKE "
        "'reading:leseliste:%:unread-%' ORDER BY recipient_email";
    auto rows = [&](const std::string& sql) {
        database raw{t.opts.path, open_mode::existing};
        statement s{raw, sql};
        std::vector<std::string> out;
        while (s.step()) {
            out.push_back(s.text(0));
        }
        return out;
    };
    CHECK(rows(unread_rows) ==
          std::vector<std::string>{"kari@k.no pending", "ola@k.no pending", "per@k.no pending"});
    const auto lists_before = rows(
        "SELECT recipient_email || ' ' || state FROM outbox WHERE dedupe_key LIKE "
        "'reading:leseliste:%:T-0:%' ORDER BY recipient_email");

    press(t, "read-1", "ola@k.no", "reading.confirm", {{"procedure", "A-1"}, {"version", "2.0"}},
          later + minutes{1});

    CHECK(rows(unread_rows) ==
          std::vector<std::string>{"kari@k.no pending", "ola@k.no cancelled", "per@k.no pending"});
    CHECK(rows("SELECT recipient_email || ' ' || state FROM outbox WHERE dedupe_key LIKE "
               "'reading:leseliste:%:T-0:%' ORDER BY recipient_email") == lists_before);
}

namespace {

bot::measure routine_measure() {
    bot::measure m;
    m.number = 1;
    m.text = "Ny rutine for dobbeltkontroll";
    m.responsible_email = "ola@k.no";
    m.due_date = "2026-09-25";
    return m;
}

std::int64_t cancellations(const chase& t) {
    return count_rows(t.opts.path, "audit WHERE action = 'reminder.cancel'");
}

const std::string first_case = "AV-2026-0001";

}  // namespace

TEST_CASE(
    "adding information or assessing again cancels nothing; receiving the case and marking the "
    "measure done each cancel what they settle",
    "[schedule]") {
    chase t;
    t.file(1, t0, {routine_measure()});
    const auto remind_at = t.sched.config().calendar.add_working_days(t0, 2);
    t.sched.run_once(t.db, remind_at, false);
    const std::vector<std::string> chased{"kari@k.no pending", "per@k.no pending"};
    REQUIRE(t.outbox_states("deviation_followup:AV-2026-0001:") == chased);

    press(t, "info-1", "ola@k.no", "case.add_info",
          {{"case", first_case}, {"info", "Skjedde på kveldsvakt"}}, remind_at + minutes{1});
    CHECK(t.stored(1).state == bot::case_state::ny);
    CHECK(t.outbox_states("deviation_followup:AV-2026-0001:") == chased);
    CHECK(cancellations(t) == 0);

    press(t, "receive-1", "kari@k.no", "case.receive", {{"case", first_case}},
          remind_at + minutes{2});
    CHECK(t.outbox_states("deviation_followup:AV-2026-0001:") ==
          std::vector<std::string>{"kari@k.no cancelled", "per@k.no cancelled"});
    CHECK(cancellations(t) == 1);

    const sys_seconds overdue = bot::work_calendar::at_local(2026y / 9 / 26, seconds{0});
    t.sched.run_once(t.db, overdue, false);
    REQUIRE(t.outbox_states("measure:AV-2026-0001/1:") ==
            std::vector<std::string>{"ola@k.no pending"});

    struct row {
        const char* key;
        const char* who;
        const char* verb;
        std::map<std::string, std::string> data;
    };
    const std::vector<row> no_transitions{
        {"info-2", "ola@k.no", "case.add_info", {{"info", "Pasienten er informert"}}},
        {"assess-1", "kari@k.no", "case.assess", {{"probability", "2"}, {"consequence", "2"}}},
        {"assess-2", "kari@k.no", "case.assess", {{"probability", "3"}, {"consequence", "2"}}},
        {"info-3", "kari@k.no", "case.add_info", {{"info", "Rutinen er under revisjon"}}},
    };
    auto at = overdue + minutes{1};
    for (auto r : no_transitions) {
        CAPTURE(r.key);
        r.data["case"] = first_case;
        const auto history = count_rows(t.opts.path, "case_events");
        press(t, r.key, r.who, r.verb, r.data, at += minutes{1});
        CHECK(count_rows(t.opts.path, "case_events") == history + 1);  // it was carried out
        CHECK(t.outbox_states("measure:AV-2026-0001/1:") ==
              std::vector<std::string>{"ola@k.no pending"});
        CHECK(cancellations(t) == 1);
    }

    press(t, "done-1", "ola@k.no", "case.measure_done", {{"case", first_case}, {"measure", "1"}},
          at + minutes{1});
    CHECK(t.outbox_states("measure:AV-2026-0001/1:") ==
          std::vector<std::string>{"ola@k.no cancelled"});
    CHECK(cancellations(t) == 2);
    t.deliver_all(overdue + days{10});
    CHECK(t.outbox_states("measure:AV-2026-0001/1:") ==
          std::vector<std::string>{"ola@k.no cancelled"});
}

TEST_CASE("each first action on a new case stops its chase, through the real bot", "[schedule]") {
    struct row {
        const char* label;
        const char* verb;
        std::map<std::string, std::string> data;
        bot::case_state after;
    };
    const auto r = GENERATE(values<row>({
        {"received", "case.receive", {}, bot::case_state::mottatt},
        {"assessed",
         "case.assess",
         {{"probability", "2"}, {"consequence", "3"}},
         bot::case_state::under_behandling},
        {"measure added",
         "case.add_measure",
         {{"text", "Opplæring"}, {"responsible", "ola@k.no"}, {"due", "2026-10-30"}},
         bot::case_state::under_behandling},
        {"forwarded",
         "case.forward",
         {{"unit", "skole"}, {"reason", "Feil enhet"}},
         bot::case_state::ny},
    }));
    CAPTURE(r.label);
    chase t;
    t.file(1, t0);
    t.file(2, t0);  // the control: nobody acts on it
    const auto remind_at = t.sched.config().calendar.add_working_days(t0, 2);
    t.sched.run_once(t.db, remind_at, false);

    auto data = r.data;
    data["case"] = first_case;
    press(t, "act-1", "kari@k.no", r.verb, data, remind_at + minutes{1});
    CHECK(t.stored(1).state == r.after);

    CHECK(t.outbox_states("deviation_followup:AV-2026-0001:") ==
          std::vector<std::string>{"kari@k.no cancelled", "per@k.no cancelled"});
    CHECK(t.outbox_states("deviation_followup:AV-2026-0002:") ==
          std::vector<std::string>{"kari@k.no pending", "per@k.no pending"});
    CHECK(cancellations(t) == 1);
}

TEST_CASE("deciding an approval cancels its pending reminders in the same commit", "[schedule]") {
    struct row {
        const char* label;
        const char* verb;
        std::map<std::string, std::string> data;
        const char* state;
    };
    const auto r = GENERATE(values<row>({
        {"approved", "approval.approve", {}, "approved"},
        {"rejected", "approval.reject", {{"comment", "Mangler kildehenvisning"}}, "rejected"},
    }));
    CAPTURE(r.label);
    chase t;
    auto other = hand_hygiene(2026y / September / 1);
    other.id = "B-1";
    import_procedures(t.db, {hand_hygiene(2026y / September / 1), other}, t0);
    for (const char* id : {"A-1", "B-1"}) {
        press(t, std::string{"new-"} + id, "ola@k.no", "review.new_version",
              {{"procedure", id}, {"version", "2.0"}, {"url", "-"}, {"note", "Ny"}}, t0);
    }
    REQUIRE(count_rows(t.opts.path, "approvals WHERE state = 'pending'") == 2);
    // A week on, neither is decided: the scheduler reminds the approver of each.
    const auto waiting = t0 + days{7};
    t.sched.run_once(t.db, waiting, false);
    const auto reminded = [&](const char* id) {
        return t.outbox_states(std::string{"approval:"} + id + "::");
    };
    REQUIRE(reminded("1") == std::vector<std::string>{"kari@k.no pending"});
    REQUIRE(reminded("2") == std::vector<std::string>{"kari@k.no pending"});

    auto data = r.data;
    data["approval"] = "1";
    press(t, "decide-1", "kari@k.no", r.verb, data, waiting + minutes{1});
    CHECK(count_rows(t.opts.path,
                     std::string{"approvals WHERE id = 1 AND state = '"} + r.state + "'") == 1);

    CHECK(reminded("1") == std::vector<std::string>{"kari@k.no cancelled"});
    CHECK(reminded("2") == std::vector<std::string>{"kari@k.no pending"});
    // The decision itself still reaches the one who asked.
    CHECK(t.outbox_states("approval:1:decided") == std::vector<std::string>{"ola@k.no pending"});
    CHECK(count_rows(t.opts.path,
                     "audit WHERE action = 'reminder.cancel' AND target = 'approval:1'") == 1);
    // A week later only the approval still waiting is reminded again.
    t.sched.run_once(t.db, waiting + days{7}, false);
    CHECK(reminded("1") == std::vector<std::string>{"kari@k.no cancelled"});
    CHECK(reminded("2") == std::vector<std::string>{"kari@k.no pending", "kari@k.no pending"});
}

TEST_CASE(
    "an import that records a review made elsewhere cancels the old round's pending review "
    "reminders",
    "[schedule]") {
    chase t;
    import_procedures(t.db, {hand_hygiene(2025y / September / 1)}, t0);  // due 2026-09-01
    t.sched.run_once(t.db, t0, false);
    const auto before = t.outbox_states("procedure_review:A-1:");
    REQUIRE_FALSE(before.empty());

    const auto same = import_procedures(t.db, {hand_hygiene(2025y / September / 1)}, t0 + hours{1});
    CHECK(same.reminders_cancelled == 0);
    CHECK(t.outbox_states("procedure_review:A-1:") == before);

    const auto reviewed =
        import_procedures(t.db, {hand_hygiene(2026y / September / 15)}, t0 + hours{2});
    CHECK(reviewed.changed == std::vector<std::string>{"A-1"});
    CHECK(reviewed.reminders_cancelled == before.size());
    for (const auto& row : t.outbox_states("procedure_review:A-1:")) {
        CAPTURE(row);
        CHECK(row.ends_with(" cancelled"));
    }
    CHECK(count_rows(t.opts.path,
                     "audit WHERE action = 'reminder.cancel' AND target = 'A-1' AND "
                     "via = 'system'") == 1);
    t.deliver_all(t0 + days{3});
    CHECK(t.received_about("A-1") == 0);
}

TEST_CASE(
    "a reminder cancelled after its digest was enqueued is left out of it; a digest with nothing "
    "left is not sent",
    "[schedule]") {
    struct row {
        const char* label;
        std::vector<int> received;
        std::vector<std::string> digest_texts;  // what kari's delivered digests say
    };
    const auto r = GENERATE(values<row>({
        {"one of two cases received", {1}, {"Oppfølging av avvik\n• "}},
        {"both received", {1, 2}, {}},
    }));
    CAPTURE(r.label);
    chase t;
    bot::decision choose;
    choose.daily_digest = true;
    t.db.apply(choose, "kari@k.no", bot::channel::teams, t0);
    t.file(1, t0);
    t.file(2, t0);
    const auto& cal = t.sched.config().calendar;
    const auto remind_at = cal.add_working_days(t0, 2);
    // The first reminders fall due at the start of a working day: kari's go in that day's digest.
    REQUIRE(bot::digest_day(remind_at, cal) == bot::to_oslo(remind_at).date);
    t.sched.run_once(t.db, remind_at, false);
    REQUIRE(t.outbox_states("digest:") == std::vector<std::string>{"kari@k.no pending"});
    REQUIRE(t.outbox_states("deviation_followup:") ==
            std::vector<std::string>{"per@k.no pending", "per@k.no pending"});

    auto at = remind_at;
    for (const int seq : r.received) {
        press(t, "receive-" + std::to_string(seq), "kari@k.no", "case.receive",
              {{"case", human_id(2026, seq)}}, at += minutes{1});
    }
    CHECK(t.outbox_states("digest:") == std::vector<std::string>{r.digest_texts.empty()
                                                                     ? "kari@k.no cancelled"
                                                                     : "kari@k.no pending"});

    t.deliver_all(remind_at + hours{2});
    std::vector<std::string> digests;
    for (std::size_t i = 0; i < t.received->size(); ++i) {
        if (t.received->at(i).starts_with("kari@k.no Daglig sammendrag")) {
            digests.push_back(t.texts->at(i));
        }
    }
    REQUIRE(digests.size() == r.digest_texts.size());
    if (!digests.empty()) {
        CHECK(digests[0].starts_with(r.digest_texts[0]));
        CHECK(digests[0].find("AV-2026-0001") == std::string::npos);
        CHECK(digests[0].find("AV-2026-0002") != std::string::npos);
    }
    // The deputy's own reminder of a received case is cancelled as before.
    CHECK(t.outbox_states("deviation_followup:AV-2026-0001:") ==
          std::vector<std::string>{"per@k.no cancelled"});
}

}  // namespace kv::daemon::test
