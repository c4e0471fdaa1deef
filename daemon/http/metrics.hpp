#pragma once
// The daemon's counters and gauges, rendered for Prometheus.

#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace kv::daemon {

// Label name to value. A std::map, so the same set always renders in the same order.
using metric_labels = std::map<std::string, std::string>;

// Metric families (counters and gauges), each with series keyed by their label sets, rendered in
// the Prometheus text exposition format 0.0.4. Families render sorted by name, series by labels;
// a family renders only the series that were touched (increment by 0 to show a zero counter).
// Owns its values. Thread-safe: every member may be called from any thread.
// Failure: naming a family that was not declared, or using a counter as a gauge or the other way
// round, is a bug and throws std::logic_error; invalid names throw std::invalid_argument.
class metrics_registry {
  public:
    // Declare a family. Throws std::invalid_argument for a name that is not
    // [a-zA-Z_:][a-zA-Z0-9_:]* or that is already declared.
    metrics_registry& add_counter(std::string name, std::string help);
    metrics_registry& add_gauge(std::string name, std::string help);

    // Adds `by` (>= 0, else std::invalid_argument) to the counter's series for `labels`,
    // creating it at 0 first. Label names must be [a-zA-Z_][a-zA-Z0-9_]* without a leading "__".
    void increment(std::string_view name, const metric_labels& labels = {}, double by = 1);
    // Sets the gauge's series for `labels` to `value`.
    void set(std::string_view name, double value, const metric_labels& labels = {});

    // The current value of a series, or 0 when it was never touched.
    double value(std::string_view name, const metric_labels& labels = {}) const;

    // The whole registry as text/plain; version=0.0.4.
    std::string render() const;

  private:
    enum class kind { counter, gauge };
    struct family {
        kind type;
        std::string help;
        std::map<metric_labels, double> series;
    };

    family& find(std::string_view name, kind type, const metric_labels& labels);
    void declare(std::string name, std::string help, kind type);

    mutable std::mutex mutex_;
    std::map<std::string, family, std::less<>> families_;
};

// Names of the daemon's metrics, declared by `declare_daemon_metrics`.
namespace metric_names {
inline constexpr std::string_view events_handled = "kv_events_handled_total";  // {kind}
inline constexpr std::string_view outbox_pending = "kv_outbox_pending";
inline constexpr std::string_view outbox_failed = "kv_outbox_failed";
inline constexpr std::string_view deliveries = "kv_deliveries_total";  // {channel, result}
}  // namespace metric_names

// Declares the daemon's families with their help texts. Throws as add_counter does if one of
// them is already declared.
void declare_daemon_metrics(metrics_registry& registry);

}  // namespace kv::daemon
