#pragma once
// A small IMAP4rev1 client for exactly what the inbound adapter needs: STARTTLS (required) or
// implicit TLS, LOGIN or AUTHENTICATE XOAUTH2, SELECT, UID SEARCH, UID FETCH BODY.PEEK[] (with
// literals), UID STORE, UID MOVE (or COPY + \Deleted + EXPUNGE without MOVE), CREATE, IDLE.
//
// Why our own client: libcurl has no IDLE and its custom FETCH drops literals (see the email
// reference, 3.3); libetpan cannot be installed next to libcurl4-openssl-dev on Debian 12
// (libetpan-dev depends on libcurl4-gnutls-dev, which conflicts with it); and adapters may not
// use Asio. So this is a blocking client over a POSIX socket and OpenSSL, meant to run on its
// own thread (mailbox_reader), a few hundred lines tested against a real Dovecot.
//
// One session is one connection; not thread-safe. Every network wait has a deadline. Failures
// (connection, TLS, certificate, protocol, a NO/BAD answer) throw imap_error, after which the
// session is unusable; the destructor closes the connection without throwing. Credentials and
// message contents are never put into error texts.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace kv::email {

class imap_error : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

struct imap_endpoint {
    std::string host;
    std::uint16_t port = 993;
    bool implicit_tls = true;  // imaps://; imap:// means plain connect + mandatory STARTTLS
    std::string ca_file;       // PEM CAs to trust instead of the system's; empty: system
};

// "imaps://host[:port]" or "imap://host[:port]" (a trailing '/' allowed); nullopt otherwise.
std::optional<imap_endpoint> parse_imap_url(std::string_view url, std::string ca_file = {});

struct imap_credentials {
    std::string user;
    std::string password;            // for LOGIN
    std::string xoauth2_token;       // for AUTHENTICATE XOAUTH2
    std::string mechanism = "auto";  // "auto" (XOAUTH2 when a token is set), "login", "xoauth2"
};

class imap_session {
  public:
    // Connects, reads the greeting, and sets up TLS (STARTTLS for imap://). Verifies the
    // server certificate and name. Throws imap_error.
    imap_session(const imap_endpoint& endpoint, std::chrono::seconds timeout);
    ~imap_session();
    imap_session(const imap_session&) = delete;
    imap_session& operator=(const imap_session&) = delete;

    // Logs in. Throws imap_error ("authentication failed" without details on a NO).
    void authenticate(const imap_credentials& credentials);
    bool has_capability(std::string_view name) const;

    // Selects `mailbox` read-write and returns its UIDVALIDITY.
    std::uint32_t select(const std::string& mailbox);
    // Creates `mailbox`; an existing one is fine.
    void create_if_missing(const std::string& mailbox);
    // The UIDs of all messages in the selected mailbox, ascending.
    std::vector<std::uint32_t> uid_search_all();
    // The whole message, without setting \Seen. Throws imap_error if the UID is gone.
    std::string uid_fetch(std::uint32_t uid);
    void uid_add_flags(std::uint32_t uid, std::string_view flags);  // e.g. "(\\Seen)"
    // Moves the message out of the selected mailbox.
    void uid_move(std::uint32_t uid, const std::string& mailbox);

    enum class idle_result { new_mail, timeout, stopped };
    // IDLE (RFC 2177) until the server reports new mail, `max_wait` passes, or `stop` becomes
    // true (checked every 200 ms). Requires the IDLE capability.
    idle_result idle(std::chrono::milliseconds max_wait, const std::atomic<bool>& stop);

    // LOGOUT and close; never throws.
    void logout() noexcept;

  private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace kv::email
