#include "bot/dialog/filing.hpp"

#include <array>

#include "bot/dialog/case_view.hpp"
#include "bot/dialog/understanding.hpp"
#include "bot/domain/access.hpp"
#include "bot/domain/case_id.hpp"
#include "bot/domain/names.hpp"
#include "bot/domain/oslo_time.hpp"
#include "bot/domain/redaction.hpp"

namespace kv::bot {
namespace {

constexpr std::array<case_kind, 4> all_kinds{case_kind::avvik, case_kind::nestenuhell,
                                             case_kind::forbedringsforslag, case_kind::klage};
constexpr std::array<category, 3> all_categories{category::hms, category::organisasjon,
                                                 category::tjeneste};

std::string field(const context& ctx, const std::string& name) {
    const auto it = ctx.conv.fields.find(name);
    return it == ctx.conv.fields.end() ? std::string{} : it->second;
}

// Redacts and stores a free-text answer; tells the person when a number was removed.
std::string clean_text(context& ctx, std::string_view text) {
    auto r = redact_identity_numbers(trim(text));
    if (r.removed > 0) {
        ctx.say(ctx.t("Jeg fjernet " + std::to_string(r.removed) +
                          " personnummer fra teksten. Personnummer og andre direkte "
                          "identifiserende opplysninger skal ikke stå i en avviksmelding.",
                      "I removed " + std::to_string(r.removed) +
                          " identity number(s) from the text. Identity numbers do not belong "
                          "in a deviation report."));
    }
    return r.text;
}

message question(context& ctx, std::string text) {
    message m;
    m.text = std::move(text) +
             std::string(ctx.t(" (skriv «avbryt» for å avbryte)", " (type «cancel» to stop)"));
    return m;
}

void ask(context& ctx, const std::string& what, bool again) {
    conversation_state s = ctx.conv;
    s.fields["asking"] = what;
    ctx.set_conversation(s);
    const std::string prefix =
        again ? std::string(ctx.t("Det forsto jeg ikke. ", "I did not understand that. "))
              : std::string{};
    if (what == "description") {
        ctx.reply(question(ctx, prefix + std::string(ctx.t("Beskriv kort hva som skjedde.",
                                                           "Describe briefly what happened."))));
    } else if (what == "kind") {
        message m = question(ctx, prefix + std::string(ctx.t("Hva slags melding er dette?",
                                                             "What kind of report is this?")));
        for (const auto k : all_kinds) {
            m.actions.push_back({"flow.answer",
                                 std::string(display_name(k, ctx.me.lang)),
                                 {{"value", std::string(to_string(k))}},
                                 {}});
        }
        ctx.reply(std::move(m));
    } else if (what == "category") {
        message m = question(ctx, prefix + std::string(ctx.t("Hvilken kategori gjelder det?",
                                                             "Which category is it?")));
        for (const auto c : all_categories) {
            m.actions.push_back({"flow.answer",
                                 std::string(display_name(c, ctx.me.lang)),
                                 {{"value", std::string(to_string(c))}},
                                 {}});
        }
        ctx.reply(std::move(m));
    } else if (what == "unit") {
        message m =
            question(ctx, prefix + std::string(ctx.t("Hvor skjedde det?", "Where did it happen?")));
        for (const auto& u : ctx.dir.all_units()) {
            m.actions.push_back({"flow.answer", u.name, {{"value", u.id}}, {}});
        }
        ctx.reply(std::move(m));
    } else if (what == "occurred") {
        ctx.reply(question(
            ctx, prefix + std::string(ctx.t("Når skjedde det? (f.eks. «i dag kl 14», «i går», "
                                            "«23.11 kl 08:30», «nå»)",
                                            "When did it happen? (e.g. «today at 14:00», "
                                            "«yesterday», «2026-11-23 08:30», «now»)"))));
    } else if (what == "immediate_action") {
        ctx.reply(
            question(ctx, prefix + std::string(ctx.t("Hva ble gjort med en gang? (skriv «ingen» om "
                                                     "ingenting ble gjort)",
                                                     "What was done at once? (type «none» if "
                                                     "nothing)"))));
    }
}

void show_summary(context& ctx) {
    conversation_state s = ctx.conv;
    s.fields["asking"] = "confirm";
    ctx.set_conversation(s);
    const language l = ctx.me.lang;
    message m;
    m.title = std::string(ctx.t("Stemmer dette?", "Is this right?"));
    const auto kind = parse_case_kind(field(ctx, "kind"));
    const auto cat = parse_category(field(ctx, "category"));
    const auto guessed = [&](const std::string& name) {
        return field(ctx, name + "_guessed") == "1"
                   ? std::string(
                         ctx.t(" (gjettet – endre om feil)", " (guessed – change if wrong)"))
                   : std::string{};
    };
    m.facts.push_back(
        {std::string(ctx.t("Type", "Kind")),
         std::string(display_name(kind.value_or(case_kind::avvik), l)) + guessed("kind")});
    m.facts.push_back(
        {std::string(ctx.t("Kategori", "Category")),
         std::string(display_name(cat.value_or(category::tjeneste), l)) + guessed("category")});
    m.facts.push_back(
        {std::string(ctx.t("Enhet", "Unit")), unit_label(ctx.dir, field(ctx, "unit"))});
    m.facts.push_back({std::string(ctx.t("Når", "When")), field(ctx, "occurred")});
    m.facts.push_back(
        {std::string(ctx.t("Strakstiltak", "Immediate action")), field(ctx, "immediate_action")});
    m.text = field(ctx, "description");
    m.actions = {
        {"draft.submit", std::string(ctx.t("Send inn", "Submit")), {}, {}},
        {"draft.change", std::string(ctx.t("Endre type", "Change kind")), {{"field", "kind"}}, {}},
        {"draft.change",
         std::string(ctx.t("Endre kategori", "Change category")),
         {{"field", "category"}},
         {}},
        {"draft.change", std::string(ctx.t("Endre sted", "Change unit")), {{"field", "unit"}}, {}},
        {"draft.change",
         std::string(ctx.t("Endre tidspunkt", "Change time")),
         {{"field", "occurred"}},
         {}},
        {"draft.cancel", std::string(ctx.t("Avbryt", "Cancel")), {}, {}},
    };
    ctx.reply(std::move(m));
}

bool is_changeable(const std::string& field_name) {
    return field_name == "kind" || field_name == "category" || field_name == "unit" ||
           field_name == "occurred";
}

// Asks for the first missing field, or shows the summary when nothing is missing.
void next_step(context& ctx) {
    for (const char* name :
         {"description", "kind", "category", "unit", "occurred", "immediate_action"}) {
        if (field(ctx, name).empty()) {
            ask(ctx, name, false);
            return;
        }
    }
    show_summary(ctx);
}

// Accepts an answer for the field being asked; false when it does not fit.
bool accept(context& ctx, const std::string& what, std::string_view answer) {
    const std::string a(trim(answer));
    const std::string folded = fold_case(a);
    conversation_state s = ctx.conv;
    const auto pick = [&](auto values, auto name_of) -> std::optional<std::string> {
        std::size_t i = 0;
        for (const auto v : values) {
            ++i;
            if (folded == std::to_string(i) || folded == fold_case(to_string(v)) ||
                folded == fold_case(name_of(v))) {
                return std::string(to_string(v));
            }
        }
        return std::nullopt;
    };
    std::optional<std::string> value;
    if (what == "description") {
        if (!a.empty()) {
            value = clean_text(ctx, a);
        }
    } else if (what == "kind") {
        value = pick(all_kinds, [&](case_kind k) { return display_name(k, ctx.me.lang); });
        if (!value && (folded == "klage" || folded == "synspunkt" || folded == "complaint")) {
            value = "klage";
        }
    } else if (what == "category") {
        value = pick(all_categories, [&](category c) { return display_name(c, ctx.me.lang); });
        if (!value && (folded == "tjeneste" || folded == "bruker" || folded == "service")) {
            value = "tjeneste";
        } else if (!value && (folded == "organisasjon" || folded == "internt")) {
            value = "organisasjon";
        }
    } else if (what == "unit") {
        std::size_t i = 0;
        for (const auto& u : ctx.dir.all_units()) {
            ++i;
            if (folded == std::to_string(i) || folded == fold_case(u.id) ||
                folded == fold_case(u.name)) {
                value = u.id;
            }
        }
    } else if (what == "occurred") {
        value = parse_occurred(a, ctx.now);
    } else if (what == "immediate_action") {
        if (folded == "ingen" || folded == "none" || folded == "nei" || folded == "no") {
            value = std::string(ctx.t("Ingen", "None"));
        } else if (!a.empty()) {
            value = clean_text(ctx, a);
        }
    }
    if (!value) {
        return false;
    }
    s.fields[what] = *value;
    s.fields.erase(what + "_guessed");
    ctx.conv = s;
    return true;
}

}  // namespace

void file_draft(context& ctx) {
    const int year = static_cast<int>(to_oslo(ctx.now).date.year());
    deviation_case c;
    c.year = year;
    c.seq = ctx.repo.next_case_seq(year);
    c.human_id = format_case_id(ctx.cfg.case_prefix, year, c.seq);
    c.kind = parse_case_kind(field(ctx, "kind")).value_or(case_kind::avvik);
    c.cat = parse_category(field(ctx, "category")).value_or(category::tjeneste);
    c.unit_id = field(ctx, "unit");
    c.reporter_email = ctx.me.email;
    c.description = field(ctx, "description");
    c.occurred = field(ctx, "occurred");
    c.immediate_action = field(ctx, "immediate_action");
    c.state = case_state::ny;
    c.created_at = ctx.now;
    c.updated_at = ctx.now;
    ctx.end_conversation();
    ctx.record(c, "filed");
    ctx.audit("case.file", c.human_id, "ok");
    for (const auto& leader : unit_leaders(ctx.dir, c.unit_id)) {
        const language l = language_of(ctx.dir, leader);
        ctx.notify(leader,
                   case_card(c, ctx.dir, leader, l, ctx.cfg,
                             (l == language::nb ? "Ny sak " : "New case ") + c.human_id + " (" +
                                 std::string(display_name(c.kind, l)) + ") – " +
                                 unit_label(ctx.dir, c.unit_id)),
                   c.human_id + ":filed");
    }
    message m;
    m.title = std::string(ctx.t("Takk! Meldingen er registrert som ",
                                "Thank you! Your report is registered as ")) +
              c.human_id;
    m.subject_key = c.human_id;
    m.facts = {
        {std::string(ctx.t("Status", "Status")), std::string(display_name(c.state, ctx.me.lang))},
        {std::string(ctx.t("Enhet", "Unit")), unit_label(ctx.dir, c.unit_id)}};
    m.text =
        std::string(ctx.t("Lederen for enheten har fått beskjed. Du får melding når saken "
                          "endrer status. Skriv «mine saker» for å følge den.",
                          "The unit's leader has been told. You will hear from me when the "
                          "case changes status. Type «my cases» to follow it."));
    ctx.out.case_write = std::move(c);
    ctx.reply(std::move(m));
}

void start_filing(context& ctx, std::optional<case_kind> kind, std::string_view text) {
    conversation_state s;
    s.flow = "file";
    if (!ctx.me.unit_id.empty()) {
        s.fields["unit"] = ctx.me.unit_id;
    }
    const std::string_view described = trim(text);
    if (!described.empty()) {
        s.fields["description"] = clean_text(ctx, described);
        const std::string& d = s.fields["description"];
        const auto guessed_kind = guess_kind(d);
        // "avvik: ..." names the generic kind; a clearer word in the text still wins, shown.
        if (guessed_kind && (!kind || *kind == case_kind::avvik)) {
            s.fields["kind"] = std::string(to_string(*guessed_kind));
            s.fields["kind_guessed"] = "1";
        } else if (kind) {
            s.fields["kind"] = std::string(to_string(*kind));
        }
        if (const auto c = guess_category(d)) {
            s.fields["category"] = std::string(to_string(*c));
            s.fields["category_guessed"] = "1";
        }
        if (const auto when = find_occurred(d, ctx.now)) {
            s.fields["occurred"] = *when;
        }
    } else if (kind) {
        s.fields["kind"] = std::string(to_string(*kind));
    }
    ctx.set_conversation(s);
    next_step(ctx);
}

void continue_filing(context& ctx) {
    const std::string asking = field(ctx, "asking");
    if (ctx.ev.is_action()) {
        const auto& verb = ctx.ev.action_verb;
        const auto data = [&](const char* k) {
            const auto it = ctx.ev.action_data.find(k);
            return it == ctx.ev.action_data.end() ? std::string{} : it->second;
        };
        if (verb == "draft.submit" && asking == "confirm") {
            file_draft(ctx);
            return;
        }
        if (verb == "draft.cancel") {
            ctx.end_conversation();
            ctx.say(ctx.t("Avbrutt. Ingenting er lagret.", "Cancelled. Nothing was stored."));
            return;
        }
        if (verb == "draft.change" && is_changeable(data("field"))) {
            ask(ctx, data("field"), false);
            return;
        }
        if (verb == "flow.answer" && accept(ctx, asking, data("value"))) {
            ctx.set_conversation(ctx.conv);
            next_step(ctx);
            return;
        }
        if (asking == "confirm") {
            show_summary(ctx);
        } else {
            ask(ctx, asking, true);
        }
        return;
    }
    if (asking == "confirm") {
        const std::string a = fold_case(trim(ctx.ev.text));
        if (a == "ja" || a == "send" || a == "send inn" || a == "yes" || a == "submit" ||
            a == "ok") {
            file_draft(ctx);
            return;
        }
        ctx.say(ctx.t("Velg et av valgene under, eller skriv «ja» for å sende inn.",
                      "Pick one of the choices below, or type «yes» to submit."));
        show_summary(ctx);
        return;
    }
    if (accept(ctx, asking, ctx.ev.text)) {
        ctx.set_conversation(ctx.conv);
        next_step(ctx);
    } else {
        ask(ctx, asking, true);
    }
}

}  // namespace kv::bot
