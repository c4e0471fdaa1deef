#pragma once
// The new text of a reply: what the sender wrote now, without the quoted original, the
// attribution line, the forwarded header block or the signature. Modelled on the line
// classification of Discourse's email_reply_trimmer, with Norwegian, English and Swedish
// patterns of Outlook (desktop, web, mobile), Gmail, Apple Mail and Thunderbird.

#include <string>
#include <string_view>

#include "adapters/email/parse/parsed_message.hpp"

namespace kv::email {

// Text with "\n" line ends in, the new text out (trimmed; empty when nothing new was written).
// Quoted lines ('>') never survive; an inline reply keeps the sender's lines between the quotes.
std::string strip_quotes(std::string_view text);

// HTML up to the first quote container a client writes (Gmail's gmail_quote, Apple Mail and
// Thunderbird's blockquote type=cite / moz-cite-prefix, Outlook on the web's appendonsend /
// divRplyFwdMsg, Outlook desktop's border-top header block, Yahoo's yahoo_quoted).
std::string cut_html_quote(std::string_view html);

// The new text of `m`: its plain part stripped, or its HTML part cut, converted and stripped.
std::string new_text(const parsed_message& m);

// Text normalised for reading: BOM and zero-width characters removed, no-break spaces made
// spaces, "\r" removed.
std::string normalise_invisible(std::string_view text);

}  // namespace kv::email
