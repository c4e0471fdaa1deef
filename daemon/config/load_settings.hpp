#pragma once
// Reading config/kvalitetsvakt.toml into daemon::settings, reporting every mistake at once.

#include <filesystem>
#include <optional>
#include <vector>

#include "daemon/config/config_error.hpp"
#include "daemon/config/env.hpp"
#include "daemon/config/settings.hpp"

namespace kv::daemon {

// Either settings (and no errors) or the errors (and no settings).
struct settings_result {
    std::optional<settings> value;
    std::vector<config_error> errors;
};

// Reads the main configuration file. Every key is optional and falls back to the default in
// settings.hpp; `general.organisation` is resolved against the file's folder, `store.database`
// is left as written. A string key `foo` may instead be given as `foo_env = "VAR"`, read through
// `env`. Returns all errors found: unreadable file, TOML syntax (at most one: parsing stops
// there), unknown sections and keys (with a suggestion), wrong types, values out of range.
// Completes synchronously; throws only std::bad_alloc.
settings_result load_settings(const std::filesystem::path& file, const env_lookup& env = real_env);

}  // namespace kv::daemon
