#pragma once
// Reading a decision from the new text of a reply: GODKJENN, AVVIS <begrunnelse>, MOTTATT,
// LUKK <konklusjon> and APPROVE, REJECT <reason>, RECEIVED, CLOSE <conclusion>, as the first
// word of one of the first lines. Nothing is ever guessed: two different keywords, a negated
// keyword ("ikke godkjent") or a keyword missing its required text make the reply unreadable.

#include <cstddef>
#include <string>
#include <string_view>

namespace kv::email {

enum class command_kind { approve, reject, receive, close };

struct reply_reading {
    enum class kind {
        empty,      // no new text at all
        free_text,  // no keyword starts any of the first lines: information to add
        command,    // exactly one keyword
        unclear,    // conflicting, negated or incomplete keywords: ask, do nothing
    };
    kind what = kind::empty;
    command_kind command = command_kind::receive;  // when what == command
    std::string argument;  // the reason or conclusion: the rest of the keyword's line and the
                           // lines after it up to an empty line
    std::string problem;   // when unclear: which rule, in short English for logs
};

// Reads `new_text` (from strip_quotes), looking at the first `first_lines` non-empty lines.
reply_reading read_reply(std::string_view new_text, std::size_t first_lines = 3);

}  // namespace kv::email
