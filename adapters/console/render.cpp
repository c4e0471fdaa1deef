#include "adapters/console/render.hpp"

#include <algorithm>

namespace kv::console {
namespace {

// Width on a terminal: UTF-8 code points, so "Når" lines up with "Type".
std::size_t display_width(const std::string& s) {
    std::size_t n = 0;
    for (const char c : s) {
        n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
    }
    return n;
}

}  // namespace

void render(const bot::message& m, std::string& out, std::vector<bot::action>& numbered) {
    if (!m.title.empty()) {
        out += "== " + m.title + " ==\n";
    }
    std::size_t width = 0;
    for (const auto& f : m.facts) {
        width = std::max(width, display_width(f.label));
    }
    for (const auto& f : m.facts) {
        out += "  " + f.label + ":" + std::string(width - display_width(f.label) + 1, ' ') +
               f.value + "\n";
    }
    if (!m.text.empty()) {
        out += m.text + "\n";
    }
    if (!m.actions.empty()) {
        std::string line;
        for (const auto& a : m.actions) {
            numbered.push_back(a);
            line += (line.empty() ? "" : "  ") + std::string("[") +
                    std::to_string(numbered.size()) + "] " + a.label;
        }
        out += line + "\n";
    }
}

}  // namespace kv::console
