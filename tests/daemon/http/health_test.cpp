#include "daemon/http/health.hpp"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <stdexcept>

using kv::daemon::health_snapshot;
using kv::daemon::healthz_route;
using kv::daemon::http_request;
using kv::daemon::metrics_registry;
using kv::daemon::metrics_route;
using nlohmann::json;

namespace {

http_request get(const char* path) {
    http_request r;
    r.method = "GET";
    r.path = path;
    r.target = path;
    return r;
}

}  // namespace

TEST_CASE("healthz reports the store and the outbox depth", "[http]") {
    struct row {
        const char* label;
        health_snapshot snapshot;
        int status;
        const char* body;
    };
    const auto r = GENERATE(values<row>({
        {"all well",
         {true, 2, 0},
         200,
         R"({"version":"0.1.0","store":"ok","outbox_depth":{"pending":2,"failed":0},"status":"ok"})"},
        {"failed deliveries degrade but stay up",
         {true, 0, 3},
         200,
         R"({"version":"0.1.0","store":"ok","outbox_depth":{"pending":0,"failed":3},"status":"degraded"})"},
        {"store error is unavailable",
         {false, 5, 0},
         503,
         R"({"version":"0.1.0","store":"error","outbox_depth":{"pending":5,"failed":0},"status":"degraded"})"},
    }));
    CAPTURE(r.label);
    const auto route = healthz_route("0.1.0", [&] { return r.snapshot; });
    CHECK(route.method == "GET");
    CHECK(route.path == "/healthz");

    const auto response = route.handler(get("/healthz"));

    CHECK(response.status == r.status);
    CHECK(response.content_type == "application/json");
    CHECK(json::parse(response.body) == json::parse(r.body));
}

TEST_CASE("healthz reports a store error when the probe throws", "[http]") {
    const auto route = healthz_route(
        "0.1.0", []() -> health_snapshot { throw std::runtime_error("database is locked"); });

    const auto response = route.handler(get("/healthz"));

    CHECK(response.status == 503);
    CHECK(json::parse(response.body) == json::parse(R"({"version":"0.1.0","store":"error",
        "outbox_depth":{"pending":null,"failed":null},"status":"degraded"})"));
}

TEST_CASE("healthz needs a probe", "[http]") {
    CHECK_THROWS_MATCHES(healthz_route("0.1.0", nullptr), std::invalid_argument,
                         Catch::Matchers::Message("healthz_route: no health probe"));
}

TEST_CASE("metrics answers the registry in the text exposition format", "[http]") {
    metrics_registry registry;
    registry.add_gauge("kv_outbox_pending", "Pending.");
    const auto route = metrics_route(registry);
    registry.set("kv_outbox_pending", 7);

    const auto response = route.handler(get("/metrics"));

    CHECK(route.method == "GET");
    CHECK(route.path == "/metrics");
    CHECK(response.status == 200);
    CHECK(response.content_type == "text/plain; version=0.0.4; charset=utf-8");
    CHECK(
        response.body ==
        "# HELP kv_outbox_pending Pending.\n# TYPE kv_outbox_pending gauge\nkv_outbox_pending 7\n");
}
