#include "daemon/calendar/feed_routes.hpp"

#include <stdlib.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "bot/domain/oslo_time.hpp"
#include "daemon/calendar/feed_command.hpp"
#include "daemon/calendar/feed_store.hpp"
#include "daemon/calendar/feed_token.hpp"
#include "daemon/calendar/occurrence_link.hpp"
#include "daemon/store/procedure_store.hpp"
#include "tests/daemon/calendar/ical_reader.hpp"

using namespace kv::daemon;
using namespace kv::daemon::test;
using namespace std::chrono;

namespace {

const std::string per = "per.hansen@eksempel.kommune.no";  // ku-helse member, ku-solbakken chair
const std::string kari = "kari.nordmann@eksempel.kommune.no";  // on no committee

// The demo organisation and wheel on a store in a fresh folder, served by the calendar routes.
class calendar_fixture {
  public:
    explicit calendar_fixture(const std::string& secret = "a-link-secret-of-at-least-32-characters")
        : dir_(make_dir()) {
        std::ofstream cfg(dir_ / "kv.toml");
        cfg << "[general]\norganisation = \"" KV_SOURCE_DIR "/config/organisation.toml\"\n"
            << "log_level = \"error\"\n[store]\ndatabase = \"" << (dir_ / "kv.db").string()
            << "\"\n[schedule]\nannual_wheel = \"" KV_SOURCE_DIR "/config/annual-wheel.toml\"\n"
            << "[email]\noutbox_dir = \"" << (dir_ / "outbox").string() << "\"\n"
            << "public_base_url = \"https://kv.eksempel.kommune.no\"\n";
        if (!secret.empty()) {
            cfg << "link_secret = \"" << secret << "\"\n";
        }
        cfg.close();
        std::ostringstream err;
        int code = 0;
        auto opened = open_app(dir_ / "kv.toml", err, code);
        if (!opened) {
            throw std::runtime_error("open_app: " + err.str());
        }
        a_ = std::make_unique<app>(std::move(*opened));
        auto sc = load_schedule_config(a_->cfg, a_->org, err);
        if (!sc) {
            throw std::runtime_error("wheel: " + err.str());
        }
        sched_ = std::make_unique<scheduler>(std::move(*sc));
        std::vector<route> table;
        append_calendar_routes(table, *a_, *sched_);
        routes_ = std::make_unique<router>(std::move(table));
    }
    ~calendar_fixture() {
        routes_.reset();
        a_.reset();
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }

    http_response get(const std::string& path) const {
        http_request r;
        r.method = "GET";
        r.target = path;
        r.path = path;
        return routes_->handle(r);
    }

    // What `kalender` (or `kalender ny`) answers `email`; the path of the URL in it.
    std::string ask(const std::string& email, const std::string& text) {
        kv::bot::inbound_event ev;
        ev.sender_email = email;
        ev.text = text;
        const auto reply = answer_calendar_command(*a_, ev, now_seconds());
        REQUIRE(reply);
        std::smatch m;
        const std::regex url{"https://kv\\.eksempel\\.kommune\\.no(/calendar/[^ \\n]+\\.ics)"};
        REQUIRE(std::regex_search(reply->text, m, url));
        return m[1];
    }

    app& the_app() { return *a_; }

  private:
    static std::filesystem::path make_dir() {
        std::string pattern = "/tmp/kv-calendar-XXXXXX";
        if (mkdtemp(pattern.data()) == nullptr) {
            throw std::runtime_error("mkdtemp failed");
        }
        return pattern;
    }

    std::filesystem::path dir_;
    std::unique_ptr<app> a_;
    std::unique_ptr<scheduler> sched_;
    std::unique_ptr<router> routes_;
};

std::vector<std::string> uids(const http_response& r) {
    const auto cal = parse_calendar(r.body);
    std::vector<std::string> out;
    for (auto* e : events_of(cal.get())) {
        out.push_back(text_of(e, ICAL_UID_PROPERTY));
    }
    return out;
}

bool any_starts_with(const std::vector<std::string>& list, const std::string& prefix) {
    return std::any_of(list.begin(), list.end(),
                       [&](const std::string& s) { return s.starts_with(prefix); });
}

}  // namespace

TEST_CASE("a person's feed holds the wheel of their committees, each event complete",
          "[calendar]") {
    calendar_fixture f;
    const auto path = f.ask(per, "kalender");
    const auto r = f.get(path);
    REQUIRE(r.status == 200);
    CHECK(r.content_type == "text/calendar; charset=utf-8");
    const auto cal = parse_calendar(r.body);
    REQUIRE(cal);
    CHECK(parse_errors(cal.get()) == 0);
    const auto events = events_of(cal.get());
    REQUIRE(events.size() >= 6);
    for (auto* e : events) {
        const auto uid = text_of(e, ICAL_UID_PROPERTY);
        CAPTURE(uid);
        CHECK(!uid.empty());
        CHECK(has(e, ICAL_DTSTART_PROPERTY));
        CHECK(!text_of(e, ICAL_SUMMARY_PROPERTY).empty());
    }
    const auto ids = uids(r);
    CHECK(any_starts_with(ids, "wheel-ku-helse-mote-"));
    CHECK(any_starts_with(ids, "wheel-ku-solbakken-mote-"));
    CHECK_FALSE(any_starts_with(ids, "wheel-ku-oppvekst-"));
    CHECK_FALSE(any_starts_with(ids, "wheel-ku-kommune-"));
}

TEST_CASE("the same link gives the same UIDs, so a client updates instead of duplicating",
          "[calendar]") {
    calendar_fixture f;
    const auto path = f.ask(per, "kalender");
    CHECK(f.ask(per, "kalender") == path);
    CHECK(uids(f.get(path)) == uids(f.get(path)));
}

TEST_CASE("a revision owner's feed shows the review due as an all-day event", "[calendar]") {
    calendar_fixture f;
    kv::bot::procedure p;
    p.id = "HO-PR-011";
    p.title = "Legemiddelhåndtering";
    p.unit_id = "solbakken";
    p.owner_email = per;
    p.revision_owner_email = kari;
    p.version = "3";
    p.last_reviewed = year_month_day{floor<days>(now_seconds())} - months{1};
    p.interval_months = 12;
    const auto report = import_procedures(*f.the_app().db, {p}, now_seconds());
    REQUIRE(report.added.size() == 1);
    const auto r = f.get(f.ask(kari, "kalender"));
    REQUIRE(r.status == 200);
    const auto cal = parse_calendar(r.body);
    const auto events = events_of(cal.get());
    REQUIRE(events.size() == 1);  // kari sits on no committee
    CHECK(text_of(events[0], ICAL_SUMMARY_PROPERTY) ==
          "Gjennomgang av prosedyre HO-PR-011 Legemiddelhåndtering");
    const auto start = icalcomponent_get_dtstart(events[0]);
    CHECK(start.is_date == 1);
    const year_month_day due = kv::bot::review_due(p);
    CHECK(start.year == static_cast<int>(due.year()));
    CHECK(start.month == static_cast<int>(static_cast<unsigned>(due.month())));
}

TEST_CASE("kalender ny makes a new link and the old one answers 404", "[calendar]") {
    calendar_fixture f;
    const auto old_path = f.ask(per, "kalender");
    REQUIRE(f.get(old_path).status == 200);
    const auto new_path = f.ask(per, "Kalender ny");
    CHECK(new_path != old_path);
    CHECK(f.get(old_path).status == 404);
    CHECK(f.get(new_path).status == 200);
    CHECK(f.ask(per, "kalender") == new_path);
}

TEST_CASE("unknown, malformed and tampered tokens get a bare 404", "[calendar]") {
    calendar_fixture f;
    const auto good = f.ask(per, "kalender");
    std::string tampered = good;
    tampered[tampered.size() - 5] = tampered[tampered.size() - 5] == 'A' ? 'B' : 'A';
    const auto path = GENERATE_COPY(values<std::string>({
        "/calendar/1-AAAAAAAAAAAAAAAAAAAAAA.ics",
        "/calendar/999-AAAAAAAAAAAAAAAAAAAAAA.ics",
        "/calendar/hello.ics",
        tampered,
    }));
    CAPTURE(path);
    const auto r = f.get(path);
    CHECK(r.status == 404);
    CHECK(r.body == "Ikke funnet\n");
}

TEST_CASE("the event link serves the one occurrence of the feed", "[calendar]") {
    calendar_fixture f;
    const auto path = f.ask(per, "kalender");
    const auto all = uids(f.get(path));
    REQUIRE(!all.empty());
    // "wheel-<item>-<YYYYMMDD>@kvalitetsvakt" -> "/calendar/event/<token>.<item>.<YYYYMMDD>.ics"
    const std::string uid = all.front();
    const std::string item = uid.substr(6, uid.size() - 6 - 9 - 14);
    const std::string date = uid.substr(uid.size() - 8 - 14, 8);
    const std::string token = path.substr(10, path.size() - 10 - 4);
    const auto r = f.get("/calendar/event/" + token + "." + item + "." + date + ".ics");
    REQUIRE(r.status == 200);
    CHECK(uids(r) == std::vector<std::string>{uid});
    CHECK(f.get("/calendar/event/" + token + "." + item + ".19990101.ics").status == 404);
    CHECK(f.get("/calendar/event/" + token + ".ku-oppvekst-mote." + date + ".ics").status == 404);
}

TEST_CASE("a committee feed holds that committee's wheel only", "[calendar]") {
    calendar_fixture f;
    auto& a = f.the_app();
    const auto row =
        ensure_calendar_feed(a.db->db(), committee_feed_id("ku-helse"), {}, now_seconds());
    const feed_token_signer signer(a.cfg.email.link_secret);
    const auto r =
        f.get("/calendar/" + signer.token(row.key, row.feed_id, row.generation) + ".ics");
    REQUIRE(r.status == 200);
    const auto ids = uids(r);
    REQUIRE(!ids.empty());
    for (const auto& id : ids) {
        CAPTURE(id);
        CHECK(id.starts_with("wheel-ku-helse-"));
    }
}

TEST_CASE("other text is left to the bot", "[calendar]") {
    calendar_fixture f;
    const auto text = GENERATE(values<std::string>(
        {"hjelp", "kalenderen min", "frister", "", "kalender ku-helse ekstra", "kalender a b c"}));
    CAPTURE(text);
    kv::bot::inbound_event ev;
    ev.sender_email = per;
    ev.text = text;
    CHECK_FALSE(answer_calendar_command(f.the_app(), ev, now_seconds()));
}

TEST_CASE("without a link secret the command says so and feeds are 404", "[calendar]") {
    calendar_fixture f("");
    kv::bot::inbound_event ev;
    ev.sender_email = per;
    ev.text = "kalender";
    const auto reply = answer_calendar_command(f.the_app(), ev, now_seconds());
    REQUIRE(reply);
    CHECK(reply->text == "Kalenderlenker er ikke slått på i denne installasjonen.");
    CHECK(f.get("/calendar/1-AAAAAAAAAAAAAAAAAAAAAA.ics").status == 404);
}

TEST_CASE("a wheel reminder's calendar link serves that occurrence from the person's own feed",
          "[calendar]") {
    calendar_fixture f;
    auto& a = f.the_app();
    const occurrence_links links(a.cfg.email.link_secret, a.cfg.email.public_base_url);
    // Per has no feed yet: the link issues it.
    const auto feed_uids = [&] {
        const auto row = ensure_calendar_feed(a.db->db(), person_feed_id(per), {}, now_seconds());
        const feed_token_signer signer(a.cfg.email.link_secret);
        return uids(
            f.get("/calendar/" + signer.token(row.key, row.feed_id, row.generation) + ".ics"));
    };
    kv::bot::message m;
    m.subject_key = "wheel:ku-helse-mote:2099-01-01";
    const auto first = links.for_message(a.db->db(), m, per, now_seconds());
    REQUIRE(first.starts_with("https://kv.eksempel.kommune.no/calendar/event/"));
    CHECK(f.get(first.substr(first.find("/calendar/"))).status == 404);  // no meeting that day

    // A link in an old reminder keeps working after the meeting has left the feed's window.
    m.subject_key = "wheel:ku-helse-mote:2026-03-03";
    const auto old = links.for_message(a.db->db(), m, per, now_seconds());
    const auto past = f.get(old.substr(old.find("/calendar/")));
    REQUIRE(past.status == 200);
    CHECK(uids(past) == std::vector<std::string>{"wheel-ku-helse-mote-20260303@kvalitetsvakt"});

    std::string uid;
    for (const auto& u : feed_uids()) {
        if (u.starts_with("wheel-ku-helse-mote-")) {
            uid = u;
            break;
        }
    }
    REQUIRE(!uid.empty());
    const std::string d = uid.substr(uid.size() - 22, 8);
    m.subject_key =
        "wheel:ku-helse-mote:" + d.substr(0, 4) + "-" + d.substr(4, 2) + "-" + d.substr(6, 2);
    const auto url = links.for_message(a.db->db(), m, per, now_seconds());
    const auto r = f.get(url.substr(url.find("/calendar/")));
    REQUIRE(r.status == 200);
    CHECK(uids(r) == std::vector<std::string>{uid});

    m.subject_key = "AV-2026-0001";
    CHECK(links.for_message(a.db->db(), m, per, now_seconds()).empty());
}

TEST_CASE("a leader's feed shows when a new case in their unit must be received", "[calendar]") {
    calendar_fixture f;
    auto& a = f.the_app();
    // Kari files a case at Solbakken, where Per is the leader, through the bot and the store,
    // pressing the first button of the last answer as the console's "1" does.
    int n = 0;
    std::vector<kv::bot::message> replies;
    for (const std::string line :
         {"avvik: Beboer skled på badet i går kl 08:00, glatt gulv ved døra", "ingen", "1"}) {
        kv::bot::inbound_event ev;
        ev.sender_email = kari;
        ev.via = kv::bot::channel::console;
        ev.conversation = "test";
        ev.dedupe_key = "calendar-test:" + std::to_string(++n);
        if (line == "1") {
            REQUIRE(!replies.empty());
            REQUIRE(!replies.back().actions.empty());
            ev.action_verb = replies.back().actions.front().verb;
            ev.action_data = replies.back().actions.front().data;
        } else {
            ev.text = line;
        }
        const auto now = now_seconds();
        replies = a.db->handle(ev, now,
                               [&](const kv::bot::directory& d, const kv::bot::repository& r) {
                                   return a.brain.decide(ev, d, r, now);
                               })
                      .decision.replies;
    }
    const std::string id =
        "AV-" + std::to_string(static_cast<int>(kv::bot::to_oslo(now_seconds()).date.year())) +
        "-0001";
    const auto ids = uids(f.get(f.ask(per, "kalender")));
    CHECK(std::find(ids.begin(), ids.end(), "receive-" + id + "@kvalitetsvakt") != ids.end());
    CHECK_FALSE(any_starts_with(uids(f.get(f.ask(kari, "kalender"))), "receive-"));
}

TEST_CASE("a committee member gets the committee's feed; only its chair or facilitator rotates it",
          "[calendar]") {
    calendar_fixture f;
    // Per is a member of ku-helse (Astrid Lunde facilitates), and on no ku-oppvekst.
    const auto path = f.ask(per, "kalender ku-helse");
    const auto ids = uids(f.get(path));
    REQUIRE(!ids.empty());
    for (const auto& id : ids) {
        CAPTURE(id);
        CHECK(id.starts_with("wheel-ku-helse-"));
    }
    CHECK(path != f.ask(per, "kalender"));
    CHECK(f.ask("astrid.lunde@eksempel.kommune.no", "kalender ku-helse") == path);

    const auto reply = [&](const std::string& email, const std::string& text) {
        kv::bot::inbound_event ev;
        ev.sender_email = email;
        ev.text = text;
        const auto r = answer_calendar_command(f.the_app(), ev, now_seconds());
        REQUIRE(r);
        return r->text;
    };
    CHECK(
        reply(per, "kalender ny ku-helse") ==
        "Bare leder eller sekretær for Kvalitetsutvalget i Helse og omsorg kan lage en ny lenke.");
    CHECK(f.get(path).status == 200);
    CHECK(reply(per, "kalender ku-oppvekst") ==
          "Bare medlemmer av Kvalitetsutvalget i Oppvekst og kultur får kalenderen.");
    CHECK(reply(per, "kalender ku-finnes-ikke") == "Jeg kjenner ikke utvalget «ku-finnes-ikke».");

    const auto rotated = f.ask("astrid.lunde@eksempel.kommune.no", "kalender ny ku-helse");
    CHECK(rotated != path);
    CHECK(f.get(path).status == 404);
    CHECK(f.get(rotated).status == 200);
}
