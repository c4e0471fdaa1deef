#pragma once
// An inbound email as the rest of the adapter sees it: plain values, text already decoded to
// UTF-8, nothing that points back into the MIME library. Attachments are listed, never kept.

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kv::email {

struct header_field {
    std::string name;   // as written
    std::string value;  // unfolded, not decoded (Authentication-Results and the like are ASCII)
};

struct attachment_info {
    std::string filename;      // as the sender named it (may be empty); never used as a path
    std::string content_type;  // e.g. "image/jpeg"
    std::size_t size = 0;      // decoded bytes
};

struct parsed_message {
    std::string message_id;    // without angle brackets; empty when the message has none
    std::string from_address;  // lower case addr-spec of the first From mailbox; empty if none
    std::string from_name;     // decoded display name
    std::vector<std::string> recipients;  // lower case addresses from To, Cc, Delivered-To,
                                          // X-Original-To, in that order
    std::string subject;                  // decoded UTF-8
    std::optional<std::chrono::sys_seconds> date;
    std::string in_reply_to;              // a message id without angle brackets, or empty
    std::vector<std::string> references;  // oldest first, without angle brackets
    std::vector<header_field> headers;    // every top-level header, top first

    std::string mime_type;    // top level, lower case: "multipart/report", "text/plain", ...
    std::string report_type;  // of a multipart/report, lower case: "delivery-status", ...
    std::string plain_text;   // the first text/plain body part, UTF-8, format=flowed undone
    std::string html;  // the first text/html body part, UTF-8 (raw markup); left empty when a
                       // plain part with text came first (it is not needed then)
    std::string delivery_status;   // a message/delivery-status part, if any (DSN)
    std::string returned_headers;  // the headers of a returned message in a report, if any
    std::vector<attachment_info> attachments;
    bool has_tnef = false;   // application/ms-tnef (winmail.dat): the text is usually elsewhere
    bool encrypted = false;  // application/pkcs7-mime or multipart/encrypted: unreadable

    // The first header named `name` (case-insensitive), or nullopt.
    std::optional<std::string_view> header(std::string_view name) const;
    // Every header named `name`, top first.
    std::vector<std::string_view> headers_named(std::string_view name) const;
    // The body as text: the plain part when it has any text, else the HTML part as text.
    std::string body_text() const;
    // Whether body_text() comes from HTML.
    bool body_is_html() const;
};

}  // namespace kv::email
