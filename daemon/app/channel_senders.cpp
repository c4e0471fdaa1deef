#include "daemon/app/channel_senders.hpp"

namespace kv::daemon {

std::vector<std::unique_ptr<channel_sender>> make_channel_senders(const settings& cfg) {
    std::vector<std::unique_ptr<channel_sender>> senders;
    (void)cfg;  // Teams and email add their senders here when configured.
    return senders;
}

}  // namespace kv::daemon
