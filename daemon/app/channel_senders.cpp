#include "daemon/app/channel_senders.hpp"

#include "daemon/delivery/email_sender.hpp"

namespace kv::daemon {

std::vector<std::unique_ptr<channel_sender>> make_channel_senders(const settings& cfg) {
    std::vector<std::unique_ptr<channel_sender>> senders;
    (void)cfg;  // Teams adds its sender here when configured.
    // Email: over SMTP when [email] smtp_url is set, else as .eml files in outbox_dir.
    senders.push_back(make_email_sender(cfg));
    return senders;
}

}  // namespace kv::daemon
