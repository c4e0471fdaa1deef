#pragma once
// Case folding for comparing a reply's words with keyword tables.

#include <string>
#include <string_view>

namespace kv::email {

// Lower case for ASCII and the Norwegian letters (Æ Ø Å, UTF-8); other bytes are kept.
std::string fold(std::string_view s);

}  // namespace kv::email
