#include "daemon/config/env.hpp"

#include <cstdlib>

namespace kv::daemon {

std::optional<std::string> real_env(const std::string& name) {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) {
        return std::nullopt;
    }
    return std::string(value);
}

}  // namespace kv::daemon
