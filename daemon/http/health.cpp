#include "daemon/http/health.hpp"

#include <exception>
#include <iostream>
#include <optional>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace kv::daemon {

namespace {

std::optional<health_snapshot> probe_or_log(const health_probe& probe) {
    try {
        return probe();
    } catch (const std::exception& e) {
        std::cerr << "http: /healthz: health probe failed: " << e.what() << '\n';
    } catch (...) {
        std::cerr << "http: /healthz: health probe failed with a non-standard exception\n";
    }
    return std::nullopt;
}

}  // namespace

route healthz_route(std::string version, health_probe probe) {
    if (!probe) {
        throw std::invalid_argument("healthz_route: no health probe");
    }
    return route{"GET", "/healthz",
                 [version = std::move(version), probe = std::move(probe)](const http_request&) {
                     const auto snapshot = probe_or_log(probe);
                     const bool store_ok = snapshot && snapshot->store_ok;
                     nlohmann::json body{
                         {"version", version},
                         {"store", store_ok ? "ok" : "error"},
                         {"outbox_depth",
                          snapshot ? nlohmann::json{{"pending", snapshot->outbox_pending},
                                                    {"failed", snapshot->outbox_failed}}
                                   : nlohmann::json{{"pending", nullptr}, {"failed", nullptr}}},
                         {"status", store_ok && snapshot->outbox_failed == 0 ? "ok" : "degraded"},
                     };
                     return json_response(store_ok ? 200 : 503, body.dump());
                 }};
}

route metrics_route(const metrics_registry& registry) {
    return route{"GET", "/metrics", [&registry](const http_request&) {
                     http_response response;
                     response.content_type = "text/plain; version=0.0.4; charset=utf-8";
                     response.body = registry.render();
                     return response;
                 }};
}

}  // namespace kv::daemon
