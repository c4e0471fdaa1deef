#include "daemon/http/metrics.hpp"

#include <catch2/catch.hpp>

#include <limits>
#include <stdexcept>
#include <string>
#include <thread>

using kv::daemon::declare_daemon_metrics;
using kv::daemon::metrics_registry;
namespace names = kv::daemon::metric_names;

TEST_CASE("the daemon's metrics render in the Prometheus text format", "[http]") {
    metrics_registry registry;
    declare_daemon_metrics(registry);
    registry.increment(names::events_handled, {{"kind", "teams_message"}});
    registry.increment(names::events_handled, {{"kind", "email"}});
    registry.increment(names::events_handled, {{"kind", "teams_message"}});
    registry.set(names::outbox_pending, 3);
    registry.set(names::outbox_failed, 0);
    registry.increment(names::deliveries, {{"result", "ok"}, {"channel", "teams"}});
    registry.increment(names::deliveries, {{"channel", "email"}, {"result", "retry"}}, 2);

    CHECK(registry.render() ==
          "# HELP kv_deliveries_total Delivery attempts, by channel and result.\n"
          "# TYPE kv_deliveries_total counter\n"
          "kv_deliveries_total{channel=\"email\",result=\"retry\"} 2\n"
          "kv_deliveries_total{channel=\"teams\",result=\"ok\"} 1\n"
          "# HELP kv_events_handled_total Inbound events handled, by kind of event.\n"
          "# TYPE kv_events_handled_total counter\n"
          "kv_events_handled_total{kind=\"email\"} 1\n"
          "kv_events_handled_total{kind=\"teams_message\"} 2\n"
          "# HELP kv_outbox_failed Outbox rows that gave up after their last attempt.\n"
          "# TYPE kv_outbox_failed gauge\n"
          "kv_outbox_failed 0\n"
          "# HELP kv_outbox_pending Outbox rows waiting to be delivered.\n"
          "# TYPE kv_outbox_pending gauge\n"
          "kv_outbox_pending 3\n");
}

TEST_CASE("a family that was never touched renders only its help and type", "[http]") {
    metrics_registry registry;
    registry.add_counter("kv_things_total", "Things.");
    CHECK(registry.render() == "# HELP kv_things_total Things.\n# TYPE kv_things_total counter\n");

    registry.increment("kv_things_total", {}, 0);
    CHECK(registry.render() ==
          "# HELP kv_things_total Things.\n# TYPE kv_things_total counter\nkv_things_total 0\n");
}

TEST_CASE("label values and help texts are escaped", "[http]") {
    metrics_registry registry;
    registry.add_gauge("kv_g", "Back\\slash, \"quoted\"\nand a new line.");
    registry.set("kv_g", 1, {{"path", "C:\\dir \"x\"\nnext"}});

    CHECK(registry.render() ==
          "# HELP kv_g Back\\\\slash, \"quoted\"\\nand a new line.\n"
          "# TYPE kv_g gauge\n"
          "kv_g{path=\"C:\\\\dir \\\"x\\\"\\nnext\"} 1\n");
}

TEST_CASE("sample values render in their shortest exact form", "[http]") {
    struct row {
        const char* label;
        double value;
        const char* text;
    };
    const auto r = GENERATE(values<row>({
        {"zero", 0.0, "0"},
        {"integer", 42.0, "42"},
        {"negative", -2.0, "-2"},
        {"fraction", 1.5, "1.5"},
        {"large", 1e21, "1e+21"},
        {"not a number", std::numeric_limits<double>::quiet_NaN(), "NaN"},
        {"positive infinity", std::numeric_limits<double>::infinity(), "+Inf"},
        {"negative infinity", -std::numeric_limits<double>::infinity(), "-Inf"},
    }));
    CAPTURE(r.label);
    metrics_registry registry;
    registry.add_gauge("g", "G.");
    registry.set("g", r.value);
    CHECK(registry.render() == std::string{"# HELP g G.\n# TYPE g gauge\ng "} + r.text + "\n");
}

TEST_CASE("misusing the registry is reported with the metric's name", "[http]") {
    metrics_registry registry;
    registry.add_counter("kv_c_total", "C.").add_gauge("kv_g", "G.");

    SECTION("invalid metric name") {
        CHECK_THROWS_MATCHES(registry.add_gauge("1st", "x"), std::invalid_argument,
                             Catch::Matchers::Message("invalid metric name '1st'"));
        CHECK_THROWS_MATCHES(registry.add_gauge("kv-g", "x"), std::invalid_argument,
                             Catch::Matchers::Message("invalid metric name 'kv-g'"));
    }
    SECTION("declared twice") {
        CHECK_THROWS_MATCHES(registry.add_gauge("kv_c_total", "x"), std::invalid_argument,
                             Catch::Matchers::Message("metric 'kv_c_total' declared twice"));
    }
    SECTION("not declared") {
        CHECK_THROWS_MATCHES(registry.increment("kv_nope_total"), std::logic_error,
                             Catch::Matchers::Message("metric 'kv_nope_total' is not declared"));
    }
    SECTION("counter used as a gauge") {
        CHECK_THROWS_MATCHES(registry.set("kv_c_total", 1), std::logic_error,
                             Catch::Matchers::Message("metric 'kv_c_total' is not a gauge"));
    }
    SECTION("gauge used as a counter") {
        CHECK_THROWS_MATCHES(registry.increment("kv_g"), std::logic_error,
                             Catch::Matchers::Message("metric 'kv_g' is not a counter"));
    }
    SECTION("counter decreased") {
        CHECK_THROWS_MATCHES(registry.increment("kv_c_total", {}, -1), std::invalid_argument,
                             Catch::Matchers::Message("counter 'kv_c_total' cannot decrease"));
    }
    SECTION("invalid label names") {
        CHECK_THROWS_MATCHES(registry.increment("kv_c_total", {{"__name", "x"}}),
                             std::invalid_argument,
                             Catch::Matchers::Message("kv_c_total: invalid label name '__name'"));
        CHECK_THROWS_MATCHES(registry.increment("kv_c_total", {{"a:b", "x"}}),
                             std::invalid_argument,
                             Catch::Matchers::Message("kv_c_total: invalid label name 'a:b'"));
    }
    CHECK(registry.render() ==
          "# HELP kv_c_total C.\n# TYPE kv_c_total counter\n# HELP kv_g G.\n# TYPE kv_g gauge\n");
}

TEST_CASE("counters may be incremented from several threads at once", "[http]") {
    metrics_registry registry;
    registry.add_counter("kv_c_total", "C.");
    const auto work = [&] {
        for (int i = 0; i < 1000; ++i) {
            registry.increment("kv_c_total", {{"kind", "x"}});
        }
    };
    std::thread other{work};
    work();
    other.join();
    CHECK(registry.value("kv_c_total", {{"kind", "x"}}) == 2000);
}
