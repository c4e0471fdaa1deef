#include "daemon/calendar/feed_command.hpp"

#include "bot/dialog/understanding.hpp"
#include "bot/domain/names.hpp"
#include "daemon/calendar/feed_store.hpp"
#include "daemon/calendar/feed_token.hpp"
#include "daemon/log.hpp"

namespace kv::daemon {
namespace {

enum class request { show, rotate };

std::optional<request> parse(std::string_view text) {
    const std::string t = bot::fold_case(text);
    const auto first = t.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) {
        return std::nullopt;
    }
    const auto last = t.find_last_not_of(" \t\r\n.!");
    const std::string words = t.substr(first, last - first + 1);
    if (words == "kalender" || words == "calendar") {
        return request::show;
    }
    if (words == "kalender ny" || words == "calendar new") {
        return request::rotate;
    }
    return std::nullopt;
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
    const auto feed = person_feed_id(me->email);
    const feed_requester who{me->email, std::string(bot::to_string(ev.via))};
    const auto row = *req == request::rotate ? rotate_calendar_feed(a.db->db(), feed, who, now)
                                             : ensure_calendar_feed(a.db->db(), feed, who, now);
    const auto url =
        calendar_feed_url(a.cfg.email.public_base_url, signer.token(row.key, feed, row.generation));
    if (*req == request::rotate) {
        log::info("calendar feed rotated");
    }
    m.text = nb ? "Abonner på denne adressen i Outlook (Legg til kalender → Fra Internett):\n" +
                      url +
                      "\n\nDen viser årshjulet for utvalgene dine og dine egne frister. Lenken "
                      "er personlig; del den ikke. Skriv «kalender ny» for å lage en ny lenke "
                      "og slå av den gamle."
                : "Subscribe to this address in Outlook (Add calendar → From Internet):\n" + url +
                      "\n\nIt shows the annual wheel of your committees and your own deadlines. "
                      "The link is personal; do not share it. Type \"calendar new\" to make a new "
                      "link and switch the old one off.";
    if (*req == request::rotate) {
        m.text = (nb ? "Ny lenke laget; den gamle virker ikke lenger.\n\n"
                     : "New link made; the old one no longer works.\n\n") +
                 m.text;
    }
    return m;
}

}  // namespace kv::daemon
