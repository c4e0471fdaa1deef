#include "adapters/teams/connector/service_url_policy.hpp"

#include <optional>

namespace kv::teams {
namespace {

struct url_parts {
    std::string scheme, host, port, path;
};

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return out;
}

std::optional<url_parts> split(std::string_view url) {
    const auto sep = url.find("://");
    if (sep == std::string_view::npos) {
        return std::nullopt;
    }
    url_parts p;
    p.scheme = lower(url.substr(0, sep));
    if (p.scheme != "https" && p.scheme != "http") {
        return std::nullopt;
    }
    std::string_view rest = url.substr(sep + 3);
    const auto slash = rest.find_first_of("/?#");
    std::string_view authority = rest.substr(0, slash);
    if (authority.empty() || authority.find('@') != std::string_view::npos) {
        return std::nullopt;  // userinfo would make the host ambiguous
    }
    const auto colon = authority.rfind(':');
    if (colon != std::string_view::npos && authority.find(']') == std::string_view::npos) {
        p.host = lower(authority.substr(0, colon));
        p.port = std::string(authority.substr(colon + 1));
    } else {
        p.host = lower(authority);
    }
    if (p.port.empty()) {
        p.port = p.scheme == "https" ? "443" : "80";
    }
    p.path = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
    if (const auto q = p.path.find_first_of("?#"); q != std::string::npos) {
        p.path.resize(q);
    }
    if (p.path.empty() || p.path.front() != '/') {
        p.path.insert(p.path.begin(), '/');
    }
    if (p.path.find("/..") != std::string::npos || p.path.find('%') != std::string::npos) {
        return std::nullopt;  // no tricks with the path either
    }
    return p;
}

}  // namespace

std::vector<std::string> default_allowed_service_urls() {
    return {"https://smba.trafficmanager.net/", "https://smba.infra.gcc.teams.microsoft.com/"};
}

service_url_policy::service_url_policy(std::vector<std::string> allowed)
    : allowed_(std::move(allowed)) {}

bool service_url_policy::allows(std::string_view url) const {
    const auto u = split(url);
    if (!u) {
        return false;
    }
    for (const auto& entry : allowed_) {
        const auto a = split(entry);
        if (!a || a->scheme != u->scheme || a->host != u->host || a->port != u->port) {
            continue;
        }
        std::string prefix = a->path;
        if (prefix.back() != '/') {
            prefix += '/';
        }
        const std::string path = u->path.back() == '/' ? u->path : u->path + '/';
        if (path.rfind(prefix, 0) == 0) {
            return true;
        }
    }
    return false;
}

}  // namespace kv::teams
