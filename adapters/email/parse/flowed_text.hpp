#pragma once
// RFC 3676 format=flowed: Thunderbird and Apple Mail send long paragraphs as soft-broken lines.

#include <string>
#include <string_view>

namespace kv::email {

// Joins soft-broken lines (a line ending in a space, the signature separator "-- " excepted) with
// the next line of the same quote depth, and removes space-stuffing. With `delsp`, the trailing
// space of a soft-broken line is deleted. Input and output use "\n" line ends.
std::string unflow(std::string_view text, bool delsp);

}  // namespace kv::email
