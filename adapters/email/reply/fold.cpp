#include "adapters/email/reply/fold.hpp"

namespace kv::email {

std::string fold(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (c >= 'A' && c <= 'Z') {
            out += static_cast<char>(c - 'A' + 'a');
        } else if (c == '\xC3' && i + 1 < s.size() &&
                   (s[i + 1] == '\x86' || s[i + 1] == '\x98' || s[i + 1] == '\x85')) {
            out += c;
            out += static_cast<char>(s[++i] + 0x20);  // Æ Ø Å -> æ ø å
        } else {
            out += c;
        }
    }
    return out;
}

}  // namespace kv::email
