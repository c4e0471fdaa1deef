#pragma once
// Configuration errors as "line: key: message" strings, so a test can compare them at a glance.

#include <string>
#include <vector>

#include "daemon/config/config_error.hpp"

namespace kv::daemon::testing {

inline std::vector<std::string> texts(const std::vector<config_error>& errors) {
    std::vector<std::string> out;
    for (const auto& e : errors) {
        out.push_back(std::to_string(e.line) + ": " + e.key + ": " + e.message);
    }
    return out;
}

}  // namespace kv::daemon::testing
