#include "daemon/http/metrics.hpp"

#include <charconv>
#include <cmath>
#include <stdexcept>

namespace kv::daemon {

namespace {

bool is_name_start(char c, bool colon_allowed) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
           (colon_allowed && c == ':');
}

bool is_valid_name(std::string_view name, bool colon_allowed) {
    if (name.empty() || !is_name_start(name.front(), colon_allowed)) {
        return false;
    }
    for (const char c : name) {
        if (!is_name_start(c, colon_allowed) && !(c >= '0' && c <= '9')) {
            return false;
        }
    }
    return true;
}

void check_labels(std::string_view metric, const metric_labels& labels) {
    for (const auto& [name, value] : labels) {
        if (!is_valid_name(name, false) || name.starts_with("__")) {
            throw std::invalid_argument(std::string{metric} + ": invalid label name '" + name +
                                        "'");
        }
    }
}

// HELP text escapes backslash and newline; label values also escape the double quote.
void append_escaped(std::string& out, std::string_view text, bool quote) {
    for (const char c : text) {
        switch (c) {
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '"':
                out += quote ? "\\\"" : "\"";
                break;
            default:
                out += c;
        }
    }
}

void append_value(std::string& out, double v) {
    if (std::isnan(v)) {
        out += "NaN";
    } else if (std::isinf(v)) {
        out += v > 0 ? "+Inf" : "-Inf";
    } else {
        char buf[32];
        const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
        out.append(buf, end);
    }
}

}  // namespace

void metrics_registry::declare(std::string name, std::string help, kind type) {
    if (!is_valid_name(name, true)) {
        throw std::invalid_argument("invalid metric name '" + name + "'");
    }
    std::lock_guard lock{mutex_};
    if (families_.contains(name)) {
        throw std::invalid_argument("metric '" + name + "' declared twice");
    }
    families_.emplace(std::move(name), family{type, std::move(help), {}});
}

metrics_registry& metrics_registry::add_counter(std::string name, std::string help) {
    declare(std::move(name), std::move(help), kind::counter);
    return *this;
}

metrics_registry& metrics_registry::add_gauge(std::string name, std::string help) {
    declare(std::move(name), std::move(help), kind::gauge);
    return *this;
}

metrics_registry::family& metrics_registry::find(std::string_view name, kind type,
                                                 const metric_labels& labels) {
    const auto it = families_.find(name);
    if (it == families_.end()) {
        throw std::logic_error("metric '" + std::string{name} + "' is not declared");
    }
    if (it->second.type != type) {
        throw std::logic_error("metric '" + std::string{name} + "' is not a " +
                               (type == kind::counter ? "counter" : "gauge"));
    }
    check_labels(name, labels);
    return it->second;
}

void metrics_registry::increment(std::string_view name, const metric_labels& labels, double by) {
    if (!(by >= 0)) {
        throw std::invalid_argument("counter '" + std::string{name} + "' cannot decrease");
    }
    std::lock_guard lock{mutex_};
    find(name, kind::counter, labels).series[labels] += by;
}

void metrics_registry::set(std::string_view name, double value, const metric_labels& labels) {
    std::lock_guard lock{mutex_};
    find(name, kind::gauge, labels).series[labels] = value;
}

double metrics_registry::value(std::string_view name, const metric_labels& labels) const {
    std::lock_guard lock{mutex_};
    const auto it = families_.find(name);
    if (it == families_.end()) {
        throw std::logic_error("metric '" + std::string{name} + "' is not declared");
    }
    const auto series = it->second.series.find(labels);
    return series == it->second.series.end() ? 0.0 : series->second;
}

std::string metrics_registry::render() const {
    std::string out;
    std::lock_guard lock{mutex_};
    for (const auto& [name, f] : families_) {
        out += "# HELP " + name + ' ';
        append_escaped(out, f.help, false);
        out += "\n# TYPE " + name + (f.type == kind::counter ? " counter\n" : " gauge\n");
        for (const auto& [labels, v] : f.series) {
            out += name;
            if (!labels.empty()) {
                char sep = '{';
                for (const auto& [label, text] : labels) {
                    out += sep;
                    out += label + "=\"";
                    append_escaped(out, text, true);
                    out += '"';
                    sep = ',';
                }
                out += '}';
            }
            out += ' ';
            append_value(out, v);
            out += '\n';
        }
    }
    return out;
}

void declare_daemon_metrics(metrics_registry& registry) {
    registry
        .add_counter(std::string{metric_names::events_handled},
                     "Inbound events handled, by kind of event.")
        .add_gauge(std::string{metric_names::outbox_pending},
                   "Outbox rows waiting to be delivered.")
        .add_gauge(std::string{metric_names::outbox_failed},
                   "Outbox rows that gave up after their last attempt.")
        .add_counter(std::string{metric_names::deliveries},
                     "Delivery attempts, by channel and result.");
}

}  // namespace kv::daemon
