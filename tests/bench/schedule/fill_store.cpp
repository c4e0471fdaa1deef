#include "tests/bench/schedule/fill_store.hpp"

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "bot/domain/case_id.hpp"
#include "bot/domain/names.hpp"
#include "bot/domain/oslo_time.hpp"
#include "bot/domain/procedure.hpp"

namespace kv::bench {
namespace {

using namespace std::chrono;

// A small deterministic generator, so every run fills the same store.
class sequence {
  public:
    std::uint64_t next() {
        state_ = state_ * 6364136223846793005ULL + 1442695040888963407ULL;
        return state_ >> 33;
    }
    int below(int n) { return static_cast<int>(next() % static_cast<std::uint64_t>(n)); }

  private:
    std::uint64_t state_ = 42;
};

// Who can own, review, report and be responsible in each active unit that has a leader.
struct unit_people {
    std::string id;
    std::string leader;
    std::vector<std::string> staff;  // active people of the unit other than its leader
};

std::vector<unit_people> units_with_people(const daemon::organisation& org) {
    std::vector<unit_people> out;
    for (const auto& u : org.units) {
        if (u.leader_email.empty()) {
            continue;
        }
        unit_people up{u.id, u.leader_email, {}};
        for (const auto& p : org.people) {
            if (p.active && p.unit_id == u.id && p.email != u.leader_email) {
                up.staff.push_back(p.email);
            }
        }
        if (!up.staff.empty()) {
            out.push_back(std::move(up));
        }
    }
    if (out.empty()) {
        throw std::runtime_error("the organisation has no unit with a leader and staff");
    }
    return out;
}

year_month_day plus_days(year_month_day d, int n) {
    return year_month_day{sys_days{d} + days{n}};
}

void fill_procedures(daemon::database& db, const std::vector<unit_people>& units,
                     std::int64_t count, year_month_day today, sys_seconds now, sequence& rnd) {
    daemon::statement insert{
        db,
        "INSERT INTO procedures (id, title, area, subgroup, unit_id, owner_email, "
        "revision_owner_email, version, last_reviewed, interval_months, due_date, url, active, "
        "updated_at) VALUES (?, ?, 'Helse, sosial, pleie og omsorg', 'Prosedyrer', ?, ?, ?, "
        "'1.0', ?, ?, ?, ?, 1, ?)"};
    constexpr int first_due = -60;   // two months overdue
    constexpr int span = 60 + 1095;  // to three years ahead
    for (std::int64_t i = 0; i < count; ++i) {
        const auto& u = units[static_cast<std::size_t>(i) % units.size()];
        bot::procedure p;
        p.id = "PR-" + std::to_string(1'000'000 + i);
        p.interval_months = rnd.below(5) == 0 ? 6 : 12;
        const int due_in = first_due + rnd.below(span);
        p.last_reviewed = plus_days(today, due_in - (p.interval_months == 6 ? 182 : 365));
        const std::string reviser =
            u.staff[static_cast<std::size_t>(rnd.below(static_cast<int>(u.staff.size())))];
        insert.reset();
        insert
            .bind_all(p.id, "Prosedyre " + std::to_string(i), u.id, u.leader, reviser,
                      bot::format_date(p.last_reviewed), p.interval_months,
                      bot::format_date(bot::review_due(p)),
                      "https://kvalitet.eksempel.kommune.no/" + p.id,
                      now.time_since_epoch().count())
            .run();
    }
}

// Cases and their measures; measure i belongs to case i, so cases >= measures.
void fill_cases(daemon::database& db, const std::vector<unit_people>& units, fill_counts& counts,
                year_month_day today, sys_seconds now, sequence& rnd) {
    daemon::statement insert_case{
        db,
        "INSERT INTO cases (id, human_id, year, seq, kind, category, unit_id, reporter_email, "
        "description, occurred, immediate_action, state, probability, consequence, authority, "
        "authority_note, conclusion, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
        "'Pasienten fikk feil medisin.', 'i dag kl 08:00', 'Lege varslet.', ?, ?, ?, 'none', '', "
        "'', ?, ?)"};
    daemon::statement insert_measure{
        db,
        "INSERT INTO measures (case_id, number, text, responsible_email, due_date, state, "
        "done_at, effect, evaluated_at) VALUES (?, 1, 'Gjennomgå rutinen.', ?, ?, 'open', NULL, "
        "'', NULL)"};
    std::map<int, int> seq_of_year;
    for (std::int64_t i = 0; i < counts.cases; ++i) {
        const auto& u = units[static_cast<std::size_t>(i) % units.size()];
        const bool is_new = rnd.below(100) < 3;
        // New cases nobody received are at least 20 days old: chased and escalated already.
        const int age_days = is_new ? 20 + rnd.below(300) : 1 + rnd.below(700);
        const sys_seconds created = now - days{age_days} - seconds{rnd.below(86'400)};
        const int year = static_cast<int>(year_month_day{floor<days>(created)}.year());
        const int seq = ++seq_of_year[year];
        const std::int64_t id = std::int64_t{year} * 1'000'000 + seq;
        const bot::case_state state = is_new                ? bot::case_state::ny
                                      : rnd.below(100) < 40 ? bot::case_state::mottatt
                                                            : bot::case_state::under_behandling;
        std::optional<int> probability;
        std::optional<int> consequence;
        if (state == bot::case_state::under_behandling) {
            probability = 1 + rnd.below(5);
            consequence = 1 + rnd.below(3);  // below the serious-event threshold
        }
        const std::string reporter = u.staff[static_cast<std::size_t>(i) % u.staff.size()];
        insert_case.reset();
        insert_case
            .bind_all(
                id, bot::format_case_id("AV", year, seq), year, seq,
                bot::to_string(bot::case_kind::avvik),
                bot::to_string(rnd.below(2) == 0 ? bot::category::tjeneste : bot::category::hms),
                u.id, reporter, bot::to_string(state), probability, consequence,
                created.time_since_epoch().count(), created.time_since_epoch().count())
            .run();
        counts.new_cases += is_new ? 1 : 0;
        if (i < counts.measures) {
            const int due_in = -15 + rnd.below(380);  // two weeks overdue to a year ahead
            insert_measure.reset();
            insert_measure.bind_all(id, reporter, bot::format_date(plus_days(today, due_in))).run();
        }
    }
}

}  // namespace

fill_counts fill_store(daemon::store& s, const daemon::organisation& org, std::int64_t items,
                       sys_seconds now) {
    fill_counts counts;
    counts.procedures = items * 4 / 10;
    counts.cases = items * 3 / 10;
    counts.measures = items - counts.procedures - counts.cases;
    if (counts.measures > counts.cases) {
        counts.cases += counts.measures - counts.cases;
        counts.measures = items - counts.procedures - counts.cases;
    }
    const auto units = units_with_people(org);
    const year_month_day today = bot::to_oslo(now).date;
    sequence rnd;
    daemon::database& db = s.db();
    daemon::transaction tx{db, daemon::transaction_mode::immediate};
    fill_procedures(db, units, counts.procedures, today, now, rnd);
    fill_cases(db, units, counts, today, now, rnd);
    tx.commit();
    return counts;
}

}  // namespace kv::bench
