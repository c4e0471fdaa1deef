#include "bot/dialog/case_rules.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <utility>

#include "bot/dialog/case_view.hpp"
#include "bot/dialog/understanding.hpp"
#include "bot/domain/access.hpp"
#include "bot/domain/names.hpp"
#include "bot/domain/oslo_time.hpp"
#include "bot/domain/redaction.hpp"
#include "bot/domain/risk.hpp"

namespace kv::bot {
namespace {

using problem = std::pair<std::string_view, std::string_view>;
constexpr problem no_problem{};

std::string value_or(const action_values& v, const std::string& key) {
    const auto it = v.find(key);
    return it == v.end() ? std::string{} : it->second;
}

const measure* find_measure(const deviation_case& c, const action_values& data) {
    const std::string n = value_or(data, "measure");
    for (const auto& m : c.measures) {
        if (std::to_string(m.number) == n) {
            return &m;
        }
    }
    return nullptr;
}

measure* find_measure(deviation_case& c, const action_values& data) {
    return const_cast<measure*>(find_measure(std::as_const(c), data));
}

// --- who may ------------------------------------------------------------------------------

bool is_leader(const deviation_case& c, const directory& dir, const std::string& who,
               const action_values&) {
    return leads_unit(dir, who, c.unit_id);
}

bool is_reporter_or_leader(const deviation_case& c, const directory& dir, const std::string& who,
                           const action_values& d) {
    return who == c.reporter_email || is_leader(c, dir, who, d);
}

bool is_responsible_or_leader(const deviation_case& c, const directory& dir, const std::string& who,
                              const action_values& d) {
    const auto* m = find_measure(c, d);
    return (m != nullptr && m->responsible_email == who) || is_leader(c, dir, who, d);
}

bool may_view(const deviation_case& c, const directory& dir, const std::string& who,
              const action_values& d) {
    if (is_reporter_or_leader(c, dir, who, d)) {
        return true;
    }
    for (const auto& m : c.measures) {
        if (m.responsible_email == who) {
            return true;
        }
    }
    if (c.authority != authority_flag::none) {
        const auto members = patient_safety_members(dir);
        return std::find(members.begin(), members.end(), who) != members.end();
    }
    return false;
}

// --- in which states ----------------------------------------------------------------------

problem closed_problem(const deviation_case& c) {
    if (c.state == case_state::lukket) {
        return {"Saken er lukket.", "The case is closed."};
    }
    return no_problem;
}

problem any_state(const deviation_case&, const action_values&) {
    return no_problem;
}
problem while_open(const deviation_case& c, const action_values&) {
    return closed_problem(c);
}

problem only_new(const deviation_case& c, const action_values&) {
    if (c.state != case_state::ny) {
        return {"Saken er allerede mottatt.", "The case has already been received."};
    }
    return no_problem;
}

problem measure_open(const deviation_case& c, const action_values& d) {
    if (auto p = closed_problem(c); !p.first.empty()) {
        return p;
    }
    const auto* m = find_measure(c, d);
    if (m == nullptr) {
        return {"Fant ikke tiltaket.", "No such measure."};
    }
    if (m->state == measure_state::done) {
        return {"Tiltaket er allerede utført.", "The measure is already done."};
    }
    return no_problem;
}

problem measure_unevaluated(const deviation_case& c, const action_values& d) {
    if (auto p = closed_problem(c); !p.first.empty()) {
        return p;
    }
    const auto* m = find_measure(c, d);
    if (m == nullptr) {
        return {"Fant ikke tiltaket.", "No such measure."};
    }
    if (m->state != measure_state::done) {
        return {"Tiltaket må være utført før effekten vurderes.",
                "The measure must be done before its effect is evaluated."};
    }
    if (m->evaluated_at) {
        return {"Effekten av tiltaket er allerede vurdert.",
                "The measure's effect has already been evaluated."};
    }
    return no_problem;
}

problem closable(const deviation_case& c, const action_values&) {
    if (auto p = closed_problem(c); !p.first.empty()) {
        return p;
    }
    if (c.state == case_state::ny) {
        return {"Saken må mottas før den kan lukkes.", "Receive the case before closing it."};
    }
    for (const auto& m : c.measures) {
        if (m.state == measure_state::open) {
            return {"Saken har tiltak som ikke er utført.", "The case has measures not done yet."};
        }
        if (!m.evaluated_at) {
            return {"Effekten av alle tiltak må vurderes før saken lukkes.",
                    "Evaluate the effect of every measure before closing."};
        }
    }
    if (c.authority == authority_flag::pending) {
        return {"Meldeplikten må vurderes før saken lukkes.",
                "Record the reporting-duty decision before closing."};
    }
    return no_problem;
}

problem authority_pending(const deviation_case& c, const action_values&) {
    if (c.authority != authority_flag::pending) {
        return {"Saken har ingen åpen vurdering av meldeplikt.",
                "The case has no open reporting-duty decision."};
    }
    return no_problem;
}

// --- what it asks for ---------------------------------------------------------------------

std::vector<std::pair<std::string, std::string>> scale_choices(language lang) {
    std::vector<std::pair<std::string, std::string>> out;
    for (int i = 1; i <= 5; ++i) {
        out.emplace_back(std::to_string(i),
                         std::to_string(i) + " " + std::string(scale_name(i, lang)));
    }
    return out;
}

action_input text_input(std::string name, std::string label) {
    return {std::move(name), std::move(label), action_input::input_kind::text, {}, true};
}

std::vector<action_input> no_inputs(const deviation_case&, const directory&, language) {
    return {};
}

std::vector<action_input> assess_inputs(const deviation_case&, const directory&, language l) {
    const bool nb = l == language::nb;
    return {
        {"probability",
         nb ? "Hvor sannsynlig er det at dette skjer igjen?"
            : "How probable is it that this happens again?",
         action_input::input_kind::choice, scale_choices(l), true},
        {"consequence", nb ? "Hvor alvorlig er konsekvensen?" : "How severe is the consequence?",
         action_input::input_kind::choice, scale_choices(l), true}};
}

std::vector<action_input> measure_inputs(const deviation_case&, const directory&, language l) {
    const bool nb = l == language::nb;
    return {text_input("text", nb ? "Hvilket tiltak skal gjøres?" : "What measure will be taken?"),
            {"responsible",
             nb ? "Hvem er ansvarlig? (e-postadresse, f.eks. ola.nordmann)"
                : "Who is responsible? (email address, e.g. ola.nordmann)",
             action_input::input_kind::person,
             {},
             true},
            {"due",
             nb ? "Frist? (f.eks. 15.12.2026)" : "Due date? (e.g. 2026-12-15)",
             action_input::input_kind::date,
             {},
             true}};
}

std::vector<action_input> forward_inputs(const deviation_case& c, const directory& dir,
                                         language l) {
    const bool nb = l == language::nb;
    action_input unit_choice{
        "unit",
        nb ? "Hvilken enhet skal saken videresendes til?" : "Which unit should the case go to?",
        action_input::input_kind::choice,
        {},
        true};
    for (const auto& u : dir.all_units()) {
        if (u.id != c.unit_id) {
            unit_choice.choices.emplace_back(u.id, u.name);
        }
    }
    return {unit_choice, text_input("reason", nb ? "Hvorfor videresendes saken?"
                                                 : "Why is the case forwarded?")};
}

std::vector<action_input> evaluate_inputs(const deviation_case&, const directory&, language l) {
    return {text_input("effect", l == language::nb ? "Hvilken effekt hadde tiltaket?"
                                                   : "What effect did the measure have?")};
}

std::vector<action_input> close_inputs(const deviation_case&, const directory&, language l) {
    return {text_input("conclusion", l == language::nb ? "Skriv en kort konklusjon for saken."
                                                       : "Write a short conclusion.")};
}

std::vector<action_input> authority_inputs(const deviation_case&, const directory&, language l) {
    const bool nb = l == language::nb;
    return {{"outcome",
             nb ? "Hva er vurderingen av meldeplikten?" : "What is the decision?",
             action_input::input_kind::choice,
             {{"reported", nb ? "Meldt til tilsynsmyndigheten" : "Reported to the authorities"},
              {"not_required", nb ? "Ikke meldepliktig" : "Not reportable"}},
             true},
            text_input("note", nb ? "Begrunnelse eller referanse:" : "Reason or reference:")};
}

std::vector<action_input> info_inputs(const deviation_case&, const directory&, language l) {
    return {text_input(
        "info", l == language::nb ? "Hva vil du legge til?" : "What would you like to add?")};
}

// --- what it changes ----------------------------------------------------------------------

std::string event_key(const deviation_case& c, std::string_view kind, const context& ctx) {
    return c.human_id + ":" + std::string(kind) + ":" +
           std::to_string(ctx.now.time_since_epoch().count());
}

void tell_reporter(context& ctx, const deviation_case& c, std::string_view kind,
                   std::string_view nb_text, std::string_view en_text) {
    const language l = language_of(ctx.dir, c.reporter_email);
    message m = case_card(c, ctx.dir, c.reporter_email, l, ctx.cfg,
                          c.human_id + (l == language::nb ? ": " : ": ") +
                              std::string(l == language::nb ? nb_text : en_text));
    ctx.notify(c.reporter_email, std::move(m), event_key(c, kind, ctx));
}

void tell_leaders(context& ctx, const deviation_case& c, std::string_view kind,
                  std::string_view nb_text, std::string_view en_text) {
    for (const auto& leader : unit_leaders(ctx.dir, c.unit_id)) {
        const language l = language_of(ctx.dir, leader);
        ctx.notify(
            leader,
            case_card(c, ctx.dir, leader, l, ctx.cfg,
                      c.human_id + ": " + std::string(l == language::nb ? nb_text : en_text)),
            event_key(c, kind, ctx));
    }
}

void confirm(context& ctx, const deviation_case& c, std::string_view nb_text,
             std::string_view en_text) {
    ctx.reply(case_card(c, ctx.dir, ctx.me.email, ctx.me.lang, ctx.cfg,
                        c.human_id + ": " + std::string(ctx.t(nb_text, en_text))));
}

void apply_show(context& ctx, deviation_case& c, const action_values&) {
    ctx.reply(case_card(c, ctx.dir, ctx.me.email, ctx.me.lang, ctx.cfg,
                        c.human_id + " – " + unit_label(ctx.dir, c.unit_id)));
}

void apply_receive(context& ctx, deviation_case& c, const action_values&) {
    c.state = case_state::mottatt;
    ctx.record(c, "received");
    const std::string who = person_label(ctx.dir, ctx.me.email);
    tell_reporter(ctx, c, "received", "saken din er mottatt av " + who,
                  "your case was received by " + who);
    confirm(ctx, c, "du har mottatt saken", "you received the case");
}

void apply_assess(context& ctx, deviation_case& c, const action_values& v) {
    c.risk = risk_assessment{std::stoi(v.at("probability")), std::stoi(v.at("consequence"))};
    if (c.state == case_state::ny || c.state == case_state::mottatt) {
        c.state = case_state::under_behandling;
    }
    const auto level = level_of(*c.risk, ctx.cfg.risk);
    ctx.record(c, "assessed",
               "probability=" + v.at("probability") + " consequence=" + v.at("consequence") +
                   " score=" + std::to_string(c.risk->score()) +
                   " level=" + std::string(to_string(level)));
    if (is_serious(c, ctx.cfg.serious) && c.authority == authority_flag::none) {
        c.authority = authority_flag::pending;
        ctx.record(c, "flagged_serious");
        for (const auto& member : patient_safety_members(ctx.dir)) {
            const language l = language_of(ctx.dir, member);
            ctx.notify(
                member,
                case_card(c, ctx.dir, member, l, ctx.cfg,
                          l == language::nb ? "Alvorlig hendelse " + c.human_id +
                                                  " – kan være meldepliktig til tilsynsmyndigheten"
                                            : "Serious event " + c.human_id +
                                                  " – may have to be reported to the authorities"),
                event_key(c, "serious", ctx), true);
        }
    }
    tell_reporter(ctx, c, "assessed", "saken din er risikovurdert og under behandling",
                  "your case has been risk assessed and is in progress");
    confirm(ctx, c, "risikovurdering registrert", "risk assessment recorded");
    if (c.authority == authority_flag::pending) {
        ctx.say(
            ctx.t("Dette er en alvorlig hendelse. Pasient- og brukersikkerhetsutvalget er "
                  "varslet, og saken er merket «kan være meldepliktig» til en leder har "
                  "registrert en vurdering.",
                  "This is a serious event. The patient and user safety committee has been "
                  "told, and the case is flagged «may have to be reported» until a leader "
                  "records a decision."));
    }
}

void apply_add_measure(context& ctx, deviation_case& c, const action_values& v) {
    measure m;
    m.number = 1;
    for (const auto& existing : c.measures) {
        m.number = std::max(m.number, existing.number + 1);
    }
    m.text = v.at("text");
    m.responsible_email = v.at("responsible");
    m.due_date = v.at("due");
    c.measures.push_back(m);
    if (c.state == case_state::ny || c.state == case_state::mottatt) {
        c.state = case_state::under_behandling;
    }
    ctx.record(c, "measure_added", "measure=" + std::to_string(m.number) + " due=" + m.due_date);
    const language l = language_of(ctx.dir, m.responsible_email);
    ctx.notify(m.responsible_email,
               case_card(c, ctx.dir, m.responsible_email, l, ctx.cfg,
                         l == language::nb ? c.human_id + ": du er ansvarlig for tiltak " +
                                                 std::to_string(m.number) + ", frist " + m.due_date
                                           : c.human_id + ": you are responsible for measure " +
                                                 std::to_string(m.number) + ", due " + m.due_date),
               event_key(c, "measure_added_" + std::to_string(m.number), ctx));
    tell_reporter(ctx, c, "measure_added", "det er besluttet tiltak i saken din",
                  "a measure has been decided in your case");
    confirm(ctx, c, "tiltak " + std::to_string(m.number) + " lagt til",
            "measure " + std::to_string(m.number) + " added");
}

void apply_forward(context& ctx, deviation_case& c, const action_values& v) {
    const std::string from = unit_label(ctx.dir, c.unit_id);
    c.unit_id = v.at("unit");
    const std::string to = unit_label(ctx.dir, c.unit_id);
    ctx.record(c, "forwarded", "from=" + from + " to=" + to + " reason=" + v.at("reason"));
    tell_leaders(ctx, c, "forwarded",
                 "videresendt til " + to + " fra " + from + ": " + v.at("reason"),
                 "forwarded to " + to + " from " + from + ": " + v.at("reason"));
    tell_reporter(ctx, c, "forwarded", "saken din er videresendt til " + to,
                  "your case was forwarded to " + to);
    confirm(ctx, c, "videresendt til " + to, "forwarded to " + to);
}

void apply_measure_done(context& ctx, deviation_case& c, const action_values& v) {
    measure* m = find_measure(c, v);
    m->state = measure_state::done;
    m->done_at = ctx.now;
    ctx.record(c, "measure_done", "measure=" + std::to_string(m->number));
    tell_leaders(ctx, c, "measure_done",
                 "tiltak " + std::to_string(m->number) + " er utført – vurder effekten",
                 "measure " + std::to_string(m->number) + " is done – evaluate its effect");
    confirm(ctx, c, "tiltak " + std::to_string(m->number) + " er utført",
            "measure " + std::to_string(m->number) + " is done");
}

void apply_evaluate(context& ctx, deviation_case& c, const action_values& v) {
    measure* m = find_measure(c, v);
    m->effect = v.at("effect");
    m->evaluated_at = ctx.now;
    ctx.record(c, "measure_evaluated", "measure=" + std::to_string(m->number));
    confirm(ctx, c, "effekten av tiltak " + std::to_string(m->number) + " er vurdert",
            "the effect of measure " + std::to_string(m->number) + " is recorded");
}

void apply_close(context& ctx, deviation_case& c, const action_values& v) {
    c.state = case_state::lukket;
    c.conclusion = v.at("conclusion");
    ctx.record(c, "closed");
    tell_reporter(ctx, c, "closed", "saken din er lukket", "your case is closed");
    confirm(ctx, c, "saken er lukket", "the case is closed");
}

void apply_authority(context& ctx, deviation_case& c, const action_values& v) {
    c.authority =
        v.at("outcome") == "reported" ? authority_flag::reported : authority_flag::not_required;
    c.authority_note = v.at("note");
    ctx.record(c, "authority_decision", "outcome=" + v.at("outcome"));
    for (const auto& member : patient_safety_members(ctx.dir)) {
        const language l = language_of(ctx.dir, member);
        ctx.notify(member,
                   case_card(c, ctx.dir, member, l, ctx.cfg,
                             c.human_id + (l == language::nb ? ": meldeplikt vurdert"
                                                             : ": reporting duty decided")),
                   event_key(c, "authority", ctx));
    }
    confirm(ctx, c, "vurdering av meldeplikt registrert", "reporting-duty decision recorded");
}

void apply_add_info(context& ctx, deviation_case& c, const action_values& v) {
    c.description += "\n\n" + std::string(ctx.t("Tillegg ", "Added ")) + format_oslo(ctx.now) +
                     " (" + person_label(ctx.dir, ctx.me.email) + "): " + v.at("info");
    ctx.record(c, "info_added");
    tell_leaders(ctx, c, "info_added", "ny informasjon i saken", "new information on the case");
    confirm(ctx, c, "informasjonen er lagt til", "the information was added");
}

const std::array<case_action_spec, 10> specs{{
    {"case.show", "Vis", "Show", false, may_view, any_state, no_inputs, apply_show},
    {"case.receive", "Motta", "Receive", false, is_leader, only_new, no_inputs, apply_receive},
    {"case.assess", "Risikovurder", "Assess risk", false, is_leader, while_open, assess_inputs,
     apply_assess},
    {"case.add_measure", "Nytt tiltak", "Add measure", false, is_leader, while_open, measure_inputs,
     apply_add_measure},
    {"case.measure_done", "Tiltak utført", "Measure done", true, is_responsible_or_leader,
     measure_open, no_inputs, apply_measure_done},
    {"case.evaluate", "Vurder effekt", "Evaluate effect", true, is_leader, measure_unevaluated,
     evaluate_inputs, apply_evaluate},
    {"case.authority", "Meldeplikt", "Reporting duty", false, is_leader, authority_pending,
     authority_inputs, apply_authority},
    {"case.forward", "Videresend", "Forward", false, is_leader, while_open, forward_inputs,
     apply_forward},
    {"case.close", "Lukk", "Close", false, is_leader, closable, close_inputs, apply_close},
    {"case.add_info", "Legg til informasjon", "Add information", false, is_reporter_or_leader,
     while_open, info_inputs, apply_add_info},
}};

void ask(context& ctx, const action_input& in, const std::string& verb, const action_values& values,
         bool again) {
    conversation_state s;
    s.flow = "action";
    s.fields["verb"] = verb;
    s.fields["asking"] = in.name;
    for (const auto& [k, val] : values) {
        s.fields["v." + k] = val;
    }
    ctx.set_conversation(s);
    message m;
    m.text = again ? std::string(ctx.t("Det forsto jeg ikke. ", "I did not understand that. ")) +
                         in.label
                   : in.label;
    for (const auto& [value, label] : in.choices) {
        m.actions.push_back({"flow.answer", label, {{"value", value}}, {}});
    }
    m.text += std::string(ctx.t(" (skriv «avbryt» for å avbryte)", " (type «cancel» to stop)"));
    ctx.reply(std::move(m));
}

}  // namespace

std::vector<action> case_action_spec::offer(const deviation_case& c, const directory& dir,
                                            const std::string& viewer, language lang) const {
    std::vector<action> out;
    if (verb == "case.show") {
        return out;  // the card itself is the view
    }
    const auto try_offer = [&](action_values data, std::string label) {
        if (permitted(c, dir, viewer, data) && state_problem(c, data).first.empty()) {
            out.push_back(
                {std::string(verb), std::move(label), std::move(data), inputs(c, dir, lang)});
        }
    };
    const std::string base(lang == language::nb ? label_nb : label_en);
    if (per_measure) {
        for (const auto& m : c.measures) {
            try_offer({{"case", c.human_id}, {"measure", std::to_string(m.number)}},
                      base + " " + std::to_string(m.number));
        }
    } else {
        try_offer({{"case", c.human_id}}, base);
    }
    return out;
}

std::span<const case_action_spec> case_action_specs() {
    return specs;
}

const case_action_spec* find_case_action(std::string_view verb) {
    for (const auto& s : specs) {
        if (s.verb == verb) {
            return &s;
        }
    }
    return nullptr;
}

std::optional<std::string> accept_input(context& ctx, const action_input& in,
                                        std::string_view answer) {
    const std::string_view a = trim(answer);
    if (a.empty()) {
        return std::nullopt;
    }
    switch (in.kind) {
        case action_input::input_kind::choice: {
            const std::string folded = fold_case(a);
            for (std::size_t i = 0; i < in.choices.size(); ++i) {
                const auto& [value, label] = in.choices[i];
                if (folded == fold_case(value) || folded == fold_case(label) ||
                    folded == std::to_string(i + 1)) {
                    return value;
                }
            }
            if (in.name == "probability" || in.name == "consequence") {
                if (const auto n = parse_scale(a)) {
                    return std::to_string(*n);
                }
            }
            return std::nullopt;
        }
        case action_input::input_kind::date: {
            const std::string folded = fold_case(a);
            std::optional<std::chrono::year_month_day> d = parse_iso_date(folded);
            if (!d) {
                unsigned day = 0, mon = 0;
                int yr = 0;
                int used = 0;
                const std::string s(folded);
                if (std::sscanf(s.c_str(), "%2u.%2u.%4d%n", &day, &mon, &yr, &used) == 3 &&
                    static_cast<std::size_t>(used) == s.size()) {
                    const std::chrono::year_month_day ymd{
                        std::chrono::year{yr}, std::chrono::month{mon}, std::chrono::day{day}};
                    if (ymd.ok()) {
                        d = ymd;
                    }
                }
            }
            if (!d || *d < to_oslo(ctx.now).date) {
                return std::nullopt;  // a due date in the past is a typo
            }
            return format_date(*d);
        }
        case action_input::input_kind::time: {
            const bool hh_mm = a.size() == 5 && a[2] == ':' &&
                               a.find_first_not_of("0123456789:") == std::string_view::npos &&
                               (a[0] - '0') * 10 + (a[1] - '0') < 24 && a[3] < '6';
            return hh_mm ? std::optional<std::string>(a) : std::nullopt;
        }
        case action_input::input_kind::person: {
            // An email address, or its local part within the asker's own domain.
            std::string email = fold_case(a);
            const auto own_domain = ctx.me.email.find('@');
            if (email.find('@') == std::string::npos && own_domain != std::string::npos) {
                email += ctx.me.email.substr(own_domain);
            }
            if (const auto p = ctx.dir.find_person(email); p && p->active) {
                return p->email;
            }
            return std::nullopt;
        }
        case action_input::input_kind::text: {
            const auto r = redact_identity_numbers(a);
            if (r.removed > 0) {
                ctx.say(
                    ctx.t("Jeg fjernet et personnummer fra teksten: personnummer skal ikke stå "
                          "i saker.",
                          "I removed an identity number from the text: identity numbers do "
                          "not belong in cases."));
            }
            return r.text;
        }
    }
    return std::nullopt;
}

namespace {

// Ends an action flow being answered; a filing in progress is kept whatever happens to a
// button pressed meanwhile.
void end_action_flow(context& ctx) {
    if (ctx.conv.flow == "action") {
        ctx.end_conversation();
    }
}

}  // namespace

void run_case_action(context& ctx, const std::string& verb, action_values values) {
    const case_action_spec* spec = find_case_action(verb);
    const std::string case_id = value_or(values, "case");
    const auto found = spec ? ctx.repo.find_case(case_id) : std::nullopt;
    if (!spec || !found) {
        end_action_flow(ctx);
        ctx.say(ctx.t("Fant ikke saken " + case_id + ".", "Could not find case " + case_id + "."));
        return;
    }
    deviation_case c = *found;
    if (!spec->permitted(c, ctx.dir, ctx.me.email, values)) {
        end_action_flow(ctx);
        ctx.audit("denied:" + verb, c.human_id, "denied");
        ctx.say(ctx.t("Beklager, du har ikke tilgang til å gjøre dette i sak " + c.human_id +
                          ". Forsøket er logget. Ta kontakt med lederen for enheten om du mener "
                          "dette er feil.",
                      "Sorry, you are not allowed to do this on case " + c.human_id +
                          ". The attempt has been logged. Contact the unit's leader if you "
                          "think this is wrong."));
        return;
    }
    if (const auto p = spec->state_problem(c, values); !p.first.empty()) {
        end_action_flow(ctx);
        ctx.audit(verb, c.human_id, "invalid");
        ctx.say(ctx.t(p.first, p.second));
        return;
    }
    for (const auto& in : spec->inputs(c, ctx.dir, ctx.me.lang)) {
        auto it = values.find(in.name);
        const bool given = it != values.end();
        if (given) {
            if (auto accepted = accept_input(ctx, in, it->second)) {
                it->second = *accepted;
                continue;
            }
            values.erase(it);
        } else if (!in.required) {
            continue;
        }
        if (ctx.conv.flow == "file") {
            // One conversation at a time: asking now would throw the draft away.
            ctx.say(ctx.t("Du holder på å melde en sak. Send den inn eller skriv «avbryt» først.",
                          "You are in the middle of a report. Submit it or type «cancel» "
                          "first."));
            return;
        }
        ask(ctx, in, verb, values, given);
        return;
    }
    if (ctx.conv.flow == "action") {
        end_action_flow(ctx);
    }
    spec->apply(ctx, c, values);
    if (verb != "case.show") {
        c.updated_at = ctx.now;
        ctx.audit(verb, c.human_id, "ok");
        ctx.out.case_write = std::move(c);
    }
}

}  // namespace kv::bot
