#pragma once
// Where configuration secrets come from: a key `foo_env = "VAR"` in a TOML file means "read
// `foo` from the environment variable VAR", so passwords stay out of files under version control.

#include <functional>
#include <optional>
#include <string>

namespace kv::daemon {

// Returns the variable's value, or nullopt when it is not set. Injectable so tests need no
// real environment.
using env_lookup = std::function<std::optional<std::string>(const std::string& name)>;

// Reads the process environment with std::getenv. Not safe to call while another thread
// changes the environment (nothing in the daemon does).
std::optional<std::string> real_env(const std::string& name);

}  // namespace kv::daemon
