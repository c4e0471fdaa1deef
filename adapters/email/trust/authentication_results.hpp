#pragma once
// Authentication-Results (RFC 8601): what the receiving mail server found out about a message's
// sender. Parsed leniently (Microsoft 365 omits the authserv-id), trusted only elsewhere.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kv::email {

struct auth_method_result {
    std::string method;  // lower case: "spf", "dkim", "dmarc", "arc", "compauth", ...
    std::string result;  // lower case: "pass", "fail", "none", ...
    std::map<std::string, std::string> properties;  // "header.from" -> "kommune.example" ...
};

struct authentication_results {
    std::string authserv_id;  // lower case; empty when the header has none (Microsoft 365)
    std::vector<auth_method_result> results;
};

// Parses one header value. Comments are dropped and quoted strings unquoted. Returns nullopt
// only for a value with neither an authserv-id nor a method result.
std::optional<authentication_results> parse_authentication_results(std::string_view value);

}  // namespace kv::email
