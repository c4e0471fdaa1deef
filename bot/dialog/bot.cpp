#include "bot/dialog/bot.hpp"

#include "bot/dialog/approval_actions.hpp"
#include "bot/dialog/case_rules.hpp"
#include "bot/dialog/commands.hpp"
#include "bot/dialog/context.hpp"
#include "bot/dialog/filing.hpp"
#include "bot/dialog/filing_form.hpp"
#include "bot/dialog/procedure_actions.hpp"
#include "bot/dialog/understanding.hpp"

namespace kv::bot {
namespace {

decision refuse_unknown_person(const inbound_event& ev) {
    decision d;
    message m;
    m.text =
        "Beklager, jeg kjenner deg ikke igjen, så jeg kan ikke ta imot meldinger fra deg. Ta "
        "kontakt med kvalitetskoordinatoren i kommunen. / Sorry, I do not know you, so I cannot "
        "take messages from you. Please contact the municipality's quality coordinator.";
    d.replies.push_back(std::move(m));
    d.audit.push_back({ev.sender_email, ev.via, "denied:unknown_person", "", "denied", ""});
    return d;
}

std::size_t event_size(const inbound_event& ev) {
    std::size_t n = ev.text.size();
    for (const auto& [k, v] : ev.action_data) {
        n += k.size() + v.size();
    }
    return n;
}

// Runs a button's verb with its values, by the part of the bot that owns the verb.
void run_action(context& ctx, const std::string& verb, action_values values) {
    if (verb.rfind("approval.", 0) == 0) {
        run_approval_action(ctx, verb, std::move(values));
    } else if (verb.rfind("review.", 0) == 0 || verb.rfind("reading.", 0) == 0) {
        run_procedure_action(ctx, verb, std::move(values));
    } else {
        run_case_action(ctx, verb, std::move(values));
    }
}

// An answer (typed, or a pressed choice) to the question an action flow is asking.
void answer_action_flow(context& ctx, std::string answer) {
    action_values values;
    for (const auto& [k, v] : ctx.conv.fields) {
        if (k.rfind("v.", 0) == 0) {
            values[k.substr(2)] = v;
        }
    }
    const std::string verb = ctx.conv.fields["verb"];
    values[ctx.conv.fields["asking"]] = std::move(answer);
    run_action(ctx, verb, std::move(values));
}

void handle_action(context& ctx) {
    const std::string& verb = ctx.ev.action_verb;
    if (verb.rfind("case.", 0) == 0 || verb.rfind("approval.", 0) == 0 ||
        verb.rfind("review.", 0) == 0 || verb.rfind("reading.", 0) == 0) {
        run_action(ctx, verb, ctx.ev.action_data);
        return;
    }
    if (verb == form_submit_verb) {
        submit_filing_form(ctx);
        return;
    }
    const bool flow_answer = verb == "flow.answer" || verb.rfind("draft.", 0) == 0;
    if (flow_answer && ctx.conv.flow == "file") {
        continue_filing(ctx);
        return;
    }
    if (verb == "flow.answer" && ctx.conv.flow == "action") {
        const auto it = ctx.ev.action_data.find("value");
        answer_action_flow(ctx, it == ctx.ev.action_data.end() ? std::string{} : it->second);
        return;
    }
    ctx.audit(verb, "", "invalid");
    ctx.say(ctx.t("Det valget er ikke lenger aktivt. Skriv «hjelp» for å se hva du kan gjøre.",
                  "That choice is no longer active. Type «help» to see what you can do."));
}

}  // namespace

decision bot::decide(const inbound_event& ev, const directory& dir, const repository& repo,
                     time_point now) const {
    const auto me = dir.find_person(ev.sender_email);
    if (!me || !me->active) {
        return refuse_unknown_person(ev);
    }
    context ctx{ev, *me,         dir, repo, settings_, now, repo.conversation(me->email, ev.via),
                {}, wheel_.get()};
    if (const auto size = event_size(ev); size > settings_.max_message_chars) {
        ctx.audit("rejected:too_long", "", "invalid", "bytes=" + std::to_string(size));
        ctx.say(ctx.t(
            "Meldingen er for lang (" + std::to_string(size) + " tegn). Skriv kortere, høyst " +
                std::to_string(settings_.max_message_chars) + " tegn. Ingenting er lagret.",
            "The message is too long (" + std::to_string(size) +
                " characters). Please keep it under " +
                std::to_string(settings_.max_message_chars) + " characters. Nothing was stored."));
        return std::move(ctx.out);
    }
    if (ev.is_action()) {
        handle_action(ctx);
        return std::move(ctx.out);
    }
    const std::string folded = fold_case(trim(ev.text));
    if (folded.empty()) {
        return std::move(ctx.out);
    }
    if ((folded == "avbryt" || folded == "cancel") && !ctx.conv.empty()) {
        ctx.end_conversation();
        ctx.say(ctx.t("Avbrutt. Ingenting er lagret.", "Cancelled. Nothing was stored."));
    } else if (ctx.conv.flow == "file") {
        continue_filing(ctx);
    } else if (ctx.conv.flow == "action") {
        answer_action_flow(ctx, ev.text);
    } else if (!run_procedure_command(ctx, ev.text)) {
        run_command(ctx, ev.text);
    }
    return std::move(ctx.out);
}

}  // namespace kv::bot
