#include "bot/dialog/procedure_actions.hpp"

#include <algorithm>
#include <set>

#include "bot/dialog/approval_actions.hpp"
#include "bot/dialog/case_view.hpp"
#include "bot/dialog/understanding.hpp"
#include "bot/domain/access.hpp"
#include "bot/domain/oslo_time.hpp"

namespace kv::bot {
namespace {

std::string value_or(const action_values& v, const std::string& key) {
    const auto it = v.find(key);
    return it == v.end() ? std::string{} : it->second;
}

action_input text_input(std::string name, std::string label, bool required = true) {
    return {std::move(name), std::move(label), action_input::input_kind::text, {}, required};
}

std::vector<action_input> new_version_inputs(language l) {
    const bool nb = l == language::nb;
    return {text_input("version", nb ? "Hvilket versjonsnummer får den nye versjonen?"
                                     : "What is the new version number?"),
            text_input("url", nb ? "Lenke til den nye versjonen (skriv «-» om ingen ny lenke):"
                                 : "Link to the new version (type «-» for no new link):"),
            text_input("note", nb ? "Hva er endret? Skriv en kort endringsnotat."
                                  : "What changed? Write a short change note.")};
}

std::vector<action_input> delete_inputs(language l) {
    return {text_input("reason", l == language::nb ? "Hvorfor bør prosedyren slettes?"
                                                   : "Why should the procedure be deleted?")};
}

void end_action_flow(context& ctx) {
    if (ctx.conv.flow == "action") {
        ctx.end_conversation();
    }
}

// Fills `values` from what was given; asks for the first missing or unfitting input and returns
// false then.
bool collect(context& ctx, const std::string& verb, action_values& values,
             const std::vector<action_input>& inputs) {
    for (const auto& in : inputs) {
        auto it = values.find(in.name);
        const bool given = it != values.end();
        if (given) {
            if (auto accepted = accept_input(ctx, in, it->second)) {
                it->second = *accepted;
                continue;
            }
            values.erase(it);
        }
        if (ctx.conv.flow == "file") {
            ctx.say(ctx.t("Du holder på å melde en sak. Send den inn eller skriv «avbryt» først.",
                          "You are in the middle of a report. Submit it or type «cancel» first."));
            return false;
        }
        ask_for_input(ctx, in, verb, values, given);
        return false;
    }
    return true;
}

std::string procedure_line(const procedure& p) {
    return p.id + " " + p.title + (p.version.empty() ? "" : " (v" + p.version + ")");
}

void request_approval(context& ctx, const library& lib, const procedure& p, approval_kind kind,
                      std::map<std::string, std::string> details) {
    approval a;
    a.id = lib.next_approval_id();
    for (const auto& pending : ctx.out.approval_writes) {
        a.id = std::max(a.id, pending.id + 1);
    }
    a.kind = kind;
    a.subject = p.id;
    const bool version = kind == approval_kind::procedure_version;
    a.title = p.id + " " + p.title + ": " +
              (version ? "ny versjon " + details["version"] : std::string("sletting"));
    a.requested_by = ctx.me.email;
    a.approver_email = p.owner_email;
    a.details = std::move(details);
    a.created_at = ctx.now;
    ctx.out.approval_writes.push_back(a);
    ctx.audit(version ? "approval.request_version" : "approval.request_deletion",
              "approval:" + std::to_string(a.id), "ok", "procedure=" + p.id);
    const language l = language_of(ctx.dir, a.approver_email);
    ctx.notify(a.approver_email, approval_card(a, ctx.dir, a.approver_email, l),
               "approval:" + std::to_string(a.id) + ":requested");
    ctx.reply(approval_card(a, ctx.dir, ctx.me.email, ctx.me.lang));
    if (a.approver_email != ctx.me.email) {
        ctx.say(ctx.t("Sendt til " + person_label(ctx.dir, a.approver_email) + " for godkjenning.",
                      "Sent to " + person_label(ctx.dir, a.approver_email) + " for approval."));
    }
}

void run_review(context& ctx, const library& lib, const std::string& verb, action_values values) {
    const std::string id = value_or(values, "procedure");
    const auto found = lib.find_procedure(id);
    if (!found || !found->active) {
        end_action_flow(ctx);
        ctx.say(ctx.t("Fant ikke prosedyren " + id + ".", "Could not find procedure " + id + "."));
        return;
    }
    procedure p = *found;
    if (ctx.me.email != p.revision_owner_email && ctx.me.email != p.owner_email) {
        end_action_flow(ctx);
        ctx.audit("denied:" + verb, p.id, "denied");
        ctx.say(ctx.t("Beklager, bare revisjonsansvarlig eller eieren av " + p.id +
                          " kan gjøre dette. Forsøket er logget.",
                      "Sorry, only the revision owner or the owner of " + p.id +
                          " can do this. The attempt has been logged."));
        return;
    }
    if (!lib.pending_approvals_about(p.id).empty()) {
        end_action_flow(ctx);
        ctx.audit(verb, p.id, "invalid");
        ctx.say(ctx.t(p.id + " venter allerede på godkjenning.",
                      p.id + " is already waiting for approval."));
        return;
    }
    if (verb == "review.keep") {
        end_action_flow(ctx);
        p.last_reviewed = to_oslo(ctx.now).date;
        ctx.out.procedure_changes.push_back({p, "reviewed", "outcome=keep"});
        ctx.audit(verb, p.id, "ok");
        ctx.say(ctx.t("Registrert: " + procedure_line(p) +
                          " er gjennomgått uten endring. Neste "
                          "gjennomgang: " +
                          format_date(review_due(p)) + ".",
                      "Recorded: " + procedure_line(p) + " was reviewed and kept. Next review: " +
                          format_date(review_due(p)) + "."));
        return;
    }
    if (verb == "review.new_version") {
        if (!collect(ctx, verb, values, new_version_inputs(ctx.me.lang))) {
            return;
        }
        end_action_flow(ctx);
        std::string url = values["url"];
        if (url == "-") {
            url.clear();
        }
        request_approval(ctx, lib, p, approval_kind::procedure_version,
                         {{"version", values["version"]}, {"url", url}, {"note", values["note"]}});
        return;
    }
    if (verb == "review.propose_delete") {
        if (!collect(ctx, verb, values, delete_inputs(ctx.me.lang))) {
            return;
        }
        end_action_flow(ctx);
        request_approval(ctx, lib, p, approval_kind::procedure_deletion,
                         {{"reason", values["reason"]}});
        return;
    }
    end_action_flow(ctx);
    ctx.audit(verb, p.id, "invalid");
    ctx.say(ctx.t("Det valget er ikke lenger aktivt.", "That choice is no longer active."));
}

void run_reading(context& ctx, const library& lib, const std::string& verb,
                 const action_values& values) {
    end_action_flow(ctx);
    const std::string id = value_or(values, "procedure");
    const std::string version = value_or(values, "version");
    const auto p = lib.find_procedure(id);
    const auto status = lib.reading_status(id);
    const auto mine = std::find_if(status.begin(), status.end(), [&](const reading_entry& e) {
        return e.email == ctx.me.email && e.version == version;
    });
    if (verb != "reading.confirm" || !p || mine == status.end()) {
        ctx.audit(verb, id, "invalid");
        ctx.say(ctx.t("Den prosedyren står ikke på leselisten din.",
                      "That procedure is not on your reading list."));
        return;
    }
    if (mine->read_at) {
        ctx.say(ctx.t("Du har allerede bekreftet at du har lest " + procedure_line(*p) + " (" +
                          format_oslo(*mine->read_at) + ").",
                      "You already confirmed reading " + procedure_line(*p) + " (" +
                          format_oslo(*mine->read_at) + ")."));
        return;
    }
    ctx.out.reading_changes.push_back(
        {reading_change::change_kind::confirm, id, version, ctx.me.email});
    ctx.audit(verb, id, "ok", "version=" + version);
    ctx.say(ctx.t("Takk! Registrert at du har lest " + procedure_line(*p) + ".",
                  "Thank you! Recorded that you have read " + procedure_line(*p) + "."));
}

}  // namespace

std::vector<std::string> units_concerned(const directory& dir, const std::string& unit_id) {
    const auto all = dir.all_units();
    std::vector<std::string> out{unit_id};
    for (std::size_t i = 0; i < out.size(); ++i) {
        for (const auto& u : all) {
            if (u.parent_id == out[i] && std::find(out.begin(), out.end(), u.id) == out.end()) {
                out.push_back(u.id);
            }
        }
    }
    return out;
}

std::vector<action> review_actions(const procedure& p, language lang) {
    const bool nb = lang == language::nb;
    const std::map<std::string, std::string> data{{"procedure", p.id}};
    return {{"review.keep", nb ? "Ingen endring" : "No change", data, {}},
            {"review.new_version", nb ? "Ny versjon til godkjenning" : "New version for approval",
             data, new_version_inputs(lang)},
            {"review.propose_delete", nb ? "Foreslå sletting" : "Propose deletion", data,
             delete_inputs(lang)}};
}

action reading_action(const procedure& p, language lang) {
    return {"reading.confirm",
            std::string(lang == language::nb ? "Lest: " : "Read: ") + p.id,
            {{"procedure", p.id}, {"version", p.version}},
            {}};
}

void run_procedure_action(context& ctx, const std::string& verb, action_values values) {
    const library* lib = ctx.repo.quality_library();
    if (lib == nullptr) {
        end_action_flow(ctx);
        ctx.say(ctx.t("Kvalitetsbiblioteket er ikke tilgjengelig her.",
                      "The quality library is not available here."));
        return;
    }
    if (verb.rfind("reading.", 0) == 0) {
        run_reading(ctx, *lib, verb, values);
    } else {
        run_review(ctx, *lib, verb, std::move(values));
    }
}

void carry_out_approval(context& ctx, const approval& a) {
    const library* lib = ctx.repo.quality_library();
    if (lib == nullptr || a.state != approval_state::approved) {
        return;
    }
    const auto found = lib->find_procedure(a.subject);
    if (!found) {
        return;
    }
    procedure p = *found;
    if (a.kind == approval_kind::procedure_deletion) {
        p.active = false;
        ctx.out.procedure_changes.push_back({p, "deleted", "approval=" + std::to_string(a.id)});
        return;
    }
    const auto details = a.details;
    p.version = details.count("version") != 0U ? details.at("version") : p.version;
    if (const auto it = details.find("url"); it != details.end() && !it->second.empty()) {
        p.url = it->second;
    }
    p.last_reviewed = to_oslo(ctx.now).date;
    ctx.out.procedure_changes.push_back(
        {p, "new_version", "version=" + p.version + " approval=" + std::to_string(a.id)});
    for (const auto& person : lib->people_in_units(units_concerned(ctx.dir, p.unit_id))) {
        ctx.out.reading_changes.push_back(
            {reading_change::change_kind::assign, p.id, p.version, person.email});
    }
}

bool run_procedure_command(context& ctx, std::string_view text) {
    const std::string folded = fold_case(trim(text));
    constexpr std::string_view word = "lesestatus";
    constexpr std::string_view word_en = "reading status";
    std::string_view rest;
    if (folded.rfind(word, 0) == 0) {
        rest = std::string_view(folded).substr(word.size());
    } else if (folded.rfind(word_en, 0) == 0) {
        rest = std::string_view(folded).substr(word_en.size());
    } else {
        return false;
    }
    const library* lib = ctx.repo.quality_library();
    const std::string wanted(trim(rest));
    if (lib == nullptr || wanted.empty()) {
        ctx.say(ctx.t("Skriv «lesestatus <prosedyre-id>», f.eks. «lesestatus HO-PR-011».",
                      "Type «reading status <procedure id>», e.g. «reading status HO-PR-011»."));
        return true;
    }
    // Ids are matched without regard to letter case, as people type them.
    std::optional<procedure> p = lib->find_procedure(wanted);
    if (!p) {
        std::string upper = wanted;
        std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) {
            return static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
        });
        p = lib->find_procedure(upper);
    }
    if (!p) {
        ctx.say(ctx.t("Fant ikke prosedyren " + wanted + ".",
                      "Could not find procedure " + wanted + "."));
        return true;
    }
    if (!leads_unit(ctx.dir, ctx.me.email, p->unit_id) && ctx.me.email != p->owner_email) {
        ctx.audit("denied:lesestatus", p->id, "denied");
        ctx.say(ctx.t(
            "Beklager, lesestatus for " + p->id + " kan bare ses av ledere for enheten og eieren.",
            "Sorry, only the unit's leaders and the owner can see the reading status "
            "of " +
                p->id + "."));
        return true;
    }
    const bool nb = ctx.nb();
    message m;
    m.title = (nb ? "Lesestatus " : "Reading status ") + procedure_line(*p);
    std::string read, unread;
    int n_read = 0, n_unread = 0;
    for (const auto& e : lib->reading_status(p->id)) {
        if (e.version != p->version) {
            continue;
        }
        const std::string line = "- " + person_label(ctx.dir, e.email) + "\n";
        if (e.read_at) {
            read += line;
            ++n_read;
        } else {
            unread += line;
            ++n_unread;
        }
    }
    m.facts.push_back({nb ? "Bekreftet lest" : "Confirmed", std::to_string(n_read)});
    m.facts.push_back({nb ? "Ikke bekreftet" : "Not confirmed", std::to_string(n_unread)});
    m.text = std::string(nb ? "Har bekreftet:\n" : "Have confirmed:\n") +
             (read.empty() ? "- (ingen)\n" : read) +
             (nb ? "Har ikke bekreftet:\n" : "Have not confirmed:\n") +
             (unread.empty() ? "- (ingen)\n" : unread);
    ctx.reply(std::move(m));
    return true;
}

}  // namespace kv::bot
