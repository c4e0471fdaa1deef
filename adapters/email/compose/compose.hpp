#pragma once
// Turns an outgoing_mail into a complete RFC 5322 message, built with GMime 3: CRLF line ends,
// multipart/alternative (text/plain, then a simple HTML part), both UTF-8 and quoted-printable,
// RFC 2047 UTF-8 subject and display names, Date in Europe/Oslo time, Message-ID, threading
// headers, Auto-Submitted and X-Auto-Response-Suppress, and a footer saying how to answer.
// A mail with a calendar invitation is multipart/mixed: the alternative above with a third,
// text/calendar; method=REQUEST part, and the same object attached as invitasjon.ics.
// Thread-safe: every call builds its own objects (GMime is initialised once, on first use).

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "adapters/email/compose/outgoing_mail.hpp"

namespace kv::email {

// A mail that cannot be written as valid MIME (an address with non-ASCII or control
// characters, a Message-ID without '@'). The message names the field, never its content.
class compose_error : public std::invalid_argument {
  public:
    using std::invalid_argument::invalid_argument;
};

// The whole message, ready for SMTP (every line ends in CRLF, none longer than 998 octets).
// Throws compose_error for the mistakes above.
std::string compose_message(const outgoing_mail& mail);

// The subject: the message's title, with its subject key appended as "[AV-2026-0001]" when
// the key is a case id not already in the title.
std::string subject_line(const bot::message& m);

// The two bodies as UTF-8 text, before transfer encoding (what a mail client shows).
std::string plain_body(const outgoing_mail& mail);
std::string html_body(const outgoing_mail& mail);

// "Mon, 24 Nov 2025 09:30:00 +0100": English names, Oslo's offset at that instant.
std::string rfc5322_date(std::chrono::sys_seconds t);

// The reply keyword that takes an action by email, e.g. "MOTTATT" for "case.receive",
// "LUKK <konklusjon>" for "case.close", "INGEN ENDRING" for "review.keep", "LEST" for
// "reading.confirm"; nullopt when the action needs the link.
std::optional<std::string> reply_keyword(std::string_view verb);

}  // namespace kv::email
