#pragma once
// Runs the Teams channel emulator (tests/emulators/teams) for one test: started in a fresh
// folder with its own test CA, stopped and removed when the object goes away.

#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "daemon/http/http_client.hpp"

namespace kv::daemon::testing {

class teams_emulator {
  public:
    teams_emulator() {
        std::string pattern =
            (std::filesystem::temp_directory_path() / "kv-teams-emulator-XXXXXX").string();
        if (mkdtemp(pattern.data()) == nullptr) {
            throw std::runtime_error("mkdtemp failed");
        }
        dir_ = pattern;
        const std::string start = std::string{"bash "} + KV_SOURCE_DIR +
                                  "/tests/emulators/teams/start.sh '" + dir_.string() +
                                  "' > /dev/null";
        if (std::system(start.c_str()) != 0) {
            std::filesystem::remove_all(dir_);
            throw std::runtime_error("the Teams emulator did not start");
        }
        std::ifstream in(dir_ / "emulator.json");
        std::stringstream text;
        text << in.rdbuf();
        config_ = nlohmann::json::parse(text.str());
    }
    teams_emulator(const teams_emulator&) = delete;
    teams_emulator& operator=(const teams_emulator&) = delete;
    ~teams_emulator() {
        const std::string stop = std::string{"bash "} + KV_SOURCE_DIR +
                                 "/tests/emulators/teams/stop.sh '" + dir_.string() + "'";
        [[maybe_unused]] const int ignored = std::system(stop.c_str());
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }

    std::string get(const char* key) const { return config_.at(key).get<std::string>(); }
    const std::filesystem::path& dir() const { return dir_; }

    // POSTs `body` to the control API and returns the parsed answer; throws on failure.
    nlohmann::json control(const std::string& path,
                           const nlohmann::json& body = nlohmann::json::object()) {
        kv::teams::http_call call;
        call.method = "POST";
        call.url = get("control_base") + path;
        call.headers = {{"Content-Type", "application/json"}};
        call.body = body.dump();
        const auto reply = control_client_.call(call);
        if (reply.status != 200) {
            throw std::runtime_error("control " + path + ": " + std::to_string(reply.status) + " " +
                                     reply.error + reply.body);
        }
        return nlohmann::json::parse(reply.body);
    }

  private:
    std::filesystem::path dir_;
    nlohmann::json config_;
    http_client control_client_{[] {
        http_client_settings s;
        s.allow_plain_http = true;
        return s;
    }()};
};

}  // namespace kv::daemon::testing
