#include "daemon/calendar/feed_command.hpp"

#include <algorithm>
#include <sstream>
#include <vector>

#include "bot/dialog/understanding.hpp"
#include "bot/domain/names.hpp"
#include "daemon/calendar/feed_store.hpp"
#include "daemon/calendar/feed_token.hpp"
#include "daemon/log.hpp"

namespace kv::daemon {
namespace {

struct request {
    bool rotate = false;
    std::string committee_id;  // empty: the person's own feed
};

// "kalender", "kalender ny", "kalender <utvalg>", "kalender ny <utvalg>" (and in English).
std::optional<request> parse(std::string_view text) {
    std::istringstream in{bot::fold_case(text)};
    std::vector<std::string> words;
    for (std::string w; in >> w;) {
        words.push_back(w);
    }
    if (!words.empty()) {
        auto& last = words.back();
        while (!last.empty() && (last.back() == '.' || last.back() == '!')) {
            last.pop_back();
        }
    }
    if (words.empty() || (words[0] != "kalender" && words[0] != "calendar") || words.size() > 3) {
        return std::nullopt;
    }
    request r;
    std::size_t next = 1;
    if (words.size() > 1 && (words[1] == "ny" || words[1] == "new")) {
        r.rotate = true;
        next = 2;
    }
    if (next < words.size()) {
        r.committee_id = words[next];
        ++next;
    }
    if (next != words.size() || (words.size() == 3 && !r.rotate)) {
        return std::nullopt;
    }
    return r;
}

const bot::committee_member* membership(const organisation& org, const std::string& committee_id,
                                        const std::string& email, const bot::committee** found) {
    for (const auto& c : org.committees) {
        if (c.id != committee_id) {
            continue;
        }
        *found = &c;
        for (const auto& m : c.members) {
            if (m.email == email) {
                return &m;
            }
        }
    }
    return nullptr;
}

}  // namespace

std::optional<bot::message> answer_calendar_command(app& a, const bot::inbound_event& ev,
                                                    std::chrono::sys_seconds now) {
    if (ev.is_action()) {
        return std::nullopt;
    }
    const auto req = parse(ev.text);
    if (!req) {
        return std::nullopt;
    }
    std::optional<bot::person> me;
    a.db->with_read([&](const bot::directory& dir, const bot::repository&) {
        me = dir.find_person(ev.sender_email);
    });
    if (!me || !me->active) {
        return std::nullopt;
    }
    const bool nb = me->lang == bot::language::nb;
    bot::message m;
    m.title = nb ? "Din kalender" : "Your calendar";
    const feed_token_signer signer(a.cfg.email.link_secret);
    if (!signer.enabled()) {
        m.text = nb ? "Kalenderlenker er ikke slått på i denne installasjonen."
                    : "Calendar links are not switched on in this installation.";
        return m;
    }

    std::string feed = person_feed_id(me->email);
    std::string what = nb ? "årshjulet for utvalgene dine og dine egne frister"
                          : "the annual wheel of your committees and your own deadlines";
    if (!req->committee_id.empty()) {
        const bot::committee* c = nullptr;
        const auto* member = membership(a.org, req->committee_id, me->email, &c);
        if (member == nullptr) {
            m.text = c == nullptr
                         ? (nb ? "Jeg kjenner ikke utvalget «" + req->committee_id + "»."
                               : "I do not know the committee \"" + req->committee_id + "\".")
                         : (nb ? "Bare medlemmer av " + c->name + " får kalenderen."
                               : "Only members of " + c->name + " get its calendar.");
            return m;
        }
        // A shared link: only those who run the committee may switch it off for everyone.
        if (req->rotate && member->role != "chair" && member->role != "facilitator") {
            m.text = nb ? "Bare leder eller sekretær for " + c->name + " kan lage en ny lenke."
                        : "Only the chair or facilitator of " + c->name + " can make a new link.";
            return m;
        }
        feed = committee_feed_id(c->id);
        m.title = nb ? "Kalender for " + c->name : "Calendar of " + c->name;
        what = nb ? "årshjulet for " + c->name : "the annual wheel of " + c->name;
    }

    const feed_requester who{me->email, std::string(bot::to_string(ev.via))};
    const auto row = req->rotate ? rotate_calendar_feed(a.db->db(), feed, who, now)
                                 : ensure_calendar_feed(a.db->db(), feed, who, now);
    const auto url =
        calendar_feed_url(a.cfg.email.public_base_url, signer.token(row.key, feed, row.generation));
    if (req->rotate) {
        log::info("calendar feed rotated");
    }
    const std::string again = req->committee_id.empty()
                                  ? (nb ? "«kalender ny»" : "\"calendar new\"")
                                  : (nb ? "«kalender ny " + req->committee_id + "»"
                                        : "\"calendar new " + req->committee_id + "\"");
    m.text = nb ? "Abonner på denne adressen i Outlook (Legg til kalender → Fra Internett):\n" +
                      url + "\n\nDen viser " + what + ". Lenken er hemmelig; del den ikke. Skriv " +
                      again + " for å lage en ny lenke og slå av den gamle."
                : "Subscribe to this address in Outlook (Add calendar → From Internet):\n" + url +
                      "\n\nIt shows " + what + ". The link is secret; do not share it. Type " +
                      again + " to make a new link and switch the old one off.";
    if (req->rotate) {
        m.text = (nb ? "Ny lenke laget; den gamle virker ikke lenger.\n\n"
                     : "New link made; the old one no longer works.\n\n") +
                 m.text;
    }
    return m;
}

}  // namespace kv::daemon
