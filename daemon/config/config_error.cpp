#include "daemon/config/config_error.hpp"

namespace kv::daemon {

std::string config_error::to_string() const {
    std::string out = file;
    if (line > 0) {
        out += ':';
        out += std::to_string(line);
    }
    out += ": ";
    if (!key.empty()) {
        out += key;
        out += ": ";
    }
    out += message;
    return out;
}

}  // namespace kv::daemon
