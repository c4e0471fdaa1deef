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

router::selection router::select(std::string_view method, std::string_view path) const {
    selection s;
    for (const auto& r : routes_) {
        const auto matched = match(r.path, path);
        if (!matched) {
            continue;
        }
        if (std::find(s.allowed.begin(), s.allowed.end(), r.method) == s.allowed.end()) {
            s.allowed.push_back(r.method);
        }
        // An exact path wins over a pattern that also matches, whatever their order.
        if (r.method == method &&
            (s.chosen == nullptr || (is_pattern(*s.chosen) && !is_pattern(r)))) {
            s.chosen = &r;
            s.param = *matched;
        }
    }
    return s;
}

bool router::concurrent(std::string_view method, std::string_view path) const {
    const auto* chosen = select(method, path).chosen;
    return chosen != nullptr && chosen->concurrent;
}

http_response router::handle(http_request request) const {
    const auto [chosen, param, allowed] = select(request.method, request.path);
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
