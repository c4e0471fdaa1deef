#pragma once
// The daemon's HTTP/1.1 listener: accepts connections and serves them through a router.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "daemon/http/router.hpp"

namespace kv::daemon {

namespace detail {
struct http_server_state;
}

struct http_server_settings {
    std::string address = "127.0.0.1";    // an IPv4 or IPv6 address literal
    std::uint16_t port = 8080;            // 0 picks a free port (tests); see http_server::port()
    std::size_t body_limit = 256 * 1024;  // bytes; a larger body is answered with 413
    // Longest wait for the next request on a kept-alive connection, and for each read or write.
    std::chrono::steady_clock::duration read_timeout = std::chrono::seconds{30};
    // Longest time from a request's first byte to its response's last byte. A handler is never
    // interrupted, but a response it finishes after the deadline is not sent.
    std::chrono::steady_clock::duration request_deadline = std::chrono::seconds{60};
};

// Serves HTTP/1.1 on one TCP address with keep-alive, one coroutine per connection. Requests go
// to the router's handlers as plain http_request values; handlers run on `handler_executor`
// (give it a thread pool when handlers block, e.g. on the store), those of `concurrent` routes
// on `concurrent_executor` (a pool of request threads, so that checking a request never waits
// behind a commit), and their responses are written back on the connection's own executor.
// Owns the listening socket and its connections. The router and the executors must outlive it,
// and it must outlive the completion of run().
// Thread-safety: port() and stop() may be called from any thread; run() once.
// Failure: a malformed request is answered 400 (a too-large header 431, a body over the limit
// 413) and the connection closed; a timeout or a peer reset closes it silently; anything
// unexpected is logged to stderr and ends that connection only.
class http_server {
  public:
    // Opens and binds the listening socket on `io_executor`. Throws boost::system::system_error
    // when the address is not a literal or cannot be bound.
    http_server(boost::asio::any_io_executor io_executor,
                boost::asio::any_io_executor handler_executor,
                boost::asio::any_io_executor concurrent_executor, http_server_settings settings,
                const router& routes);
    // Runs concurrent routes on `handler_executor` too.
    http_server(boost::asio::any_io_executor io_executor,
                boost::asio::any_io_executor handler_executor, http_server_settings settings,
                const router& routes);
    // Runs handlers on `io_executor` itself (fine for handlers that never block).
    http_server(boost::asio::any_io_executor io_executor, http_server_settings settings,
                const router& routes);
    ~http_server();
    http_server(const http_server&) = delete;
    http_server& operator=(const http_server&) = delete;

    // The bound port: the configured one, or the one the system chose for port 0.
    std::uint16_t port() const;

    // Accepts connections until stop() is called or the awaiting coroutine is cancelled
    // (terminal cancellation, e.g. from a signal); then stops accepting, closes idle
    // connections, and completes once every request in flight has been answered or has hit its
    // deadline. Throws only on broken invariants; co_spawn it with a handler that checks the
    // exception_ptr.
    boost::asio::awaitable<void> run();

    // Asks run() to finish as described there, and returns at once.
    void stop();

  private:
    std::shared_ptr<detail::http_server_state> state_;
};

}  // namespace kv::daemon
