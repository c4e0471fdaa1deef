#include "bot/schedule/agenda.hpp"

#include <algorithm>
#include <utility>

#include "bot/domain/oslo_time.hpp"
#include "bot/domain/risk.hpp"

namespace kv::bot {
namespace {

using namespace std::chrono;

bool by_id(const deviation_case* a, const deviation_case* b) {
    return std::pair{a->year, a->seq} < std::pair{b->year, b->seq};
}

agenda_count count_of(std::string label, std::vector<const deviation_case*> cases) {
    std::sort(cases.begin(), cases.end(), by_id);
    agenda_count c{std::move(label), cases.size(), {}};
    for (std::size_t i = 0; i < cases.size() && i < agenda_top_items; ++i) {
        c.top_ids.push_back(cases[i]->human_id);
    }
    return c;
}

std::string fact_value(const agenda_count& c) {
    std::string out = std::to_string(c.count);
    for (std::size_t i = 0; i < c.top_ids.size(); ++i) {
        out += (i == 0 ? ": " : ", ") + c.top_ids[i];
    }
    if (c.count > c.top_ids.size() && !c.top_ids.empty()) {
        out += ", …";
    }
    return out;
}

}  // namespace

std::vector<agenda_count> agenda_counts(const agenda_input& in, const bot_settings& rules,
                                        year_month_day today) {
    std::vector<const deviation_case*> fresh, red, yellow, green, unassessed, serious;
    std::vector<std::pair<const deviation_case*, int>> late_measures;
    const std::string today_text = format_date(today);
    for (const auto& c : in.open_cases) {
        if (c.state == case_state::lukket) {
            continue;
        }
        if (c.state == case_state::ny) {
            fresh.push_back(&c);
        }
        if (!c.risk) {
            unassessed.push_back(&c);
        } else {
            switch (level_of(*c.risk, rules.risk)) {
                case risk_level::red:
                    red.push_back(&c);
                    break;
                case risk_level::yellow:
                    yellow.push_back(&c);
                    break;
                case risk_level::green:
                    green.push_back(&c);
                    break;
            }
        }
        if (is_serious(c, rules.serious) && (!in.since || c.created_at >= *in.since)) {
            serious.push_back(&c);
        }
        for (const auto& m : c.measures) {
            // Dates are YYYY-MM-DD, so text order is date order.
            if (m.state == measure_state::open && !m.due_date.empty() && m.due_date < today_text) {
                late_measures.emplace_back(&c, m.number);
            }
        }
    }
    std::sort(late_measures.begin(), late_measures.end(), [](const auto& a, const auto& b) {
        return by_id(a.first, b.first) || (a.first == b.first && a.second < b.second);
    });
    agenda_count late{{}, late_measures.size(), {}};
    for (std::size_t i = 0; i < late_measures.size() && i < agenda_top_items; ++i) {
        late.top_ids.push_back(late_measures[i].first->human_id + " tiltak " +
                               std::to_string(late_measures[i].second));
    }
    return labelled_agenda_counts(
        {count_of({}, fresh), count_of({}, red), count_of({}, yellow), count_of({}, green),
         count_of({}, unassessed), count_of({}, serious), std::move(late)},
        in.since.has_value(), in.more);
}

std::vector<agenda_count> labelled_agenda_counts(agenda_tallies tallies, bool since_previous,
                                                 const std::vector<agenda_count>& more) {
    const std::array<const char*, 7> labels{
        "Nye avvik",
        "Åpne avvik, rød risiko",
        "Åpne avvik, gul risiko",
        "Åpne avvik, grønn risiko",
        "Åpne avvik, ikke risikovurdert",
        since_previous ? "Alvorlige hendelser siden forrige møte" : "Alvorlige hendelser",
        "Tiltak over frist"};
    std::vector<agenda_count> out;
    for (std::size_t i = 0; i < tallies.size(); ++i) {
        tallies[i].label = labels[i];
        out.push_back(std::move(tallies[i]));
    }
    out.insert(out.end(), more.begin(), more.end());
    return out;
}

message build_agenda(const wheel_occurrence& o, const agenda_input& in, const bot_settings& rules,
                     year_month_day today) {
    return build_agenda(o, in.committee_name,
                        o.item->kind == wheel_item_kind::meeting ? agenda_counts(in, rules, today)
                                                                 : std::vector<agenda_count>{});
}

message build_agenda(const wheel_occurrence& o, const std::string& committee_name,
                     const std::vector<agenda_count>& counts) {
    const wheel_item& item = *o.item;
    message m;
    m.title = item.title;
    m.subject_key = "wheel:" + item.id + ":" + format_date(o.date);
    m.facts.push_back({"Tid", format_oslo(o.start)});
    if (!committee_name.empty()) {
        m.facts.push_back({"Utvalg", committee_name});
    }
    if (!item.agenda.empty()) {
        m.text = "Faste saker:";
        for (std::size_t i = 0; i < item.agenda.size(); ++i) {
            m.text += '\n';
            m.text += std::to_string(i + 1);
            m.text += ". ";
            m.text += item.agenda[i];
        }
    }
    if (item.kind == wheel_item_kind::meeting) {
        for (const auto& c : counts) {
            m.facts.push_back({c.label, fact_value(c)});
        }
    }
    return m;
}

}  // namespace kv::bot
