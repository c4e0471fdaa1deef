#include "bot/dialog/case_view.hpp"

#include "bot/dialog/case_rules.hpp"
#include "bot/domain/names.hpp"
#include "bot/domain/risk.hpp"

namespace kv::bot {

std::string person_label(const directory& dir, const std::string& email) {
    const auto p = dir.find_person(email);
    return p && !p->name.empty() ? p->name : email;
}

std::string unit_label(const directory& dir, const std::string& unit_id) {
    const auto u = dir.find_unit(unit_id);
    return u ? u->name : unit_id;
}

std::vector<action> case_actions_for(const deviation_case& c, const directory& dir,
                                     const std::string& viewer, language lang) {
    std::vector<action> out;
    for (const auto& spec : case_action_specs()) {
        for (auto& a : spec.offer(c, dir, viewer, lang)) {
            out.push_back(std::move(a));
        }
    }
    return out;
}

std::string case_line(const deviation_case& c, language lang) {
    return std::string(display_name(c.kind, lang)) + " · " +
           std::string(display_name(c.cat, lang)) + " · " +
           std::string(display_name(c.state, lang));
}

message case_card(const deviation_case& c, const directory& dir, const std::string& viewer,
                  language lang, const bot_settings& cfg, std::string headline) {
    const bool nb = lang == language::nb;
    message m;
    m.title = std::move(headline);
    m.subject_key = c.human_id;
    m.text = c.description;
    m.facts.push_back({nb ? "Sak" : "Case", c.human_id});
    m.facts.push_back({nb ? "Status" : "Status", std::string(display_name(c.state, lang))});
    m.facts.push_back({nb ? "Type" : "Kind", std::string(display_name(c.kind, lang))});
    m.facts.push_back({nb ? "Kategori" : "Category", std::string(display_name(c.cat, lang))});
    m.facts.push_back({nb ? "Enhet" : "Unit", unit_label(dir, c.unit_id)});
    if (!c.occurred.empty()) {
        m.facts.push_back({nb ? "Når" : "When", c.occurred});
    }
    if (!c.immediate_action.empty()) {
        m.facts.push_back({nb ? "Strakstiltak" : "Immediate action", c.immediate_action});
    }
    m.facts.push_back({nb ? "Meldt av" : "Reported by", person_label(dir, c.reporter_email)});
    if (c.risk) {
        const auto level = level_of(*c.risk, cfg.risk);
        m.facts.push_back(
            {nb ? "Risiko" : "Risk", std::to_string(c.risk->score()) + " (" +
                                         std::string(level_name(level, lang)) + "; " +
                                         (nb ? "sannsynlighet " : "probability ") +
                                         std::string(scale_name(c.risk->probability, lang)) + ", " +
                                         (nb ? "konsekvens " : "consequence ") +
                                         std::string(scale_name(c.risk->consequence, lang)) + ")"});
    }
    if (c.authority == authority_flag::pending) {
        m.facts.push_back({nb ? "Meldeplikt" : "Reporting duty",
                           nb ? "Alvorlig hendelse: kan være meldepliktig til tilsynsmyndigheten. "
                                "Leder må registrere en vurdering."
                              : "Serious event: may have to be reported to the authorities. A "
                                "leader must record a decision."});
    } else if (c.authority == authority_flag::reported ||
               c.authority == authority_flag::not_required) {
        const bool reported = c.authority == authority_flag::reported;
        m.facts.push_back({nb ? "Meldeplikt" : "Reporting duty",
                           std::string(reported ? (nb ? "Meldt til tilsynsmyndigheten"
                                                      : "Reported to the authorities")
                                                : (nb ? "Ikke meldepliktig" : "Not reportable")) +
                               (c.authority_note.empty() ? "" : ": " + c.authority_note)});
    }
    for (const auto& ms : c.measures) {
        std::string v = ms.text + " — " + person_label(dir, ms.responsible_email) + ", " +
                        (nb ? "frist " : "due ") + ms.due_date;
        if (ms.state == measure_state::done) {
            v += nb ? " (utført" : " (done";
            v += ms.effect.empty() ? ")" : (nb ? "; effekt: " : "; effect: ") + ms.effect + ")";
        }
        m.facts.push_back({(nb ? "Tiltak " : "Measure ") + std::to_string(ms.number), v});
    }
    if (c.state == case_state::lukket && !c.conclusion.empty()) {
        m.facts.push_back({nb ? "Konklusjon" : "Conclusion", c.conclusion});
    }
    m.actions = case_actions_for(c, dir, viewer, lang);
    return m;
}

}  // namespace kv::bot
