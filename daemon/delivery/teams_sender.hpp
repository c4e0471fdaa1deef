#pragma once
// Delivers outbox rows on Teams (reference 3.5, 3.6, 4.4): a card whose subject was sent to the
// person before is updated in place (PUT); otherwise the message goes to the person's stored 1:1
// conversation, which is created first when we only met them elsewhere (a team or group chat).
// A person with no Teams identity, or who blocked or removed the app, gets use_fallback; 429 and
// outages give retry_later with the connector's Retry-After.
// Thread-safety: deliver() runs on the delivery thread only; the sender opens its own store
// connection there on first use. Never throws out of deliver().

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "adapters/teams/card.hpp"
#include "adapters/teams/connector/connector_client.hpp"
#include "daemon/config/settings.hpp"
#include "daemon/delivery/channel_sender.hpp"
#include "daemon/http/http_client.hpp"
#include "daemon/store/teams_store.hpp"

namespace kv::daemon {

class teams_sender final : public channel_sender {
  public:
    // Links a message's card offers besides its buttons (e.g. "Legg i kalender"), given the
    // sender's store connection, the message and the recipient; empty: none.
    using card_links_fn = std::function<std::vector<teams::card_options::link>(
        database&, const bot::message&, const std::string&)>;

    teams_sender(const teams_settings& cfg, store_options db, card_links_fn card_links = {});
    ~teams_sender() override;

    bot::channel channel() const override { return bot::channel::teams; }
    delivery_outcome deliver(const outbox_item& item) override;

  private:
    delivery_outcome deliver_or_throw(const outbox_item& item);
    // Posts the row as a new message in `to`, and remembers a card so it can be updated later.
    delivery_outcome send_new(teams_store& ts, const teams::conversation_reference& to,
                              const outbox_item& item, const teams::card_options& card);

    store_options db_options_;
    card_links_fn card_links_;
    std::unique_ptr<store> db_;
    http_client http_;
    teams::token_cache tokens_;
    teams::rate_limiter limiter_;
    teams::connector_client connector_;
};

}  // namespace kv::daemon
