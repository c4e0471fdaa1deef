#pragma once
// The daemon's HTTPS client: the Teams adapter's http_transport over Beast and OpenSSL.

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "adapters/teams/http_transport.hpp"

namespace kv::daemon {

namespace detail {
struct http_client_state;
}

struct http_client_settings {
    // PEM file of CA certificates to trust; empty: the system's default store.
    std::string ca_file;
    // Allow http:// URLs (tests against loopback servers); off: only https:// is called.
    bool allow_plain_http = false;
    // Kept-alive connections parked per scheme://host:port; 0 disables reuse. Default 4.
    std::size_t max_idle_per_host = 4;
    // A parked connection idle this long is closed instead of reused (servers drop idle
    // connections; Node's default is 5 s). Default 4 s.
    std::chrono::milliseconds idle_timeout{4000};
    // Largest response body accepted; a larger one fails the call. Default 8 MiB.
    std::size_t body_limit = 8 * 1024 * 1024;
    std::string user_agent = "Kvalitetsvakt";
};

// Blocking HTTP/1.1 client with TLS (SNI, peer verification against the CA bundle, host name
// or IP address checked against the certificate, TLS 1.2 or later), a deadline per call that
// covers resolve, connect, handshake, write and read, and a keep-alive pool per host. A reused
// connection that the server closed meanwhile is retried once on a fresh one.
// Thread-safe: any number of threads may call() at once; each call runs its I/O on the calling
// thread. Owns its connections; they close when it is destroyed.
// Failure: call() never throws; every failure (bad URL, refused, reset, timeout, TLS or
// certificate error, oversized or malformed response) is a reply with status 0 and a short
// error text without secrets.
class http_client final : public kv::teams::http_transport {
  public:
    // Throws std::runtime_error when ca_file is set but cannot be loaded.
    explicit http_client(http_client_settings settings = {});
    ~http_client() override;
    http_client(const http_client&) = delete;
    http_client& operator=(const http_client&) = delete;

    kv::teams::http_reply call(const kv::teams::http_call& request) override;

  private:
    std::unique_ptr<detail::http_client_state> state_;
};

}  // namespace kv::daemon
