#pragma once
// What the inbound email path remembers: every message it handled (so a redelivered message is
// a duplicate, whatever its outcome was), the answers it wrote to each sender (for the rate
// limit), addresses that bounced, and its answers as outbox rows on the email channel.
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

struct inbound_mail_record {
    std::string message_id;  // without angle brackets (or "sha256:<hex>" when it had none)
    std::string sender;      // lower case From address; may be empty for malformed mail
    std::string outcome;     // "deviation_created", "ignored_bounce", ...
    std::string case_id;     // empty when none
    std::string detail;      // short, never message content
    std::chrono::sys_seconds received_at{};
};

std::optional<inbound_mail_record> find_inbound_mail(database& db, std::string_view message_id);
// Inserts; a second record with the same message_id is ignored (the first outcome stands).
void record_inbound_mail(database& db, const inbound_mail_record& r);

// Times of the answers written to `sender` at or after `since`.
std::vector<std::chrono::sys_seconds> email_answers_since(database& db, std::string_view sender,
                                                          std::chrono::sys_seconds since);
// Queues `body` for `recipient` on the email channel (whatever their preferred channel: they
// wrote by mail) and counts it as an answer. A second row with the same dedupe_key is ignored.
void enqueue_email_answer(database& db, std::string_view recipient, const bot::message& body,
                          std::string_view dedupe_key, std::chrono::sys_seconds now);

struct failing_address {
    std::string address;
    std::string status;      // the DSN status, e.g. "5.1.1"
    std::string message_id;  // our message that bounced, when known
    std::chrono::sys_seconds failed_at{};
};

// Marks `address` as failing (the latest bounce wins).
void mark_address_failing(database& db, const failing_address& f);
std::optional<failing_address> find_failing_address(database& db, std::string_view address);
// Forgets that `address` was failing (mail from it was authenticated since); true when it was.
bool clear_failing_address(database& db, std::string_view address);

}  // namespace kv::daemon
