#pragma once
// The Teams adapter's one way out to the network: a blocking HTTP(S) call. The daemon implements
// it with Beast and OpenSSL (daemon/http/http_client); tests may use the same implementation
// against the local channel emulator.

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kv::teams {

struct http_call {
    std::string method;  // "GET", "POST", "PUT", "DELETE"
    std::string url;     // absolute: https://host[:port]/path?query (http:// only where allowed)
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    std::chrono::milliseconds timeout{10000};  // for the whole call, connect included
};

struct http_reply {
    int status = 0;  // 0: no HTTP answer at all (refused, reset, timeout, TLS failure); see error
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    std::string error;  // why status is 0; short, never contains secrets

    // The first header of that name (ASCII case-insensitive), or empty.
    std::string_view header(std::string_view name) const;
};

// Thread-safe; call() blocks the calling thread until the reply or the timeout, and never
// throws: every failure is a reply with status 0.
class http_transport {
  public:
    virtual ~http_transport() = default;
    virtual http_reply call(const http_call& request) = 0;
};

}  // namespace kv::teams
