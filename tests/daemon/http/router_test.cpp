#include "daemon/http/router.hpp"

#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>

using kv::daemon::http_request;
using kv::daemon::http_response;
using kv::daemon::route;
using kv::daemon::router;
using kv::daemon::text_response;

namespace {

route answering(std::string method, std::string path, std::string label) {
    return route{method, path, [label](const http_request& request) {
                     return text_response(200, label + ":" + request.path_param);
                 }};
}

router make_router() {
    return router{{
        answering("GET", "/healthz", "healthz"),
        answering("POST", "/api/messages", "messages"),
        answering("PUT", "/api/messages", "messages-put"),
        answering("GET", "/a/*", "answer"),
        answering("GET", "/a/special", "special"),
        answering("GET", "/calendar/*.ics", "calendar"),
        route{"POST", "/boom",
              [](const http_request&) -> http_response {
                  throw std::runtime_error("secret detail from the store");
              }},
        route{"POST", "/odd", [](const http_request&) -> http_response { throw 42; }},
    }};
}

http_request request(std::string method, std::string path) {
    http_request r;
    r.method = std::move(method);
    r.path = path;
    r.target = std::move(path);
    return r;
}

}  // namespace

TEST_CASE("the router answers by path and method", "[http]") {
    struct row {
        const char* label;
        const char* method;
        const char* path;
        int status;
        const char* body;
        const char* allow;  // nullptr: no Allow field
    };
    const auto r = GENERATE(values<row>({
        {"exact path", "GET", "/healthz", 200, "healthz:", nullptr},
        {"unknown path", "GET", "/nowhere", 404, "not found\n", nullptr},
        {"path is case-sensitive", "GET", "/HEALTHZ", 404, "not found\n", nullptr},
        {"trailing slash is another path", "GET", "/healthz/", 404, "not found\n", nullptr},
        {"known path, other method", "POST", "/healthz", 405, "method not allowed\n", "GET"},
        {"405 lists every method of the path", "GET", "/api/messages", 405, "method not allowed\n",
         "POST, PUT"},
        {"second method of a path", "PUT", "/api/messages", 200, "messages-put:", nullptr},
        {"pattern captures its token", "GET", "/a/tok-123", 200, "answer:tok-123", nullptr},
        {"exact path wins over a pattern listed first", "GET", "/a/special", 200,
         "special:", nullptr},
        {"pattern needs a non-empty token", "GET", "/a/", 404, "not found\n", nullptr},
        {"pattern does not cross a slash", "GET", "/a/x/y", 404, "not found\n", nullptr},
        {"pattern path, other method", "DELETE", "/a/tok", 405, "method not allowed\n", "GET"},
        {"pattern with a suffix", "GET", "/calendar/k3y.ics", 200, "calendar:k3y", nullptr},
        {"pattern suffix is required", "GET", "/calendar/k3y", 404, "not found\n", nullptr},
        {"empty token before the suffix", "GET", "/calendar/.ics", 404, "not found\n", nullptr},
        {"handler that throws", "POST", "/boom", 500, "internal server error\n", nullptr},
        {"handler that throws a non-exception", "POST", "/odd", 500, "internal server error\n",
         nullptr},
    }));
    CAPTURE(r.label);
    const auto routes = make_router();

    const auto response = routes.handle(request(r.method, r.path));

    CHECK(response.status == r.status);
    CHECK(response.body == r.body);
    CHECK(response.headers.find("Allow") ==
          (r.allow ? std::optional<std::string_view>{r.allow} : std::nullopt));
}

TEST_CASE("the router says whether the route it would choose may run concurrently", "[http]") {
    auto concurrent_pattern = answering("GET", "/a/*", "answer");
    concurrent_pattern.concurrent = true;
    const router routes{{
        std::move(concurrent_pattern),
        answering("GET", "/a/special", "special"),
        answering("POST", "/a/*", "answer-post"),
    }};

    CHECK(routes.concurrent("GET", "/a/tok"));
    CHECK_FALSE(routes.concurrent("GET", "/a/special"));  // the exact route is chosen
    CHECK_FALSE(routes.concurrent("POST", "/a/tok"));
    CHECK_FALSE(routes.concurrent("DELETE", "/a/tok"));  // 405: no route runs
    CHECK_FALSE(routes.concurrent("GET", "/nowhere"));
}

TEST_CASE("a route table with a mistake is rejected when it is built", "[http]") {
    const auto ok = [](const http_request&) { return text_response(200, ""); };
    struct row {
        const char* label;
        std::vector<route> routes;
        const char* message;
    };
    const std::vector<row> rows{
        {"relative path", {{"GET", "healthz", ok}}, "route GET healthz: path must start with '/'"},
        {"two stars", {{"GET", "/a/*/*", ok}}, "route GET /a/*/*: more than one '*'"},
        {"no handler", {{"GET", "/a", nullptr}}, "route GET /a: no handler"},
        {"same row twice",
         {{"GET", "/a", ok}, {"POST", "/a", ok}, {"GET", "/a", ok}},
         "route GET /a: listed twice"},
    };
    for (const auto& r : rows) {
        CAPTURE(r.label);
        CHECK_THROWS_MATCHES(router{r.routes}, std::invalid_argument,
                             Catch::Matchers::Message(r.message));
    }
}
