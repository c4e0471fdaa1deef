// Writes every kind of card the bot sends in Teams, each as <folder>/<name>.json, for the Adaptive
// Cards validator and the Chromium renders (tests/teams/cards). The cards are made the way the
// daemon makes them: the real bot decides scripted conversations and reminders in a small
// municipality, and the real renderer turns each reply and notification into the outbound message
// activity; the card is taken from that activity. Usage: teams_card_catalogue <folder>
// Exits 0 after writing at least one card, 1 when something a scenario needs did not happen.

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "adapters/teams/card.hpp"
#include "bot/dialog/approval_actions.hpp"
#include "bot/dialog/procedure_actions.hpp"
#include "bot/schedule/agenda.hpp"
#include "bot/schedule/deviation_followup.hpp"
#include "bot/schedule/procedure_reviews.hpp"
#include "bot/schedule/wheel.hpp"
#include "tests/support/fake_ports.hpp"

namespace {

namespace fs = std::filesystem;
using namespace std::chrono;
using kv::test::at_vik;
using kv::test::bot_harness;

// The Teams ids of the people allowed to act on a card (refresh.userIds), as the daemon passes
// them: the recipient and a deputy.
const std::vector<std::string> actor_ids = {"29:1-leder-sol", "29:1-nestleder-sol"};

class catalogue {
  public:
    explicit catalogue(fs::path dir) : dir_(std::move(dir)) { fs::create_directories(dir_); }

    // Renders `m` as the daemon sends it and writes its card as <name>.json.
    void add(const std::string& name, const kv::bot::message& m) {
        if (!names_.emplace(name, 0).second) {
            throw std::logic_error("two cards named " + name);
        }
        kv::teams::card_options options;
        if (!m.actions.empty()) {
            options.actor_user_ids = actor_ids;
        }
        const auto activity = nlohmann::json::parse(kv::teams::render_message_activity(
            m, options, {"28:kvalitetsvakt", "a:1-catalogue", ""}));
        std::ofstream out(dir_ / (name + ".json"), std::ios::binary | std::ios::trunc);
        out << activity.at("attachments").at(0).at("content").dump(2) << '\n';
        if (!out) {
            throw std::runtime_error("cannot write " + (dir_ / (name + ".json")).string());
        }
    }

    // Every reply of `d` as <name>-reply[-n], and every notification as <name>-to-<person>-n.
    // `expected` must appear in what the bot said (replies, then notifications), so a scenario
    // that went astray fails here instead of writing cards of the wrong kind.
    void add(const std::string& name, const kv::bot::decision& d, const std::string& expected) {
        std::string said = kv::test::flatten(d.replies);
        for (const auto& n : d.notifications) {
            said += "-> " + n.recipient_email + ": " + kv::test::flatten(n.body);
        }
        if (!kv::test::has(said, expected)) {
            throw std::logic_error(name + ": expected \"" + expected + "\", the bot said:\n" +
                                   said);
        }
        for (std::size_t i = 0; i < d.replies.size(); ++i) {
            add(name + "-reply" + suffix(i, d.replies.size()), d.replies[i]);
        }
        std::map<std::string, std::size_t> per_person;
        for (const auto& n : d.notifications) {
            const auto local = n.recipient_email.substr(0, n.recipient_email.find('@'));
            add(name + "-to-" + local + "-" + std::to_string(++per_person[local]), n.body);
        }
    }

    void add(const std::string& name, const std::vector<kv::bot::due_reminder>& due) {
        if (due.empty()) {
            throw std::logic_error(name + ": nothing was due");
        }
        for (const auto& r : due) {
            const auto local = r.recipient_email.substr(0, r.recipient_email.find('@'));
            add(name + "-" + r.step + "-to-" + local, r.body);
        }
    }

    std::size_t size() const { return names_.size(); }

  private:
    static std::string suffix(std::size_t i, std::size_t n) {
        return n == 1 ? "" : "-" + std::to_string(i + 1);
    }

    fs::path dir_;
    std::map<std::string, int> names_;
};

// `who` files `what` with the quick form and confirms it; throws unless the case was registered.
void file_case(bot_harness& h, const std::string& who, const std::string& what,
               const std::string& immediate_action) {
    std::string said = kv::test::flatten(h.say(who, "avvik: " + what).replies);
    said += kv::test::flatten(h.say(who, immediate_action).replies);
    said += kv::test::flatten(h.say(who, "ja").replies);
    if (!kv::test::has(said, "Meldingen er registrert")) {
        throw std::logic_error("filing by " + who + " failed, the bot said:\n" + said);
    }
}

sys_seconds utc(int y, unsigned m, unsigned d, int h) {
    return sys_days{year{y} / month{m} / day{d}} + hours{h};
}

// Kari files a fall at Solsiden sykehjem; its leader receives, assesses, adds a measure that Per
// carries out, evaluates and closes it. Every question, receipt and notice on the way.
void deviation_lifecycle(catalogue& cat) {
    bot_harness h{kv::test::small_municipality(), kv::test::monday_morning};
    const auto kari = at_vik("kari");
    const auto leader = at_vik("leder.sol");
    const std::map<std::string, std::string> the_case = {{"case", "AV-2026-0001"}};
    auto with = [&](std::map<std::string, std::string> more) {
        more.insert(the_case.begin(), the_case.end());
        return more;
    };

    cat.add("welcome", kv::teams::welcome_message());
    cat.add("help-staff", h.say(kari, "hjelp"), "meld avvik");
    cat.add("help-leader", h.say(leader, "hjelp"), "motta <saksnr>");
    cat.add("help-english", h.say(at_vik("john"), "help"), "This is what you can type");

    cat.add("filing-start", h.say(kari, "meld avvik"), "Beskriv kort hva som skjedde");
    cat.add("filing-cancel", h.say(kari, "avbryt"), "Ingenting er lagret");
    cat.add("filing-quick", h.say(kari, "avvik: Beboer falt på badet i natt, ingen synlige skader"),
            "Hva ble gjort med en gang");
    cat.add("filing-confirm", h.say(kari, "Hjalp beboer opp"), "[Send inn]");
    cat.add("filing-receipt", h.say(kari, "ja"),
            "leder.sol@vik.kommune.no: Ny sak AV-2026-0001");  // and the new case for the leader
                                                               // and deputy

    cat.add("case-receive", h.press(leader, "case.receive", the_case), "saken din er mottatt");
    cat.add("case-assess-ask", h.press(leader, "case.assess", the_case), "Hvor sannsynlig");
    cat.add("case-assess-consequence", h.press(leader, "flow.answer", {{"value", "2"}}),
            "Hvor alvorlig er konsekvensen");
    cat.add("case-assessed", h.press(leader, "flow.answer", {{"value", "3"}}),
            "risikovurdering registrert");
    cat.add("case-measure",
            h.press(leader, "case.add_measure",
                    with({{"text", "Sklimatte på badet"},
                          {"responsible", at_vik("per")},
                          {"due", "2026-12-15"}})),
            "du er ansvarlig for tiltak 1");
    cat.add("case-measure-done",
            h.press(at_vik("per"), "case.measure_done", with({{"measure", "1"}})),
            "vurder effekten");
    cat.add("case-evaluate-ask", h.press(leader, "case.evaluate", with({{"measure", "1"}})),
            "Hvilken effekt");
    cat.add("case-evaluated", h.say(leader, "Ingen nye fall på badet"),
            "effekten av tiltak 1 er vurdert");
    cat.add("case-show-reporter", h.press(kari, "case.show", the_case), "AV-2026-0001");
    cat.add("case-close-ask", h.press(leader, "case.close", the_case), "konklusjon");
    cat.add("case-closed", h.say(leader, "Sklimatte montert og rutine oppdatert"),
            "saken din er lukket");
    cat.add("case-denied", h.press(at_vik("tone"), "case.receive", the_case),
            "du har ikke tilgang");
    cat.add("case-unknown", h.press(leader, "case.receive", {{"case", "AV-2026-0099"}}),
            "Fant ikke saken AV-2026-0099");
    cat.add("my-cases", h.say(kari, "mine saker"), "Dine saker");
}

// A case forwarded to another unit, and a serious event that goes to the patient and user
// safety committee and needs a reporting-duty decision.
void forward_and_serious(catalogue& cat) {
    bot_harness h{kv::test::small_municipality(), kv::test::monday_morning};
    const auto leader = at_vik("leder.sol");
    file_case(h, at_vik("per"), "Medisiner ble gitt til feil tid i natt", "Ringte legevakten");
    cat.add("forward-ask-unit", h.press(leader, "case.forward", {{"case", "AV-2026-0001"}}),
            "Hvilken enhet");
    cat.add("forward-ask-reason", h.press(leader, "flow.answer", {{"value", "hjemme"}}),
            "Hvorfor videresendes saken");
    cat.add("forwarded", h.say(leader, "Beboeren bor hjemme og får hjemmetjenester"),
            "leder.hjem@vik.kommune.no:");

    file_case(h, at_vik("kari"), "Beboer fikk feil medisin i natt og ble innlagt på sykehus",
              "Ringte lege og pårørende");
    cat.add("serious-assessed",
            h.press(leader, "case.assess",
                    {{"case", "AV-2026-0002"}, {"probability", "3"}, {"consequence", "5"}}),
            "psu.leder@vik.kommune.no:");
    cat.add("authority-ask", h.press(leader, "case.authority", {{"case", "AV-2026-0002"}}), "[");
    cat.add("authority-note-ask", h.press(leader, "flow.answer", {{"value", "reported"}}),
            "Begrunnelse eller referanse");
    cat.add("authority-recorded", h.say(leader, "Meldt til Statsforvalteren, ref 2026/123"),
            "Meldeplikt: Meldt til tilsynsmyndigheten");
}

kv::bot::procedure fall_procedure() {
    kv::bot::procedure p;
    p.id = "HO-PR-012";
    p.title = "Forebygging av fall";
    p.unit_id = "sykehjem";
    p.owner_email = at_vik("leder.sol");
    p.revision_owner_email = at_vik("kari");
    p.version = "1.3";
    p.last_reviewed = year{2025} / December / 1;
    p.url = "https://kvalitet.vik.kommune.no/HO-PR-012";
    return p;
}

// Reviews, approvals (approved and rejected), the reading list and its Lest button.
void procedures_and_approvals(catalogue& cat) {
    bot_harness h{kv::test::small_municipality(), kv::test::monday_morning};
    h.world.repo.library().add_procedure(fall_procedure());
    const auto owner = at_vik("leder.sol");

    cat.add("review-keep", h.press(at_vik("kari"), "review.keep", {{"procedure", "HO-PR-012"}}),
            "Neste gjennomgang");
    cat.add("review-new-version-ask",
            h.press(at_vik("kari"), "review.new_version", {{"procedure", "HO-PR-012"}}),
            "versjonsnummer");
    cat.add("review-new-version-url", h.say(at_vik("kari"), "2.0"), "Lenke");
    cat.add("review-new-version-note", h.say(at_vik("kari"), "-"), "endringsnotat");
    cat.add("approval-request", h.say(at_vik("kari"), "Nytt punkt om sklimatter"),
            "leder.sol@vik.kommune.no: Til godkjenning");
    cat.add("approval-denied", h.press(at_vik("per"), "approval.approve", {{"approval", "1"}}),
            "Forsøket er logget");
    cat.add("approval-approved", h.press(owner, "approval.approve", {{"approval", "1"}}),
            "Godkjent av Sol Leder");
    const auto decided = h.world.repo.library().find_approval(1);
    if (!decided) {
        throw std::logic_error("approval 1 was not stored");
    }
    cat.add("approval-decided-for-reporter",
            kv::bot::approval_card(*decided, h.world.dir, at_vik("kari"), kv::bot::language::nb));
    cat.add(
        "reading-confirmed",
        h.press(at_vik("per"), "reading.confirm", {{"procedure", "HO-PR-012"}, {"version", "2.0"}}),
        "Registrert at du har lest");
    cat.add("reading-status", h.say(owner, "lesestatus HO-PR-012"), "Lesestatus HO-PR-012");

    // No reply of the bot lists the reading list yet: this is the list as the daemon would send
    // it, with the bot's own Lest button per procedure, more than one row of actions holds.
    kv::bot::message reading;
    reading.title = "Leseliste: nye og endrede prosedyrer";
    reading.subject_key = "reading:" + at_vik("per");
    for (int i = 0; i < 7; ++i) {
        auto p = fall_procedure();
        p.id = "HO-PR-0" + std::to_string(20 + i);
        reading.facts.push_back({p.id, p.title + " (v" + p.version + ")"});
        reading.actions.push_back(kv::bot::reading_action(p, kv::bot::language::nb));
    }
    cat.add("reading-list", reading);

    cat.add("review-propose-delete",
            h.press(at_vik("kari"), "review.propose_delete",
                    {{"procedure", "HO-PR-012"}, {"reason", "Erstattet av HO-PR-013"}}),
            "sletting");
    cat.add("approval-reject-ask", h.press(owner, "approval.reject", {{"approval", "2"}}),
            "Hvorfor avvises det");
    cat.add("approval-rejected", h.say(owner, "Rutinen trengs fortsatt"), "Avvist av Sol Leder");
}

// Reminders and escalations the scheduler sends: procedure reviews, cases nobody receives,
// overdue measures, and an annual-wheel meeting with its agenda.
void reminders(catalogue& cat) {
    const auto dir = kv::test::small_municipality();
    const kv::bot::work_calendar cal;

    const kv::bot::procedure_review_snapshot procedures{{fall_procedure()}, {}, &dir};
    cat.add("procedure-review-ahead",
            kv::bot::procedure_review_reminders(procedures, utc(2026, 11, 24, 9), cal));
    cat.add("procedure-review-overdue",
            kv::bot::procedure_review_reminders(procedures, utc(2027, 1, 5, 9), cal));

    kv::bot::deviation_case c;
    c.human_id = "AV-2026-0007";
    c.year = 2026;
    c.seq = 7;
    c.unit_id = "sykehjem";
    c.reporter_email = at_vik("kari");
    c.description = "Beboer falt på badet";
    c.created_at = utc(2026, 11, 23, 10);
    c.updated_at = c.created_at;
    kv::bot::deviation_case with_measure = c;
    with_measure.human_id = "AV-2026-0008";
    with_measure.seq = 8;
    with_measure.state = kv::bot::case_state::under_behandling;
    kv::bot::measure m;
    m.number = 1;
    m.text = "Sklimatte på badet";
    m.responsible_email = at_vik("per");
    m.due_date = "2026-11-24";
    with_measure.measures.push_back(m);
    const kv::bot::deviation_followup_snapshot cases{{c, with_measure}, {}, &dir};
    cat.add("followup-wednesday",
            kv::bot::deviation_followup_reminders(cases, utc(2026, 11, 25, 10), cal));
    cat.add("followup-friday",
            kv::bot::deviation_followup_reminders(cases, utc(2026, 11, 27, 10), cal));

    kv::bot::wheel_item item;
    item.id = "ku-helse-mote";
    item.title = "Kvalitetsutvalget i Helse og omsorg";
    item.committee_id = "ku";
    item.lead_days = {14, 2, 0};
    item.agenda = {"Kvalitetsindikatorer og resultater", "Åpne avvik og risiko",
                   "Revisjons- og tilsynsrapporter", "Forbedringsarbeid",
                   "Hva rapporteres oppover"};
    const auto start = kv::bot::work_calendar::at_local(year{2026} / December / 8, hours{12});
    const std::vector<kv::bot::wheel_occurrence> occurrences = {
        {&item, year{2026} / December / 8, start, start + hours{2}}};
    kv::bot::wheel_context ctx;
    ctx.recipients = [](const kv::bot::wheel_item&) {
        return std::vector<std::string>{at_vik("radmann")};
    };
    ctx.agenda = [&](const kv::bot::wheel_occurrence& o) {
        kv::bot::agenda_input in;
        in.committee_name = item.title;
        in.open_cases = {c, with_measure};
        in.more = {{"Prosedyrer med gjennomgang på overtid", 1, {"HO-PR-012"}}};
        return kv::bot::build_agenda(o, in, {}, year{2026} / November / 24);
    };
    cat.add("wheel-meeting", kv::bot::wheel_reminders(occurrences, utc(2026, 11, 24, 9), cal, ctx));
}

// A case whose description is far over Teams' size limit: the card is shortened, never dropped.
void oversized(catalogue& cat) {
    bot_harness h{kv::test::small_municipality(), kv::test::monday_morning};
    kv::bot::deviation_case c;
    c.human_id = "AV-2026-0001";
    c.year = 2026;
    c.seq = 1;
    c.unit_id = "sykehjem";
    c.reporter_email = at_vik("kari");
    c.description = std::string(30000, 'x');
    c.created_at = kv::test::monday_morning;
    c.updated_at = c.created_at;
    h.world.repo.store_case(c);
    cat.add("oversized-case", h.press(at_vik("leder.sol"), "case.show", {{"case", "AV-2026-0001"}}),
            "AV-2026-0001");
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: teams_card_catalogue <folder>\n";
        return 2;
    }
    try {
        catalogue cat{argv[1]};
        deviation_lifecycle(cat);
        forward_and_serious(cat);
        procedures_and_approvals(cat);
        reminders(cat);
        oversized(cat);
        std::cout << "wrote " << cat.size() << " cards to " << argv[1] << '\n';
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "teams_card_catalogue: " << e.what() << '\n';
        return 1;
    }
}
