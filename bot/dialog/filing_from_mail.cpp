#include "bot/dialog/filing_from_mail.hpp"

#include "bot/dialog/context.hpp"
#include "bot/dialog/filing.hpp"
#include "bot/dialog/understanding.hpp"
#include "bot/domain/names.hpp"

namespace kv::bot {
namespace {

std::string field(const conversation_state& s, const std::string& name) {
    const auto it = s.fields.find(name);
    return it == s.fields.end() ? std::string{} : it->second;
}

message refusal(const person& me, std::string_view nb, std::string_view en) {
    message m;
    m.text = std::string(me.lang == language::nb ? nb : en);
    return m;
}

}  // namespace

decision file_from_mail(const inbound_event& ev, std::string_view subject, std::string_view body,
                        const directory& dir, const repository& repo, const bot_settings& settings,
                        time_point now) {
    const auto me = dir.find_person(ev.sender_email);
    decision out;
    if (!me || !me->active) {
        out.audit.push_back({ev.sender_email, ev.via, "denied:unknown_person", "", "denied", ""});
        message m;
        m.text =
            "Beklager, jeg kjenner deg ikke igjen, så jeg kan ikke ta imot meldinger fra deg. / "
            "Sorry, I do not know you, so I cannot take messages from you.";
        out.replies.push_back(std::move(m));
        return out;
    }
    const std::string_view title = trim(subject);
    const std::string_view text = trim(body);
    std::string description(title);
    if (!text.empty()) {
        description += description.empty() ? "" : "\n\n";
        description += text;
    }
    if (description.empty()) {
        out.replies.push_back(refusal(*me,
                                      "E-posten var tom. Skriv hva som skjedde i emnefeltet og "
                                      "teksten, og send den på nytt. Ingenting er lagret.",
                                      "The email was empty. Write what happened in the subject "
                                      "and text and send it again. Nothing was stored."));
        return out;
    }
    if (description.size() > settings.max_message_chars) {
        out.audit.push_back({me->email, ev.via, "rejected:too_long", "", "invalid",
                             "bytes=" + std::to_string(description.size())});
        out.replies.push_back(refusal(
            *me,
            "Meldingen er for lang (" + std::to_string(description.size()) +
                " tegn). Skriv "
                "kortere, høyst " +
                std::to_string(settings.max_message_chars) + " tegn. Ingenting er lagret.",
            "The message is too long (" + std::to_string(description.size()) +
                " characters). Please keep it under " + std::to_string(settings.max_message_chars) +
                " characters. Nothing was stored."));
        return out;
    }

    // The guided form, started with the whole text: it redacts, guesses and fills what it can.
    context start{ev, *me, dir, repo, settings, now, {}, {}};
    start_filing(start, std::nullopt, description);
    conversation_state draft = start.conv;
    if (field(draft, "kind").empty()) {
        draft.fields["kind"] = std::string(to_string(case_kind::avvik));
        draft.fields["kind_guessed"] = "1";
    }
    if (field(draft, "category").empty()) {
        draft.fields["category"] = std::string(to_string(category::tjeneste));
        draft.fields["category_guessed"] = "1";
    }
    const bool unit_known = !field(draft, "unit").empty();
    if (!unit_known) {
        out.replies.push_back(
            refusal(*me,
                    "Jeg vet ikke hvilken enhet du hører til, så jeg kan ikke registrere saken fra "
                    "e-post. Ta kontakt med kvalitetskoordinatoren. Ingenting er lagret.",
                    "I do not know which unit you belong to, so I cannot file the case from email. "
                    "Please contact the quality coordinator. Nothing was stored."));
        return out;
    }
    draft.fields["asking"] = "confirm";

    // Submitting the completed form is the same step as pressing «Send inn».
    inbound_event submit_event = ev;
    submit_event.text.clear();
    submit_event.action_verb = "draft.submit";
    context submit{submit_event, *me, dir, repo, settings, now, draft, {}};
    continue_filing(submit);
    out = std::move(submit.out);
    out.conversation.reset();  // mail has no dialog in progress; leave any other one alone
    // What the form said before its question (e.g. that an identity number was removed).
    const auto& said = start.out.replies;
    if (!said.empty()) {
        out.replies.insert(out.replies.begin(), said.begin(), said.end() - 1);
    }
    if (!out.case_write) {
        return out;
    }
    const bool nb = me->lang == language::nb;
    message understood;
    understood.subject_key = out.case_write->human_id;
    understood.title = nb ? "Dette forsto jeg" : "This is what I understood";
    const auto guessed = [&](const char* name) {
        return field(draft, std::string(name) + "_guessed") == "1"
                   ? std::string(nb ? " (gjettet)" : " (guessed)")
                   : std::string{};
    };
    const deviation_case& c = *out.case_write;
    understood.facts = {
        {nb ? "Tittel" : "Title", std::string(title)},
        {nb ? "Type" : "Kind", std::string(display_name(c.kind, me->lang)) + guessed("kind")},
        {nb ? "Kategori" : "Category",
         std::string(display_name(c.cat, me->lang)) + guessed("category")},
        {nb ? "Når" : "When",
         c.occurred.empty() ? std::string(nb ? "(ikke oppgitt)" : "(not given)") : c.occurred},
    };
    std::string missing;
    if (c.occurred.empty()) {
        missing += nb ? "når det skjedde" : "when it happened";
    }
    if (c.immediate_action.empty()) {
        missing += missing.empty() ? "" : (nb ? " og " : " and ");
        missing += nb ? "hva som ble gjort med en gang" : "what was done at once";
    }
    understood.text =
        nb ? "Svar på denne e-posten for å legge til mer informasjon i saken" +
                 (missing.empty() ? std::string(".") : ", for eksempel " + missing + ".") +
                 " Er type eller kategori feil, skriv det i svaret."
           : "Reply to this email to add more information to the case" +
                 (missing.empty() ? std::string(".") : ", for example " + missing + ".") +
                 " If the kind or category is wrong, say so in your reply.";
    out.replies.push_back(std::move(understood));
    return out;
}

}  // namespace kv::bot
