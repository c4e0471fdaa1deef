#pragma once
// URL pieces of the Bot Connector REST API (reference section 3.3).

#include <string>
#include <string_view>

namespace kv::teams {

// Percent-encodes like JavaScript's encodeURIComponent: everything but A-Z a-z 0-9 - _ . ! ~ * ' (
// ) becomes %XX (UTF-8 bytes, upper-case hex). For conversation, activity and member ids in paths.
std::string encode_uri_component(std::string_view s);

// The serviceUrl with every trailing '/' removed: the base that "/v3/..." is appended to.
std::string service_base(std::string_view service_url);

}  // namespace kv::teams
