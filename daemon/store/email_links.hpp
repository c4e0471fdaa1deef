#pragma once
// Signed action links kept by the daemon: the grant under each nonce (see
// adapters/email/links/action_link.hpp) and when it was used. A link acts at most once: the
// use is recorded in the same transaction as the decision it carries.
// Same threading and failure rules as email_threads.hpp.

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "daemon/store/sqlite.hpp"

namespace kv::daemon {

struct email_link {
    std::string nonce;
    std::string verb;
    std::string target;
    std::map<std::string, std::string> data;
    std::string person_email;
    std::chrono::sys_seconds expires_at{};
    std::chrono::sys_seconds created_at{};
    std::optional<std::chrono::sys_seconds> used_at;
};

// Stores a new link; a link with the same nonce already stored is kept as it is (a resent
// email carries the same links). Returns true when the row was new.
bool record_email_link(database& db, const email_link& link);
std::optional<email_link> find_email_link(database& db, std::string_view nonce);
// Records the use; returns false (and changes nothing) when it was already used.
bool mark_email_link_used(database& db, std::string_view nonce, std::chrono::sys_seconds at);

}  // namespace kv::daemon
