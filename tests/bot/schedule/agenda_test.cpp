#include "bot/schedule/agenda.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <string>

namespace {

using namespace std::chrono;
using namespace std::chrono_literals;
using kv::bot::deviation_case;

deviation_case a_case(int seq, kv::bot::case_state state, std::optional<std::pair<int, int>> risk) {
    deviation_case c;
    c.year = 2027;
    c.seq = seq;
    c.human_id = "AV-2027-" + std::string(seq < 10 ? "000" : "00") + std::to_string(seq);
    c.state = state;
    c.cat = kv::bot::category::organisasjon;
    if (risk) {
        c.risk = kv::bot::risk_assessment{risk->first, risk->second};
    }
    c.created_at = sys_days{2027y / February / 1};
    return c;
}

std::string fact(const kv::bot::message& m, const std::string& label) {
    for (const auto& f : m.facts) {
        if (f.label == label) {
            return f.value;
        }
    }
    return "(missing)";
}

}  // namespace

TEST_CASE("the agenda counts the committee's cases and names the first by id", "[agenda]") {
    using kv::bot::case_state;
    kv::bot::wheel_item item;
    item.id = "ku-helse-mote";
    item.title = "Kvalitetsutvalget i Helse og omsorg";
    item.agenda = {"Kvalitetsindikatorer", "Åpne avvik og risiko"};
    const auto start = kv::bot::work_calendar::at_local(2027y / March / 2, 12h);
    const kv::bot::wheel_occurrence o{&item, 2027y / March / 2, start, start + 2h};

    kv::bot::agenda_input in;
    in.committee_name = "Kvalitetsutvalget i Helse og omsorg";
    in.since = sys_days{2026y / December / 1};
    for (int seq = 9; seq >= 1; --seq) {
        in.open_cases.push_back(a_case(seq, case_state::ny, std::nullopt));
    }
    in.open_cases.push_back(a_case(10, case_state::under_behandling, std::pair{5, 4}));  // red
    in.open_cases.push_back(a_case(11, case_state::mottatt, std::pair{2, 3}));           // yellow
    auto serious = a_case(12, case_state::mottatt, std::pair{2, 5});
    serious.cat = kv::bot::category::tjeneste;
    kv::bot::measure late;
    late.number = 2;
    late.due_date = "2027-02-27";
    serious.measures.push_back(late);
    kv::bot::measure on_time = late;
    on_time.number = 3;
    on_time.due_date = "2027-03-01";
    serious.measures.push_back(on_time);
    in.open_cases.push_back(serious);
    auto old_serious = serious;
    old_serious.seq = 13;
    old_serious.human_id = "AV-2027-0013";
    old_serious.measures.clear();
    old_serious.created_at = sys_days{2026y / November / 1};
    in.open_cases.push_back(old_serious);
    in.more.push_back({"Prosedyrer på overtid", 1, {"P-0042"}});

    const auto m = kv::bot::build_agenda(o, in, {}, 2027y / March / 1);
    CHECK(m.title == "Kvalitetsutvalget i Helse og omsorg");
    CHECK(fact(m, "Tid") == "2027-03-02 12:00");
    CHECK(m.text == "Faste saker:\n1. Kvalitetsindikatorer\n2. Åpne avvik og risiko");
    CHECK(fact(m, "Nye avvik") ==
          "9: AV-2027-0001, AV-2027-0002, AV-2027-0003, AV-2027-0004, AV-2027-0005, …");
    CHECK(fact(m, "Åpne avvik, rød risiko") == "1: AV-2027-0010");
    CHECK(fact(m, "Åpne avvik, gul risiko") == "3: AV-2027-0011, AV-2027-0012, AV-2027-0013");
    CHECK(fact(m, "Åpne avvik, grønn risiko") == "0");
    CHECK(fact(m, "Alvorlige hendelser siden forrige møte") == "1: AV-2027-0012");
    CHECK(fact(m, "Tiltak over frist") == "1: AV-2027-0012 tiltak 2");
    CHECK(fact(m, "Prosedyrer på overtid") == "1: P-0042");
}
