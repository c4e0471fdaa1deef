#pragma once
// The two standard endpoints: GET /healthz for liveness checks and GET /metrics for Prometheus.

#include <cstdint>
#include <functional>
#include <string>

#include "daemon/http/metrics.hpp"
#include "daemon/http/router.hpp"

namespace kv::daemon {

// What /healthz reports, as the daemon sees it at the moment of the request.
struct health_snapshot {
    bool store_ok = false;
    std::int64_t outbox_pending = 0;
    std::int64_t outbox_failed = 0;
};

// Called once per /healthz request, on the thread that runs the handler. It may block briefly
// (it asks the store) and may throw, which /healthz reports as a store error.
using health_probe = std::function<health_snapshot()>;

// GET /healthz: JSON {"version", "store": "ok"|"error", "outbox_depth": {"pending", "failed"},
// "status": "ok"|"degraded"}. 200 while the store is ok, else 503. The status is "degraded" when
// the store fails or any outbox row has failed. A probe that throws gives store "error" and null
// depths; its message goes to stderr. Throws std::invalid_argument for an empty probe.
route healthz_route(std::string version, health_probe probe);

// GET /metrics: the registry as text/plain; version=0.0.4. The registry must outlive the route.
route metrics_route(const metrics_registry& registry);

}  // namespace kv::daemon
