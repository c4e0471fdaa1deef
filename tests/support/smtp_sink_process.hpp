#pragma once
// Test helper: the loopback SMTP server of tests/servers/start-smtp-sink.sh, started for one
// test and stopped (by its PID) when the object goes. Every accepted message is a file under
// dir()/mail/NNNNNN.eml with its envelope in NNNNNN.json.

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace kv::testing {

// A TCP port on 127.0.0.1 that was free a moment ago.
inline int free_loopback_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    socklen_t len = sizeof a;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
        throw std::runtime_error("no free loopback port");
    }
    ::close(fd);
    return ntohs(a.sin_port);
}

inline std::string read_file(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

class smtp_sink_process {
  public:
    // mode: "starttls", "implicit" or "none". env: extra variables for the script
    // (SMTP_REJECT_RCPT, SMTP_AUTH_REQUIRED, ...).
    explicit smtp_sink_process(std::string mode = "starttls",
                               std::map<std::string, std::string> env = {})
        : mode_(std::move(mode)), env_(std::move(env)), port_(free_loopback_port()) {
        char tmpl[] = "/tmp/kv-smtp.XXXXXX";
        if (::mkdtemp(tmpl) == nullptr) {
            throw std::runtime_error("mkdtemp failed");
        }
        ::chmod(tmpl, 0755);
        dir_ = tmpl;
        start();
    }
    ~smtp_sink_process() {
        stop();
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
    smtp_sink_process(const smtp_sink_process&) = delete;
    smtp_sink_process& operator=(const smtp_sink_process&) = delete;

    // Starts the server (again) on the same port; waits until it answers.
    void start() {
        const auto log = dir_ / "start.out";
        std::filesystem::remove(log);
        pid_ = ::fork();
        if (pid_ == 0) {
            const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            ::dup2(fd, 1);
            ::dup2(fd, 2);
            for (const auto& [k, v] : env_) {
                ::setenv(k.c_str(), v.c_str(), 1);
            }
            const std::string script =
                std::string(KV_SOURCE_DIR) + "/tests/servers/start-smtp-sink.sh";
            const std::string port = std::to_string(port_);
            ::execl("/bin/bash", "bash", script.c_str(), dir_.c_str(), port.c_str(), mode_.c_str(),
                    static_cast<char*>(nullptr));
            ::_exit(127);
        }
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
        while (std::chrono::steady_clock::now() < deadline) {
            if (read_file(log).find("READY") != std::string::npos) {
                return;
            }
            int status = 0;
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                throw std::runtime_error("smtp sink did not start: " + read_file(log));
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        stop();
        throw std::runtime_error("smtp sink did not become ready: " + read_file(log));
    }

    // Stops the server; messages received so far stay in dir()/mail.
    void stop() {
        if (pid_ > 0) {
            ::kill(pid_, SIGTERM);
            int status = 0;
            ::waitpid(pid_, &status, 0);
            pid_ = -1;
        }
    }

    int port() const { return port_; }
    const std::filesystem::path& dir() const { return dir_; }
    std::string cert() const { return (dir_ / "tls" / "cert.pem").string(); }
    std::string url(const std::string& scheme = "smtp") const {
        return scheme + "://localhost:" + std::to_string(port_) + "/kv.eksempel.test";
    }

    // The received messages' files (.eml), oldest first.
    std::vector<std::filesystem::path> messages() const {
        std::vector<std::filesystem::path> out;
        std::error_code ec;
        for (const auto& e : std::filesystem::directory_iterator(dir_ / "mail", ec)) {
            if (e.path().extension() == ".eml") {
                out.push_back(e.path());
            }
        }
        std::sort(out.begin(), out.end());
        return out;
    }

    // Waits until at least n messages are there (the sink writes them after answering).
    std::vector<std::filesystem::path> wait_for(std::size_t n) const {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        auto found = messages();
        while (found.size() < n && std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            found = messages();
        }
        return found;
    }

  private:
    std::string mode_;
    std::map<std::string, std::string> env_;
    int port_;
    std::filesystem::path dir_;
    pid_t pid_ = -1;
};

}  // namespace kv::testing
