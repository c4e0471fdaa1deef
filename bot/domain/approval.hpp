#pragma once
// An approval: something one person asks and one entitled person decides, once. Generic over
// what is approved (a procedure's new version, a procedure's deletion, ...); the consequences of
// a decision belong to the part of the bot that asked for it.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "bot/domain/model.hpp"

namespace kv::bot {

enum class approval_kind { procedure_version, procedure_deletion };
enum class approval_state { pending, approved, rejected };

struct approval {
    std::int64_t id = 0;  // store key, given by the repository's next_approval_id()
    approval_kind kind = approval_kind::procedure_version;
    std::string subject;         // what it is about, e.g. a procedure id
    std::string title;           // what is asked, in a line: "HO-PR-011 Legemidler: versjon 5.1"
    std::string requested_by;    // email
    std::string approver_email;  // the one person entitled to decide
    // What the request carries: "version", "url", "note" for a new version; "reason" for a
    // deletion. Shown as facts.
    std::map<std::string, std::string> details;
    approval_state state = approval_state::pending;
    std::string decided_by;
    std::optional<time_point> decided_at;
    std::string comment;  // required when rejected
    time_point created_at{};
};

std::string_view to_string(approval_kind k);
std::string_view to_string(approval_state s);
std::optional<approval_kind> parse_approval_kind(std::string_view s);
std::optional<approval_state> parse_approval_state(std::string_view s);

// Only the approver may decide, and only while the approval is pending.
bool may_decide(const approval& a, const std::string& email);

// "approval:<id>": what the cards of one approval share, so a channel can update them in place.
std::string approval_subject_key(const approval& a);

}  // namespace kv::bot
