#include "daemon/app/channel_senders.hpp"

#include "daemon/app/app.hpp"
#include "daemon/calendar/invitation.hpp"
#include "daemon/calendar/occurrence_link.hpp"
#include "daemon/delivery/email_sender.hpp"
#include "daemon/delivery/teams_sender.hpp"

namespace kv::daemon {

std::vector<std::unique_ptr<channel_sender>> make_channel_senders(const settings& cfg) {
    std::vector<std::unique_ptr<channel_sender>> senders;
    if (cfg.teams.enabled) {
        // A wheel reminder's card links to its occurrence in the person's feed (daemon/calendar).
        auto calendar = std::make_shared<const occurrence_links>(cfg.email.link_secret,
                                                                 cfg.email.public_base_url);
        teams_sender::card_links_fn links = [calendar](database& db, const bot::message& m,
                                                       const std::string& email) {
            std::vector<teams::card_options::link> out;
            if (auto url = calendar->for_message(db, m, email, now_seconds()); !url.empty()) {
                out.push_back({"Legg i kalender", std::move(url)});
            }
            return out;
        };
        senders.push_back(std::make_unique<teams_sender>(
            cfg.teams,
            store_options{cfg.store.database, cfg.store.synchronous_full,
                          cfg.store.busy_timeout_ms},
            std::move(links)));
    }
    // Email is always on: over SMTP when smtp_url is set, else as .eml files in outbox_dir. It is
    // also where Teams hands people it cannot reach.
    // A wheel meeting's reminder mail carries its invitation (daemon/calendar).
    auto invitations = make_invitation_writer(cfg);
    decltype(email_sender_options::calendar_invitation) invitation;
    if (invitations) {
        invitation = [invitations](database& db, const bot::message& m, const email::mailbox& to,
                                   const email::mailbox& from) {
            return invitations(db, m, {to.name, to.address}, {from.name, from.address});
        };
    }
    senders.push_back(make_email_sender(cfg, std::move(invitation)));
    return senders;
}

}  // namespace kv::daemon
