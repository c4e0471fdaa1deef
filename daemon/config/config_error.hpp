#pragma once
// One mistake found in a configuration file, with enough context to fix it without guessing.

#include <string>

namespace kv::daemon {

struct config_error {
    std::string file;     // the path as given to the loader, e.g. "config/kvalitetsvakt.toml"
    int line = 0;         // 1-based; 0 when unknown (a missing file, a missing key)
    std::string key;      // dotted, e.g. "http.port" or "unit[3].parent"; empty for the whole file
    std::string message;  // e.g. "must be 0..65535"

    // "config/kvalitetsvakt.toml:12: http.port: must be 0..65535"; the line and the key are left
    // out when unknown.
    std::string to_string() const;

    friend bool operator==(const config_error&, const config_error&) = default;
};

}  // namespace kv::daemon
