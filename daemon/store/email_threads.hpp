#pragma once
// Email threads: every Message-ID the daemon sent, with the Reply-To plus-address token and
// what the mail was about, so a reply finds its case (by token, else by In-Reply-To/References)
// and later mail about the same case threads with the earlier ones.
// Functions use the connection they are given from one thread at a time, like the store; each
// statement is its own transaction unless the caller holds one. They throw store_error.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/message/message.hpp"
#include "daemon/store/sqlite.hpp"

namespace kv::daemon {

struct email_thread {
    std::string token;            // the plus-address token: kvalitetsvakt+<token>@domain
    std::string recipient_email;  // lower case
    std::string subject_key;      // e.g. "AV-2026-0001" or "approval:17"
    std::string message_id;       // without angle brackets
    std::chrono::sys_seconds sent_at{};
};

// Inserts, or replaces the row with the same message_id (a resent message keeps its id).
void record_email_thread(database& db, const email_thread& thread);
std::optional<email_thread> find_email_thread_by_token(database& db, std::string_view token);
std::optional<email_thread> find_email_thread_by_message_id(database& db,
                                                            std::string_view message_id);
// The mail sent to `recipient` about `subject_key`, oldest first (at most `limit`, the latest).
std::vector<email_thread> email_threads_about(database& db, std::string_view recipient,
                                              std::string_view subject_key, int limit = 20);

// The message of outbox row `id`: what a mail sent without a subject key of its own (threaded
// as "outbox:<id>") was about. Nothing when the row is gone or its body does not read as a
// message.
std::optional<bot::message> outbox_message(database& db, std::int64_t id);

}  // namespace kv::daemon
