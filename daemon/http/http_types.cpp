#include "daemon/http/http_types.hpp"

#include <algorithm>

namespace kv::daemon {

namespace {

char ascii_lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

}  // namespace

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return ascii_lower(x) == ascii_lower(y);
           });
}

http_headers& http_headers::add(std::string name, std::string value) {
    fields_.emplace_back(std::move(name), std::move(value));
    return *this;
}

http_headers& http_headers::set(std::string name, std::string value) {
    std::erase_if(fields_, [&](const field& f) { return iequals(f.first, name); });
    return add(std::move(name), std::move(value));
}

std::optional<std::string_view> http_headers::find(std::string_view name) const {
    for (const auto& [n, v] : fields_) {
        if (iequals(n, name)) {
            return std::string_view{v};
        }
    }
    return std::nullopt;
}

http_response text_response(int status, std::string body) {
    return http_response{status, "text/plain; charset=utf-8", {}, std::move(body)};
}

http_response json_response(int status, std::string body) {
    return http_response{status, "application/json", {}, std::move(body)};
}

}  // namespace kv::daemon
