#include "adapters/teams/url.hpp"

#include "adapters/teams/http_transport.hpp"

#include <string_view>

namespace kv::teams {

std::string encode_uri_component(std::string_view s) {
    constexpr std::string_view unreserved_marks = "-_.!~*'()";
    constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(s.size());
    for (const char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        const bool alnum =
            (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (alnum || unreserved_marks.find(ch) != std::string_view::npos) {
            out += ch;
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 0x0F];
        }
    }
    return out;
}

std::string service_base(std::string_view service_url) {
    while (!service_url.empty() && service_url.back() == '/') {
        service_url.remove_suffix(1);
    }
    return std::string{service_url};
}

std::string_view http_reply::header(std::string_view name) const {
    for (const auto& [k, v] : headers) {
        if (k.size() == name.size()) {
            bool same = true;
            for (std::size_t i = 0; i < k.size() && same; ++i) {
                auto lower = [](char c) {
                    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
                };
                same = lower(k[i]) == lower(name[i]);
            }
            if (same) {
                return v;
            }
        }
    }
    return {};
}

}  // namespace kv::teams
