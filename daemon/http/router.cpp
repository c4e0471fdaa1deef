#include "daemon/http/router.hpp"

#include <algorithm>
#include <exception>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string_view>

namespace kv::daemon {

namespace {

// What a route's path matched: nothing, the whole path, or the run under its '*'.
std::optional<std::string_view> match(std::string_view pattern, std::string_view path) {
    const auto star = pattern.find('*');
    if (star == std::string_view::npos) {
        return pattern == path ? std::optional<std::string_view>{""} : std::nullopt;
    }
    const auto prefix = pattern.substr(0, star);
    const auto suffix = pattern.substr(star + 1);
    if (path.size() <= prefix.size() + suffix.size() || !path.starts_with(prefix) ||
        !path.ends_with(suffix)) {
        return std::nullopt;
    }
    const auto run = path.substr(prefix.size(), path.size() - prefix.size() - suffix.size());
    if (run.find('/') != std::string_view::npos) {
        return std::nullopt;
    }
    return run;
}

bool is_pattern(const route& r) {
    return r.path.find('*') != std::string::npos;
}

std::vector<route> checked(std::vector<route> routes) {
    for (auto it = routes.begin(); it != routes.end(); ++it) {
        const auto where = it->method + " " + it->path;
        if (!it->path.starts_with('/')) {
            throw std::invalid_argument("route " + where + ": path must start with '/'");
        }
        if (std::count(it->path.begin(), it->path.end(), '*') > 1) {
            throw std::invalid_argument("route " + where + ": more than one '*'");
        }
        if (!it->handler) {
            throw std::invalid_argument("route " + where + ": no handler");
        }
        if (std::any_of(routes.begin(), it, [&](const route& r) {
                return r.method == it->method && r.path == it->path;
            })) {
            throw std::invalid_argument("route " + where + ": listed twice");
        }
    }
    return routes;
}

}  // namespace

router::router(std::vector<route> routes) : routes_(checked(std::move(routes))) {}

http_response router::handle(http_request request) const {
    const route* chosen = nullptr;
    std::string_view param;
    std::vector<std::string_view> allowed;
    for (const auto& r : routes_) {
        const auto matched = match(r.path, request.path);
        if (!matched) {
            continue;
        }
        if (std::find(allowed.begin(), allowed.end(), r.method) == allowed.end()) {
            allowed.push_back(r.method);
        }
        // An exact path wins over a pattern that also matches, whatever their order.
        if (r.method == request.method &&
            (chosen == nullptr || (is_pattern(*chosen) && !is_pattern(r)))) {
            chosen = &r;
            param = *matched;
        }
    }
    if (chosen == nullptr) {
        if (allowed.empty()) {
            return text_response(404, "not found\n");
        }
        std::string allow;
        for (const auto method : allowed) {
            allow += allow.empty() ? "" : ", ";
            allow += method;
        }
        auto response = text_response(405, "method not allowed\n");
        response.headers.set("Allow", std::move(allow));
        return response;
    }
    request.path_param = std::string{param};
    try {
        return chosen->handler(request);
    } catch (const std::exception& e) {
        std::cerr << "http: " << chosen->method << ' ' << chosen->path
                  << ": handler failed: " << e.what() << '\n';
    } catch (...) {
        std::cerr << "http: " << chosen->method << ' ' << chosen->path
                  << ": handler failed with a non-standard exception\n";
    }
    return text_response(500, "internal server error\n");
}

}  // namespace kv::daemon
