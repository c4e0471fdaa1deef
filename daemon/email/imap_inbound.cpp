#include "daemon/email/imap_inbound.hpp"

#include <stdexcept>

#include "daemon/app/app.hpp"
#include "daemon/log.hpp"

namespace kv::daemon {

email::handled_message imap_verdict(const inbound_outcome& o) {
    if (o.outcome == "rejected_too_large" ||
        (o.outcome == "not_understood" && o.detail.rfind("malformed", 0) == 0)) {
        return {email::message_verdict::failed, o.outcome + ": " + o.detail};
    }
    return {email::message_verdict::processed, ""};
}

std::optional<email::mailbox_reader_options> mailbox_reader_options_from(const email_settings& s,
                                                                         std::string& error) {
    const auto endpoint = email::parse_imap_url(s.imap_url, s.imap_ca_file);
    if (!endpoint) {
        error = "email.imap_url: not an imap:// or imaps:// URL";
        return std::nullopt;
    }
    email::mailbox_reader_options o;
    o.endpoint = *endpoint;
    o.credentials = {s.imap_user, s.imap_password, s.imap_xoauth2_token, s.imap_auth};
    if (s.imap_auth != "login") {
        o.xoauth2_token_file = s.oauth2_token_file;
    }
    o.folder = s.imap_folder;
    o.processed_folder = s.imap_processed_folder;
    o.failed_folder = s.imap_failed_folder;
    o.poll_interval = std::chrono::seconds{s.imap_poll_seconds};
    o.log = [](const std::string& line) { log::info(line); };
    return o;
}

imap_inbound_service::imap_inbound_service(const settings& cfg, const bot::bot& brain)
    : cfg_(cfg), brain_(brain) {
    std::string error;
    auto options = mailbox_reader_options_from(cfg_.email, error);
    if (!options) {
        throw std::invalid_argument(error);
    }
    reader_ = std::make_unique<email::mailbox_reader>(
        std::move(*options), [this](const std::string& raw) {
            if (!inbound_) {
                db_ = std::make_unique<store>(store_options{
                    cfg_.store.database, cfg_.store.synchronous_full, cfg_.store.busy_timeout_ms});
                inbound_ =
                    std::make_unique<inbound_mail>(*db_, brain_, inbound_options_from(cfg_.email));
            }
            return imap_verdict(inbound_->handle(raw, now_seconds()));
        });
}

imap_inbound_service::~imap_inbound_service() {
    stop();
}

void imap_inbound_service::start() {
    thread_ = std::thread([this] { reader_->run(); });
}

void imap_inbound_service::stop() noexcept {
    reader_->request_stop();
    if (thread_.joinable()) {
        thread_.join();
    }
}

}  // namespace kv::daemon
