#pragma once
// Reads the email fixtures in tests/fixtures/email by name.

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace kv::email::test {

inline std::string read_fixture(const std::string& name) {
    const std::string path = std::string(KV_SOURCE_DIR) + "/tests/fixtures/email/" + name;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw std::runtime_error("missing fixture " + path);
    }
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace kv::email::test
