#pragma once
// Reading a reply to a procedure mail: "Ingen endring" (the Ingen endring button of a review
// reminder) and "Lest" (the Lest button of a reading-list mail), with English equivalents, as
// the first words of one of the first lines. Nothing is ever guessed: a negated phrase ("ikke
// lest") or both phrases in one reply make the reply unreadable. Pure; thread-safe.

#include <cstddef>
#include <string>
#include <string_view>

namespace kv::email {

struct procedure_reply_reading {
    enum class kind {
        empty,      // no new text at all
        other,      // neither phrase starts any of the first lines
        no_change,  // "ingen endring", "ingen endringer", "uendret", "no change", "unchanged"
        read,       // "lest", "har lest", "read", "have read", "I have read"
        unclear,    // negated or conflicting phrases: ask, do nothing
    };
    kind what = kind::empty;
    std::string problem;  // when unclear: which rule, in short English for logs
};

// Reads `new_text` (from strip_quotes), looking at the first `first_lines` non-empty lines.
procedure_reply_reading read_procedure_reply(std::string_view new_text,
                                             std::size_t first_lines = 3);

}  // namespace kv::email
