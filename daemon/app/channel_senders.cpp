#include "daemon/app/channel_senders.hpp"

#include "daemon/delivery/teams_sender.hpp"

namespace kv::daemon {

std::vector<std::unique_ptr<channel_sender>> make_channel_senders(const settings& cfg) {
    std::vector<std::unique_ptr<channel_sender>> senders;
    if (cfg.teams.enabled) {
        senders.push_back(std::make_unique<teams_sender>(
            cfg.teams, store_options{cfg.store.database, cfg.store.synchronous_full,
                                     cfg.store.busy_timeout_ms}));
    }
    return senders;
}

}  // namespace kv::daemon
