#pragma once
// A real Dovecot IMAP server on loopback for a test: started from tests/servers/start-dovecot.sh
// in a fresh folder, with STARTTLS on one port and implicit TLS on another, stopped (and the
// folder removed) when the object goes away. Not thread-safe.

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace kv::test {

inline std::uint16_t free_loopback_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
        throw std::runtime_error("no free port");
    }
    ::close(fd);
    return ntohs(a.sin_port);
}

class dovecot_server {
  public:
    static constexpr const char* user = "bot@example.test";
    static constexpr const char* password = "secret";
    static constexpr const char* token = "test-access-token";

    dovecot_server() {
        std::string pattern = "/tmp/kv-dovecot-XXXXXX";
        if (mkdtemp(pattern.data()) == nullptr) {
            throw std::runtime_error("mkdtemp failed");
        }
        dir_ = pattern;
        ::chmod(dir_.c_str(), 0755);
        for (int attempt = 0; attempt < 5 && pid_ <= 0; ++attempt) {
            port_ = free_loopback_port();
            imaps_port_ = free_loopback_port();
            start();
        }
        if (pid_ <= 0) {
            throw std::runtime_error("dovecot did not start: " + read(dir_ / "start.out"));
        }
    }
    ~dovecot_server() {
        if (pid_ > 0) {
            ::kill(pid_, SIGTERM);
            int status = 0;
            ::waitpid(pid_, &status, 0);
        }
        std::error_code ignored;
        std::filesystem::remove_all(dir_, ignored);
    }
    dovecot_server(const dovecot_server&) = delete;
    dovecot_server& operator=(const dovecot_server&) = delete;

    std::uint16_t port() const { return port_; }
    std::uint16_t imaps_port() const { return imaps_port_; }
    std::string ca_file() const { return (dir_ / "tls/cert.pem").string(); }

    // Puts a message into `mailbox` as a mail server would (wakes IDLE clients).
    void deliver(const std::string& message, const std::string& mailbox = "INBOX") const {
        static int n = 0;
        const auto file = dir_ / ("deliver-" + std::to_string(++n) + ".eml");
        std::ofstream(file, std::ios::binary) << message;
        const std::string command = "bash '" + script("deliver-imap.sh") + "' '" + dir_.string() +
                                    "' '" + file.string() + "' '" + mailbox + "' 2>&1";
        if (std::system(command.c_str()) != 0) {
            throw std::runtime_error("deliver-imap.sh failed");
        }
    }

    // The number of messages stored in `mailbox` ("INBOX" or a folder name).
    std::size_t count(const std::string& mailbox) const {
        auto maildir = dir_ / "home" / user / "Maildir";
        if (mailbox != "INBOX") {
            maildir /= "." + mailbox;
        }
        std::size_t n = 0;
        for (const char* sub : {"new", "cur"}) {
            std::error_code ec;
            for (const auto& e : std::filesystem::directory_iterator(maildir / sub, ec)) {
                n += e.is_regular_file() ? 1 : 0;
            }
        }
        return n;
    }

  private:
    static std::string script(const std::string& name) {
        return std::string(KV_SOURCE_DIR) + "/tests/servers/" + name;
    }
    static std::string read(const std::filesystem::path& p) {
        std::ifstream in(p);
        std::ostringstream s;
        s << in.rdbuf();
        return s.str();
    }

    void start() {
        const auto out = dir_ / "start.out";
        const pid_t pid = ::fork();
        if (pid == 0) {
            const std::string o = out.string();
            const int fd = ::open(o.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            ::dup2(fd, 1);
            ::dup2(fd, 2);
            const std::string s = script("start-dovecot.sh");
            const std::string d = dir_.string();
            const std::string p = std::to_string(port_);
            const std::string ps = std::to_string(imaps_port_);
            ::execlp("bash", "bash", s.c_str(), d.c_str(), p.c_str(), ps.c_str(),
                     static_cast<char*>(nullptr));
            ::_exit(127);
        }
        const auto until = std::chrono::steady_clock::now() + std::chrono::seconds{60};
        while (std::chrono::steady_clock::now() < until) {
            if (read(out).find("READY") != std::string::npos) {
                pid_ = pid;
                return;
            }
            int status = 0;
            if (::waitpid(pid, &status, WNOHANG) == pid) {
                return;  // exited: port taken or broken; the caller tries again
            }
            std::this_thread::sleep_for(std::chrono::milliseconds{50});
        }
        ::kill(pid, SIGTERM);
        ::waitpid(pid, nullptr, 0);
    }

    std::filesystem::path dir_;
    std::uint16_t port_ = 0;
    std::uint16_t imaps_port_ = 0;
    pid_t pid_ = -1;
};

}  // namespace kv::test
