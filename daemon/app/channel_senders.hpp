#pragma once
// The senders of the channels the configuration enables, for the delivery worker: email always,
// Teams when enabled. Console rows
// are not among them: `chat` sessions take those themselves.

#include <memory>
#include <vector>

#include "daemon/config/settings.hpp"
#include "daemon/delivery/channel_sender.hpp"

namespace kv::daemon {

std::vector<std::unique_ptr<channel_sender>> make_channel_senders(const settings& cfg);

}  // namespace kv::daemon
