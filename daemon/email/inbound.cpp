#include "daemon/email/inbound.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <iterator>
#include <map>

#include <nlohmann/json.hpp>

#include "adapters/email/parse/parse_message.hpp"
#include "adapters/email/reply/procedure_reply.hpp"
#include "adapters/email/reply/reply_command.hpp"
#include "adapters/email/reply/reply_text.hpp"
#include "bot/dialog/filing_from_mail.hpp"
#include "daemon/email/reply_topic.hpp"
#include "daemon/log.hpp"
#include "daemon/store/email_inbound.hpp"
#include "daemon/store/email_threads.hpp"

namespace kv::daemon {
namespace {

using bot::language;

std::string sha256_id(std::string_view raw) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(raw.data(), raw.size(), digest, &len, EVP_sha256(), nullptr);
    static constexpr char hex[] = "0123456789abcdef";
    std::string out = "sha256:";
    for (unsigned int i = 0; i < len; ++i) {
        out += hex[digest[i] >> 4];
        out += hex[digest[i] & 0xF];
    }
    return out;
}

std::string lower(std::string s) {
    for (char& c : s) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return s;
}

bot::message text_message(std::string text, std::string subject_key = {}) {
    bot::message m;
    m.text = std::move(text);
    m.subject_key = std::move(subject_key);
    return m;
}

std::string pick(std::optional<language> lang, std::string_view nb, std::string_view en) {
    if (!lang) {
        return std::string(nb) + "\n\n" + std::string(en);
    }
    return std::string(*lang == language::nb ? nb : en);
}

std::string help_text(std::optional<language> lang) {
    return pick(lang,
                "Svar med ett av disse ordene først i svaret: MOTTATT eller LUKK <konklusjon> "
                "for en sak, GODKJENN eller AVVIS <begrunnelse> for en godkjenning. Annen tekst "
                "i et svar på en sak legges til i saken som informasjon. Nytt avvik: send en "
                "e-post til avviksadressen.",
                "Reply with one of these words first in your reply: RECEIVED or CLOSE "
                "<conclusion> for a case, APPROVE or REJECT <reason> for an approval. Other text "
                "in a reply about a case is added to the case as information. New deviation: "
                "send an email to the deviation address.");
}

// All the bot's replies to one mail as one answer: one mail per mail received.
bot::message merged(const std::vector<bot::message>& replies, const std::string& subject_key) {
    bot::message out;
    out.subject_key = subject_key;
    for (const auto& r : replies) {
        if (out.subject_key.empty()) {
            out.subject_key = r.subject_key;
        }
        if (out.title.empty()) {
            out.title = r.title;
        } else if (!r.title.empty()) {
            out.text += (out.text.empty() ? "" : "\n\n") + r.title;
        }
        out.facts.insert(out.facts.end(), r.facts.begin(), r.facts.end());
        if (!r.text.empty()) {
            out.text += (out.text.empty() ? "" : "\n\n") + r.text;
        }
        out.actions.insert(out.actions.end(), r.actions.begin(), r.actions.end());
    }
    return out;
}

std::string attachments_note(const email::parsed_message& m, std::optional<language> lang) {
    if (m.attachments.empty()) {
        return {};
    }
    const auto n = std::to_string(m.attachments.size());
    return pick(lang,
                "E-posten hadde " + n +
                    " vedlegg. Vedlegg lagres ikke; beskriv det viktige i teksten i stedet.",
                "The email had " + n +
                    " attachment(s). Attachments are not stored; describe what matters in the "
                    "text instead.");
}

std::optional<email_thread> find_thread(database& db, const email::parsed_message& m) {
    for (const auto& r : m.recipients) {
        const auto at = r.find('@');
        const auto plus = r.find('+');
        if (plus != std::string::npos && plus < at) {
            if (auto t = find_email_thread_by_token(db, lower(r.substr(plus + 1, at - plus - 1)))) {
                return t;
            }
        }
    }
    if (!m.in_reply_to.empty()) {
        if (auto t = find_email_thread_by_message_id(db, m.in_reply_to)) {
            return t;
        }
    }
    for (auto it = m.references.rbegin(); it != m.references.rend(); ++it) {
        if (auto t = find_email_thread_by_message_id(db, *it)) {
            return t;
        }
    }
    return std::nullopt;
}

// What a reply to a procedure mail may say, and what it does (no links for these: the mail's
// buttons are chat buttons).
std::string procedure_advice(const reply_topic& topic, std::optional<language> lang) {
    if (topic.what == reply_topic::kind::reading_list) {
        return pick(lang,
                    "Svar «Lest» først i svaret når du har lest prosedyrene i e-posten, så "
                    "registreres det for deg. Du kan også trykke «Lest» i Teams.",
                    "Reply «Read» first in your reply once you have read the procedures in the "
                    "email, and it is recorded for you. You can also press «Read» in Teams.");
    }
    return pick(lang,
                "Svar «Ingen endring» først i svaret hvis prosedyren " + topic.id +
                    " kan beholdes som den er: da registreres gjennomgangen og neste frist "
                    "settes. Ny versjon eller forslag om sletting gjør du i Teams eller i chatten "
                    "med meg.",
                "Reply «No change» first in your reply if procedure " + topic.id +
                    " can be kept as it is: the review is then recorded and the next due date "
                    "set. A new version or a proposal to delete it is done in Teams or in the "
                    "chat with me.");
}

std::string unsupported_advice(std::optional<language> lang) {
    return pick(lang,
                "Svar på denne e-posten kan jeg ikke gjøre noe med, så ingenting er gjort. Bruk "
                "lenkene i e-posten eller Teams.",
                "I cannot act on replies to this email, so nothing was done. Use the links in "
                "the email or Teams.");
}

// The bot events a reply on a thread stands for, or the reason it stands for none.
struct reply_plan {
    std::vector<bot::inbound_event> events;
    std::string problem;  // non-empty: not understood
};

bot::inbound_event action_event(const email::parsed_message& m, std::string verb,
                                std::map<std::string, std::string> data) {
    bot::inbound_event ev;
    ev.sender_email = m.from_address;
    ev.via = bot::channel::email;
    ev.conversation = "email:" + m.from_address;
    ev.action_verb = std::move(verb);
    ev.action_data = std::move(data);
    return ev;
}

// A reply to a procedure-review reminder or a reading-list mail: only its own phrase counts;
// the case and approval keywords say nothing here.
reply_plan plan_for_procedure_reply(const email::parsed_message& m, const reply_topic& topic,
                                    const std::string& text) {
    reply_plan out;
    using kind = email::procedure_reply_reading::kind;
    const auto reading = email::read_procedure_reply(text);
    const bool review = topic.what == reply_topic::kind::procedure_review;
    if (reading.what == kind::empty) {
        out.problem = "no new text in the reply";
    } else if (reading.what == kind::unclear) {
        out.problem = "unclear reply: " + reading.problem;
    } else if (review && reading.what == kind::no_change) {
        out.events.push_back(action_event(m, "review.keep", {{"procedure", topic.id}}));
    } else if (!review && reading.what == kind::read) {
        for (const auto& r : topic.readings) {
            out.events.push_back(action_event(
                m, "reading.confirm", {{"procedure", r.procedure}, {"version", r.version}}));
        }
    } else if (email::read_reply(text).what == email::reply_reading::kind::command) {
        out.problem = std::string("case and approval keywords do not apply to a ") +
                      (review ? "procedure review" : "reading list");
    } else {
        out.problem =
            review ? "a procedure review reply needs NO CHANGE" : "a reading-list reply needs READ";
    }
    return out;
}

reply_plan plan_for_reply(const email::parsed_message& m, const reply_topic& topic,
                          const std::string& text) {
    using topic_kind = reply_topic::kind;
    if (topic.what == topic_kind::procedure_review || topic.what == topic_kind::reading_list) {
        return plan_for_procedure_reply(m, topic, text);
    }
    reply_plan out;
    if (topic.what == topic_kind::unsupported) {
        out.problem = "replies to this kind of mail are not read";
        return out;
    }
    const auto reading = email::read_reply(text);
    using kind = email::reply_reading::kind;
    if (reading.what == kind::empty) {
        out.problem = "no new text in the reply";
        return out;
    }
    if (reading.what == kind::unclear) {
        out.problem = "unclear reply: " + reading.problem;
        return out;
    }
    if (topic.what == topic_kind::approval) {
        if (reading.what == kind::command && (reading.command == email::command_kind::approve ||
                                              reading.command == email::command_kind::reject)) {
            const bool approve = reading.command == email::command_kind::approve;
            out.events.push_back(
                action_event(m, approve ? "approval.approve" : "approval.reject",
                             {{"approval", topic.id}, {"comment", reading.argument}}));
            return out;
        }
        out.problem = "an approval needs APPROVE or REJECT <reason>";
        return out;
    }
    if (reading.what == kind::free_text) {
        out.events.push_back(
            action_event(m, "case.add_info", {{"case", topic.id}, {"info", text}}));
        return out;
    }
    switch (reading.command) {
        case email::command_kind::receive:
            out.events.push_back(action_event(m, "case.receive", {{"case", topic.id}}));
            return out;
        case email::command_kind::close:
            out.events.push_back(action_event(
                m, "case.close", {{"case", topic.id}, {"conclusion", reading.argument}}));
            return out;
        case email::command_kind::approve:
        case email::command_kind::reject:
            out.problem = "APPROVE and REJECT are for approval requests, not cases";
            return out;
    }
    return out;
}

// The decisions of the events of one reply (a reading-list reply confirms each procedure of
// the mail), as one decision stored in one transaction.
void append(bot::decision& into, bot::decision from) {
    const auto move_all = [](auto& to, auto& more) {
        to.insert(to.end(), std::make_move_iterator(more.begin()),
                  std::make_move_iterator(more.end()));
    };
    move_all(into.replies, from.replies);
    move_all(into.notifications, from.notifications);
    move_all(into.audit, from.audit);
    move_all(into.events, from.events);
    move_all(into.approval_writes, from.approval_writes);
    move_all(into.procedure_changes, from.procedure_changes);
    move_all(into.reading_changes, from.reading_changes);
    if (!into.case_write) {
        into.case_write = std::move(from.case_write);
    }
    if (!into.conversation) {
        into.conversation = std::move(from.conversation);
    }
    if (!into.preferences) {
        into.preferences = std::move(from.preferences);
    }
    if (!into.daily_digest) {
        into.daily_digest = from.daily_digest;
    }
}

}  // namespace

std::string to_json_line(const inbound_outcome& o) {
    nlohmann::ordered_json j;
    j["message_id"] = o.message_id;
    j["from"] = o.from;
    j["outcome"] = o.outcome;
    j["case"] =
        o.case_id.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(o.case_id);
    j["detail"] = o.detail;
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

inbound_options inbound_options_from(const email_settings& s) {
    inbound_options o;
    o.trust = {s.trusted_authserv_id, s.trust_m365_internal};
    o.automatic.own_addresses = {lower(s.from_address)};
    if (!s.reply_address.empty()) {
        o.automatic.own_addresses.push_back(lower(s.reply_address));
    }
    o.answers.max_answers = s.answers_per_hour;
    o.answers.window = std::chrono::hours{1};
    o.max_bytes = s.max_message_bytes;
    o.deviation_address = lower(s.deviation_address);
    return o;
}

inbound_mail::inbound_mail(store& db, const bot::bot& brain, inbound_options options)
    : db_(db), brain_(brain), options_(std::move(options)) {}

inbound_outcome inbound_mail::handle(std::string_view raw, std::chrono::sys_seconds now) {
    database& db = db_.db();
    const auto parsed = email::parse_message(raw, options_.max_bytes);
    inbound_outcome o;
    o.message_id = parsed.message && !parsed.message->message_id.empty()
                       ? parsed.message->message_id
                       : sha256_id(raw);
    o.from = parsed.message ? parsed.message->from_address : std::string{};

    if (const auto seen = find_inbound_mail(db, o.message_id)) {
        o.outcome = "duplicate";
        o.case_id = seen->case_id;
        o.detail = "already handled as " + seen->outcome;
        return o;
    }
    // Set once the sender is a known person whose mail our server authenticated: their address
    // works again, so a failing mark from an earlier bounce is cleared with the outcome.
    bool sender_verified = false;
    // Writes the outcome and, when allowed, one answer to the sender, in the caller's
    // transaction or its own.
    const auto finish = [&](std::optional<bot::message> answer) {
        if (sender_verified && clear_failing_address(db, o.from)) {
            o.detail += "; address no longer marked failing";
        }
        if (answer && !o.from.empty()) {
            const auto earlier = email_answers_since(db, o.from, now - options_.answers.window);
            if (email::may_answer(earlier, now, options_.answers)) {
                enqueue_email_answer(db, o.from, *answer, "email-answer:" + o.message_id, now);
            } else {
                o.detail += "; no answer (rate limit)";
            }
        }
        record_inbound_mail(db, {o.message_id, o.from, o.outcome, o.case_id, o.detail, now});
    };
    const auto conclude = [&](std::string outcome, std::string detail,
                              std::optional<bot::message> answer) {
        o.outcome = std::move(outcome);
        o.detail = std::move(detail);
        transaction tx{db, transaction_mode::immediate};
        finish(std::move(answer));
        tx.commit();
        log::info("mail " + o.message_id + ": " + o.outcome + " (" + o.detail + ")");
        return o;
    };

    if (!parsed.message) {
        return conclude("not_understood", "malformed: " + parsed.detail, std::nullopt);
    }
    const email::parsed_message& m = *parsed.message;
    const auto automatic = email::classify_automatic(m, options_.automatic);
    if (automatic.kind == email::automatic_kind::bounce) {
        const auto bounce = email::read_bounce(m);
        transaction tx{db, transaction_mode::immediate};
        std::string failed;
        for (const auto& address : bounce.failed_recipients) {
            mark_address_failing(db, {address, bounce.status, bounce.original_message_id, now});
            failed += (failed.empty() ? "" : ", ") + address;
        }
        o.outcome = "ignored_bounce";
        o.detail = failed.empty() ? "bounce (" + automatic.reason + "), no failed address found"
                                  : "address marked failing: " + failed +
                                        (bounce.status.empty() ? "" : " (" + bounce.status + ")");
        finish(std::nullopt);
        tx.commit();
        log::info("mail " + o.message_id + ": " + o.outcome + " (" + o.detail + ")");
        return o;
    }
    if (automatic.kind == email::automatic_kind::auto_reply) {
        return conclude("ignored_autoreply", automatic.reason, std::nullopt);
    }
    if (parsed.error == email::parse_error::malformed) {
        return conclude("not_understood", "malformed: " + parsed.detail, std::nullopt);
    }

    std::optional<bot::person> person;
    db_.with_read([&](const bot::directory& dir, const bot::repository&) {
        person = dir.find_person(m.from_address);
    });
    const bool known = person && person->active;
    const std::optional<language> lang = known ? std::optional{person->lang} : std::nullopt;
    const auto trust = email::verify_sender(m, options_.trust);

    if (parsed.error == email::parse_error::too_large) {
        return conclude(
            "rejected_too_large", parsed.detail,
            known ? std::optional{text_message(
                        pick(lang,
                             "E-posten din var for stor (over " +
                                 std::to_string(options_.max_bytes / (1024 * 1024)) +
                                 " MB), så den er ikke lest og ingenting er lagret. Send den igjen "
                                 "uten vedlegg.",
                             "Your email was too large (over " +
                                 std::to_string(options_.max_bytes / (1024 * 1024)) +
                                 " MB), so it was not read and nothing was stored. Please send it "
                                 "again without attachments."))}
                  : std::nullopt);
    }
    if (!known) {
        // Only someone whose address is authenticated gets an answer: no mail to forged senders.
        return conclude(
            "rejected_unknown_sender", "not an active person in the organisation",
            trust.verified
                ? std::optional{text_message(pick(
                      lang,
                      "Beklager, jeg kjenner ikke igjen e-postadressen din, så jeg kan ikke ta "
                      "imot "
                      "meldinger fra deg. Ta kontakt med kvalitetskoordinatoren i kommunen.",
                      "Sorry, I do not know your email address, so I cannot take messages from "
                      "you. Please contact the municipality's quality coordinator."))}
                : std::nullopt);
    }
    if (!trust.verified) {
        return conclude(
            "rejected_unverified", trust.reason,
            text_message(
                pick(lang,
                     "Jeg kunne ikke bekrefte at e-posten virkelig kom fra deg (avsenderen er ikke "
                     "autentisert av e-postsystemet), så ingenting er gjort. Svar fra din egen "
                     "jobbadresse, bruk lenken i e-posten, eller bruk Teams.",
                     "I could not confirm that the email really came from you (the sender was not "
                     "authenticated by the mail system), so nothing was done. Reply from your own "
                     "work address, use the link in the email, or use Teams.")));
    }
    sender_verified = true;
    if (m.encrypted) {
        return conclude("not_understood", "encrypted message",
                        text_message(pick(lang,
                                          "E-posten var kryptert og kan ikke leses. Send den "
                                          "igjen uten kryptering.",
                                          "The email was encrypted and cannot be read. Please "
                                          "send it again without encryption.")));
    }

    const auto thread = find_thread(db, m);
    const bool to_deviation_address = std::find(m.recipients.begin(), m.recipients.end(),
                                                options_.deviation_address) != m.recipients.end();
    if (!thread && !to_deviation_address) {
        return conclude("not_understood", "no case or request found for this mail",
                        text_message(pick(lang,
                                          "Jeg fant ikke hvilken sak e-posten gjelder, så "
                                          "ingenting er gjort. Svar direkte på e-posten fra meg "
                                          "om saken.",
                                          "I could not find which case this email is about, so "
                                          "nothing was done. Reply directly to my email about "
                                          "the case.") +
                                     "\n\n" + help_text(lang)));
    }

    std::vector<bot::inbound_event> events;
    std::string problem;
    std::string subject_key;
    reply_topic topic;
    if (thread) {
        topic = topic_of(db, *thread);
        // Answers thread with the mail replied to; only a case's id is reported as the case.
        const bool own_thread = topic.what != reply_topic::kind::approval &&
                                topic.what != reply_topic::kind::unsupported;
        subject_key = own_thread ? thread->subject_key : "";
        if (topic.what == reply_topic::kind::deviation_case) {
            o.case_id = topic.id;
        }
        auto plan = plan_for_reply(m, topic, email::new_text(m));
        events = std::move(plan.events);
        problem = std::move(plan.problem);
        if (problem.empty() && events.empty()) {
            problem = "nothing on the reading list in this mail";
        }
    } else {
        bot::inbound_event ev;
        ev.sender_email = m.from_address;
        ev.via = bot::channel::email;
        ev.conversation = "email:" + m.from_address;
        events.push_back(std::move(ev));
    }
    const bool procedure_topic = topic.what == reply_topic::kind::procedure_review ||
                                 topic.what == reply_topic::kind::reading_list;
    // What the sender may write instead, for the mail they replied to.
    const auto advice = [&] {
        if (procedure_topic) {
            return procedure_advice(topic, lang);
        }
        if (thread && topic.what == reply_topic::kind::unsupported) {
            return unsupported_advice(lang);
        }
        return help_text(lang);
    };
    if (!problem.empty()) {
        // AVVIS and LUKK alone are the commonest slip: say exactly what is missing.
        const bool missing_text = problem.find("keyword without its text") != std::string::npos;
        const bool unsupported = topic.what == reply_topic::kind::unsupported;
        return conclude(
            "not_understood", problem,
            text_message(
                (unsupported ? std::string{}
                             : pick(lang, "Jeg forsto ikke svaret ditt, så ingenting er gjort.",
                                    "I did not understand your reply, so nothing was done.")) +
                    (missing_text ? " " + pick(lang,
                                               "AVVIS må følges av en begrunnelse på samme linje "
                                               "(for eksempel «AVVIS Mangler risikovurdering»), "
                                               "og LUKK av en konklusjon.",
                                               "REJECT must be followed by a reason on the same "
                                               "line (for example «REJECT The risk assessment is "
                                               "missing»), and CLOSE by a conclusion.")
                                  : std::string{}) +
                    (unsupported ? "" : "\n\n") + advice(),
                subject_key));
    }
    for (auto& ev : events) {
        ev.dedupe_key = "email:" + o.message_id;
    }
    const bot::inbound_event& ev = events.front();

    const auto result =
        db_.handle(ev, now, [&](const bot::directory& dir, const bot::repository& repo) {
            bot::decision d;
            if (!thread) {
                d = bot::file_from_mail(ev, m.subject, m.body_text(), dir, repo, brain_.settings(),
                                        now);
            } else {
                for (const auto& one : events) {
                    append(d, brain_.decide(one, dir, repo, now));
                }
            }
            std::vector<bot::message> replies = d.replies;
            if (!thread) {
                if (d.case_write && d.case_write->id == 0) {
                    o.outcome = "deviation_created";
                    o.case_id = d.case_write->human_id;
                    o.detail = "filed";
                } else {
                    o.outcome = "not_understood";
                    o.detail = "nothing filed";
                }
            } else {
                o.outcome = "not_understood";
                o.detail = ev.action_verb + " not carried out";
                for (const auto& a : d.audit) {
                    if (a.action == ev.action_verb && a.outcome == "ok") {
                        o.outcome = ev.action_verb == "case.add_info" ? "reply_recorded"
                                                                      : "approval_recorded";
                        o.detail = ev.action_verb;
                    } else if (o.outcome == "approval_recorded") {
                        continue;  // one procedure of a reading list confirmed is enough
                    } else if (a.action == "denied:" + ev.action_verb) {
                        o.outcome = "rejected_unknown_sender";
                        o.detail = "not entitled to " + ev.action_verb;
                    } else if (a.action == ev.action_verb && a.outcome == "invalid") {
                        o.detail = ev.action_verb + " refused in the " +
                                   (procedure_topic ? "procedure's" : "case's") + " state";
                    }
                }
                if (o.outcome == "not_understood" && d.audit.empty() &&
                    (!procedure_topic || replies.empty())) {
                    replies.push_back(text_message(advice()));
                }
            }
            if (const auto note = attachments_note(m, lang); !note.empty()) {
                o.detail +=
                    "; " + std::to_string(m.attachments.size()) + " attachment(s) not stored";
                replies.push_back(text_message(note));
            }
            finish(replies.empty() ? std::nullopt
                                   : std::optional{merged(
                                         replies, o.case_id.empty() ? subject_key : o.case_id)});
            return d;
        });
    if (result.duplicate) {
        o.outcome = "duplicate";
        o.detail = "already handled";
    }
    log::info("mail " + o.message_id + ": " + o.outcome + " (" + o.detail + ")");
    return o;
}

}  // namespace kv::daemon
