#pragma once
// Inbound MIME parsing with GMime 3: bytes as they came from IMAP or an MTA pipe in, a
// parsed_message out. Size is checked before any parsing; broken MIME gives an error value or a
// best-effort message, never a crash.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "adapters/email/parse/parsed_message.hpp"

namespace kv::email {

inline constexpr std::size_t default_max_message_bytes = 10 * 1024 * 1024;

enum class parse_error {
    none,
    too_large,  // over the limit; `message` then holds only what the headers say
    malformed,  // no headers to speak of, or no From mailbox: nobody to answer
};

struct parse_result {
    parse_error error = parse_error::none;
    std::string detail;  // short, for logs and the ingest line; never message content
    std::optional<parsed_message> message;
};

// Parses one message (CRLF or LF line ends). A message over `max_bytes` is not parsed: only its
// header block (at most 256 KB of it) is, so that the sender can be told. Thread-safe (GMime is
// initialised once; each call has its own objects). Throws only std::bad_alloc.
parse_result parse_message(std::string_view raw, std::size_t max_bytes = default_max_message_bytes);

}  // namespace kv::email
