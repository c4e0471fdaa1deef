#pragma once
// The routing table of the HTTP edge: (method, path) to a pure handler.

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/http/http_types.hpp"

namespace kv::daemon {

using http_handler = std::function<http_response(const http_request&)>;

// One row of the table. `path` is exact ("/healthz") or holds one '*' ("/a/*",
// "/calendar/*.ics"), which matches a non-empty run of characters without '/'; the handler
// finds that run in `http_request::path_param`.
struct route {
    std::string method;
    std::string path;
    http_handler handler;
    // True when the handler is thread-safe and uses nothing bound to one thread (such as the
    // store): the server may then run it on its pool of request threads, several at once.
    bool concurrent = false;
};

// Dispatches requests through one const table of routes. It owns the table and copies of the
// handlers; after construction it is immutable, so `handle` may be called from any number of
// threads at once if the handlers allow it.
// Failure: no route for the path is a 404, a route for the path but not the method a 405 with an
// Allow field, and a handler that throws a generic 500; the exception's message is written to
// stderr with the route (never the request's path, query or body, which may carry tokens).
class router {
  public:
    // Throws std::invalid_argument for a path that does not start with '/', has more than one
    // '*', a route without handler, or two rows with the same method and path.
    explicit router(std::vector<route> routes);

    // Completes when the handler has returned. Returns the handler's response, or the 404, 405
    // or 500 described above.
    http_response handle(http_request request) const;

    // Whether the route handle() would choose for this method and path is `concurrent`; false
    // when none matches.
    bool concurrent(std::string_view method, std::string_view path) const;

  private:
    struct selection {
        const route* chosen = nullptr;
        std::string_view param;
        std::vector<std::string_view> allowed;  // the methods of the routes the path matches
    };
    selection select(std::string_view method, std::string_view path) const;

    const std::vector<route> routes_;
};

}  // namespace kv::daemon
