#include "adapters/email/parse/flowed_text.hpp"

#include <vector>

namespace kv::email {
namespace {

std::size_t quote_depth(std::string_view line) {
    std::size_t n = 0;
    while (n < line.size() && line[n] == '>') {
        ++n;
    }
    return n;
}

}  // namespace

std::string unflow(std::string_view text, bool delsp) {
    std::string out;
    out.reserve(text.size());
    bool joining = false;
    std::size_t joining_depth = 0;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string_view::npos) {
            end = text.size();
        }
        std::string_view line = text.substr(pos, end - pos);
        const std::size_t depth = quote_depth(line);
        std::string_view content = line.substr(depth);
        if (!content.empty() && content[0] == ' ') {
            content.remove_prefix(1);  // space-stuffing
        }
        if (joining && depth != joining_depth) {
            out += '\n';  // a soft break cannot cross quote levels
            joining = false;
        }
        if (!joining) {
            out.append(depth, '>');
            if (depth > 0) {
                out += ' ';
            }
        }
        const bool soft = !content.empty() && content.back() == ' ' && content != "-- ";
        if (soft && delsp) {
            content.remove_suffix(1);
        }
        out += content;
        if (soft) {
            joining = true;
            joining_depth = depth;
        } else {
            joining = false;
            if (end < text.size()) {
                out += '\n';
            }
        }
        if (end == text.size()) {
            break;
        }
        pos = end + 1;
    }
    return out;
}

}  // namespace kv::email
