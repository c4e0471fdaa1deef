#include "bot/domain/approval.hpp"

namespace kv::bot {
std::string_view to_string(approval_kind k) {
    switch (k) {
        case approval_kind::procedure_version:
            return "procedure_version";
        case approval_kind::procedure_deletion:
            return "procedure_deletion";
    }
    return "procedure_version";
}

std::string_view to_string(approval_state s) {
    switch (s) {
        case approval_state::pending:
            return "pending";
        case approval_state::approved:
            return "approved";
        case approval_state::rejected:
            return "rejected";
    }
    return "pending";
}

std::optional<approval_kind> parse_approval_kind(std::string_view s) {
    for (auto k : {approval_kind::procedure_version, approval_kind::procedure_deletion}) {
        if (to_string(k) == s) {
            return k;
        }
    }
    return std::nullopt;
}

std::optional<approval_state> parse_approval_state(std::string_view s) {
    for (auto st : {approval_state::pending, approval_state::approved, approval_state::rejected}) {
        if (to_string(st) == s) {
            return st;
        }
    }
    return std::nullopt;
}

bool may_decide(const approval& a, const std::string& email) {
    return !email.empty() && email == a.approver_email;
}

std::string approval_subject_key(const approval& a) {
    return "approval:" + std::to_string(a.id);
}

}  // namespace kv::bot
