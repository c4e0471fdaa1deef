#include "bot/dialog/approval_actions.hpp"

#include <charconv>

#include "bot/dialog/case_view.hpp"
#include "bot/dialog/procedure_actions.hpp"
#include "bot/domain/oslo_time.hpp"

namespace kv::bot {
namespace {

std::string detail_label(const std::string& key, bool nb) {
    if (key == "version") {
        return nb ? "Ny versjon" : "New version";
    }
    if (key == "url") {
        return nb ? "Lenke" : "Link";
    }
    if (key == "note") {
        return nb ? "Endringer" : "Changes";
    }
    if (key == "reason") {
        return nb ? "Begrunnelse" : "Reason";
    }
    return key;
}

std::optional<std::int64_t> approval_id(const action_values& values) {
    const auto it = values.find("approval");
    if (it == values.end()) {
        return std::nullopt;
    }
    std::int64_t id = 0;
    const auto& s = it->second;
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), id);
    if (ec != std::errc{} || p != s.data() + s.size() || id <= 0) {
        return std::nullopt;
    }
    return id;
}

void end_action_flow(context& ctx) {
    if (ctx.conv.flow == "action") {
        ctx.end_conversation();
    }
}

}  // namespace

message approval_card(const approval& a, const directory& dir, const std::string& viewer,
                      language lang) {
    const bool nb = lang == language::nb;
    message m;
    m.subject_key = approval_subject_key(a);
    m.title = (nb ? "Til godkjenning: " : "For approval: ") + a.title;
    m.facts.push_back({nb ? "Bedt om av" : "Requested by", person_label(dir, a.requested_by)});
    m.facts.push_back({nb ? "Godkjennes av" : "Approver", person_label(dir, a.approver_email)});
    for (const auto& [key, value] : a.details) {
        if (!value.empty()) {
            m.facts.push_back({detail_label(key, nb), value});
        }
    }
    if (a.state == approval_state::pending) {
        m.facts.push_back({"Status", nb ? "Venter på godkjenning" : "Waiting for approval"});
        if (may_decide(a, viewer)) {
            const std::map<std::string, std::string> data{{"approval", std::to_string(a.id)}};
            m.actions.push_back({"approval.approve", nb ? "Godkjenn" : "Approve", data, {}});
            m.actions.push_back(
                {"approval.reject",
                 nb ? "Avvis" : "Reject",
                 data,
                 {{"comment",
                   nb ? "Hvorfor avvises det? (begrunnelsen sendes til den som ba om det)"
                      : "Why is it rejected? (the reason is sent to the one who asked)",
                   action_input::input_kind::text,
                   {},
                   true}}});
        }
        return m;
    }
    const bool approved = a.state == approval_state::approved;
    const std::string when = a.decided_at ? " " + format_oslo(*a.decided_at) : std::string{};
    m.facts.push_back(
        {"Status",
         std::string(approved ? (nb ? "Godkjent" : "Approved") : (nb ? "Avvist" : "Rejected")) +
             (nb ? " av " : " by ") + person_label(dir, a.decided_by) + when});
    if (!a.comment.empty()) {
        m.facts.push_back({nb ? "Kommentar" : "Comment", a.comment});
    }
    return m;
}

void ask_for_input(context& ctx, const action_input& in, const std::string& verb,
                   const action_values& values, bool again) {
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
    m.text += std::string(ctx.t(" (skriv «avbryt» for å avbryte)", " (type «cancel» to stop)"));
    ctx.reply(std::move(m));
}

void run_approval_action(context& ctx, const std::string& verb, action_values values) {
    const library* lib = ctx.repo.quality_library();
    const auto id = approval_id(values);
    const auto found = lib && id ? lib->find_approval(*id) : std::nullopt;
    if (!found) {
        end_action_flow(ctx);
        ctx.audit(verb, id ? std::to_string(*id) : std::string{}, "invalid");
        ctx.say(ctx.t("Fant ikke godkjenningen.", "Could not find that approval."));
        return;
    }
    approval a = *found;
    const std::string target = "approval:" + std::to_string(a.id);
    if (!may_decide(a, ctx.me.email)) {
        end_action_flow(ctx);
        ctx.audit("denied:" + verb, target, "denied");
        ctx.say(ctx.t("Beklager, bare " + person_label(ctx.dir, a.approver_email) +
                          " kan godkjenne eller avvise dette. Forsøket er logget.",
                      "Sorry, only " + person_label(ctx.dir, a.approver_email) +
                          " can approve or reject this. The attempt has been logged."));
        return;
    }
    if (a.state != approval_state::pending) {
        end_action_flow(ctx);
        ctx.audit(verb, target, "already_decided");
        ctx.reply(approval_card(a, ctx.dir, ctx.me.email, ctx.me.lang));
        return;
    }
    if (verb == "approval.reject") {
        const action_input comment{
            "comment",
            std::string(ctx.t("Hvorfor avvises det? (begrunnelsen sendes til den som ba om det)",
                              "Why is it rejected? (the reason is sent to the one who asked)")),
            action_input::input_kind::text,
            {},
            true};
        auto it = values.find("comment");
        const bool given = it != values.end();
        std::optional<std::string> accepted;
        if (given) {
            accepted = accept_input(ctx, comment, it->second);
        }
        if (!accepted) {
            if (ctx.conv.flow == "file") {
                ctx.say(
                    ctx.t("Du holder på å melde en sak. Send den inn eller skriv «avbryt» "
                          "først.",
                          "You are in the middle of a report. Submit it or type «cancel» "
                          "first."));
                return;
            }
            values.erase("comment");
            ask_for_input(ctx, comment, verb, values, given);
            return;
        }
        a.comment = *accepted;
        a.state = approval_state::rejected;
    } else if (verb == "approval.approve") {
        a.state = approval_state::approved;
    } else {
        end_action_flow(ctx);
        ctx.audit(verb, target, "invalid");
        ctx.say(ctx.t("Det valget er ikke lenger aktivt.", "That choice is no longer active."));
        return;
    }
    end_action_flow(ctx);
    a.decided_by = ctx.me.email;
    a.decided_at = ctx.now;
    ctx.audit(verb, target, "ok");
    ctx.out.approval_writes.push_back(a);
    carry_out_approval(ctx, a);
    const language l = language_of(ctx.dir, a.requested_by);
    ctx.notify(a.requested_by, approval_card(a, ctx.dir, a.requested_by, l), target + ":decided");
    ctx.reply(approval_card(a, ctx.dir, ctx.me.email, ctx.me.lang));
}

}  // namespace kv::bot
