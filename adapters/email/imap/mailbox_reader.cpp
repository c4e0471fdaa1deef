#include "adapters/email/imap/mailbox_reader.hpp"

#include <algorithm>
#include <thread>

namespace kv::email {

mailbox_reader::mailbox_reader(mailbox_reader_options options, handler on_message)
    : options_(std::move(options)), on_message_(std::move(on_message)) {
    if (!options_.xoauth2_token_file.empty()) {
        tokens_.emplace(options_.xoauth2_token_file);
    }
}

void mailbox_reader::log_in(imap_session& session) {
    if (!tokens_) {
        session.authenticate(options_.credentials);
        return;
    }
    auto fresh = tokens_->current();
    if (!fresh.ok()) {
        throw imap_error(fresh.error);
    }
    auto credentials = options_.credentials;
    credentials.xoauth2_token = fresh.token;
    logged_in_token_ = std::move(fresh.token);
    session.authenticate(credentials);
}

bool mailbox_reader::token_changed() {
    if (!tokens_) {
        return false;
    }
    // A file that is unreadable right now does not end a session that works.
    const auto now = tokens_->current();
    return now.ok() && now.token != logged_in_token_;
}

void mailbox_reader::log(const std::string& line) const {
    if (options_.log) {
        options_.log(line);
    }
}

std::size_t mailbox_reader::drain(imap_session& session) {
    ++rounds_;
    std::size_t handed = 0;
    for (const auto uid : session.uid_search_all()) {
        if (stop_) {
            break;
        }
        const std::string raw = session.uid_fetch(uid);
        handled_message result;
        try {
            result = on_message_(raw);
        } catch (const std::exception& e) {
            result = {message_verdict::retry_later, e.what()};
        }
        ++handed;
        const std::string id = "UID " + std::to_string(uid);
        switch (result.verdict) {
            case message_verdict::processed:
                session.uid_add_flags(uid, "(\\Seen)");
                session.uid_move(uid, options_.processed_folder);
                break;
            case message_verdict::failed:
                log("mail " + id + " failed, moved to " + options_.failed_folder + ": " +
                    result.reason);
                session.uid_add_flags(uid, "(\\Seen)");
                session.uid_move(uid, options_.failed_folder);
                break;
            case message_verdict::retry_later:
                log("mail " + id + " left for a later round: " + result.reason);
                break;
        }
    }
    return handed;
}

std::size_t mailbox_reader::run_once() {
    imap_session session(options_.endpoint, options_.timeout);
    log_in(session);
    session.create_if_missing(options_.processed_folder);
    session.create_if_missing(options_.failed_folder);
    session.select(options_.folder);
    const auto n = drain(session);
    session.logout();
    return n;
}

void mailbox_reader::run() {
    std::chrono::seconds pause{1};
    const auto sleep_while_running = [&](std::chrono::seconds d) {
        const auto until = std::chrono::steady_clock::now() + d;
        while (!stop_ && std::chrono::steady_clock::now() < until) {
            std::this_thread::sleep_for(std::chrono::milliseconds{100});
        }
    };
    while (!stop_) {
        try {
            imap_session session(options_.endpoint, options_.timeout);
            log_in(session);
            session.create_if_missing(options_.processed_folder);
            session.create_if_missing(options_.failed_folder);
            session.select(options_.folder);
            log("reading " + options_.folder + " on " + options_.endpoint.host +
                (session.has_capability("IDLE") ? " (IDLE)" : " (polling)"));
            pause = std::chrono::seconds{1};
            // A server may drop an IDLE after 30 minutes; a fresh one every poll interval
            // (at most 29 minutes) keeps it alive.
            const auto wait =
                std::min<std::chrono::seconds>(options_.poll_interval, std::chrono::minutes{29});
            while (!stop_) {
                drain(session);
                if (session.has_capability("IDLE")) {
                    if (session.idle(wait, stop_) == imap_session::idle_result::new_mail) {
                        ++idle_wakeups_;
                    }
                } else {
                    sleep_while_running(wait);
                }
                if (token_changed()) {
                    log("XOAUTH2 token file changed: connecting again with the new token");
                    break;
                }
            }
            session.logout();
        } catch (const std::exception& e) {
            log(std::string("mailbox reader: ") + e.what() + "; trying again in " +
                std::to_string(pause.count()) + " s");
            sleep_while_running(pause);
            pause = std::min<std::chrono::seconds>(pause * 2, std::chrono::minutes{5});
        }
    }
}

}  // namespace kv::email
