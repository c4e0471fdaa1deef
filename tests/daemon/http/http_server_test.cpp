#include "daemon/http/http_server.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <functional>
#include <future>
#include <optional>
#include <stdexcept>
#include <string>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <nlohmann/json.hpp>

#include "daemon/http/health.hpp"
#include "daemon/http/metrics.hpp"

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;
using namespace kv::daemon;

namespace {

// Every test is over within this time, pass or fail.
constexpr auto test_deadline = 10s;
// A single client read or write; far below test_deadline so a hang fails the step, not the run.
constexpr auto client_timeout = 5s;
constexpr std::size_t body_limit = 64;

using response_type = http::response<http::string_body>;

http::request<http::string_body> make_request(http::verb method, std::string target,
                                              std::string body = "") {
    http::request<http::string_body> request{method, target, 11};
    request.set(http::field::host, "127.0.0.1");
    request.body() = std::move(body);
    request.prepare_payload();
    return request;
}

net::awaitable<beast::tcp_stream> connect_to(std::uint16_t port) {
    beast::tcp_stream stream{co_await net::this_coro::executor};
    stream.expires_after(client_timeout);
    co_await stream.async_connect(tcp::endpoint{net::ip::make_address("127.0.0.1"), port},
                                  net::use_awaitable);
    co_return stream;
}

net::awaitable<response_type> read_response(beast::tcp_stream& stream, beast::flat_buffer& buffer) {
    response_type response;
    stream.expires_after(client_timeout);
    co_await http::async_read(stream, buffer, response, net::use_awaitable);
    co_return response;
}

net::awaitable<response_type> exchange(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                       http::request<http::string_body> request) {
    stream.expires_after(client_timeout);
    co_await http::async_write(stream, request, net::use_awaitable);
    co_return co_await read_response(stream, buffer);
}

// What the next read on a connection the server has closed returns.
net::awaitable<boost::system::error_code> read_after_close(beast::tcp_stream& stream,
                                                           beast::flat_buffer& buffer) {
    response_type response;
    stream.expires_after(client_timeout);
    const auto [ec, n] =
        co_await http::async_read(stream, buffer, response, net::as_tuple(net::use_awaitable));
    co_return ec;
}

// A server on a free loopback port whose handlers run on their own thread, so a test can hold
// one in flight while the io_context keeps going. The test's client runs on the same
// io_context, in the test's thread.
class loopback {
  public:
    loopback() { start(test_settings()); }
    ~loopback() { release_slow(); }
    loopback(const loopback&) = delete;
    loopback& operator=(const loopback&) = delete;

  protected:
    static http_server_settings test_settings() {
        http_server_settings s;
        s.port = 0;
        s.body_limit = body_limit;
        return s;
    }

    void start(http_server_settings settings) {
        server_.reset();
        server_.emplace(io_.get_executor(), handler_pool_.get_executor(),
                        concurrent_pool_.get_executor(), std::move(settings), routes_);
    }

    std::uint16_t port() const { return server_->port(); }
    http_server& server() { return *server_; }

    // Runs the server and `client` until both are done or the test deadline passes; the client
    // stops the server when it is done. Rethrows what the client threw.
    void run_with_client(std::function<net::awaitable<void>()> client) {
        net::co_spawn(io_, server_->run(), [this](const std::exception_ptr& e) {
            server_error_ = e;
            server_done_ = true;
        });
        bool client_done = false;
        std::exception_ptr client_error;
        net::co_spawn(io_, std::move(client), [&](const std::exception_ptr& e) {
            client_error = e;
            client_done = true;
            release_slow();
            server_->stop();
        });
        io_.run_for(test_deadline);
        if (client_error) {
            std::rethrow_exception(client_error);
        }
        REQUIRE(client_done);
        REQUIRE(server_done_);
        REQUIRE_FALSE(server_error_);
    }

    void release_slow() {
        if (!slow_released_) {
            slow_released_ = true;
            slow_release_.set_value();
        }
    }

    net::io_context io_;
    metrics_registry registry_;
    // Expires (is cancelled) on the io thread once the /slow handler has started.
    net::steady_timer slow_entered_{io_, net::steady_timer::time_point::max()};
    bool slow_started_ = false;
    bool server_done_ = false;
    std::exception_ptr server_error_;

  private:
    router make_routes() {
        registry_.add_gauge("kv_outbox_pending", "Outbox rows waiting to be delivered.");
        registry_.set("kv_outbox_pending", 4);
        return router{{
            healthz_route("9.9.9",
                          [] {
                              return health_snapshot{true, 4, 0};
                          }),
            metrics_route(registry_),
            route{"POST", "/echo",
                  [](const http_request& r) { return text_response(200, "echo:" + r.body); }},
            route{"GET", "/boom",
                  [](const http_request&) -> http_response {
                      throw std::runtime_error("secret detail from the store");
                  }},
            route{"GET", "/slow",
                  [this](const http_request&) {
                      net::post(io_, [this] {
                          slow_started_ = true;
                          slow_entered_.cancel();
                      });
                      slow_release_future_.wait();
                      return text_response(200, "slow done\n");
                  }},
            route{"GET", "/quick",
                  [this](const http_request&) {
                      return text_response(200,
                                           handler_pool_.get_executor().running_in_this_thread()
                                               ? "on the handler thread\n"
                                               : "on a request thread\n");
                  },
                  true},
        }};
    }

    // Declared before the pool, so the pool's threads are joined (after release_slow() in the
    // destructor let a held handler go) while what the handlers use still exists.
    std::promise<void> slow_release_;
    std::shared_future<void> slow_release_future_ = slow_release_.get_future().share();
    bool slow_released_ = false;
    router routes_ = make_routes();
    net::thread_pool handler_pool_{1};
    net::thread_pool concurrent_pool_{1};
    std::optional<http_server> server_;
};

}  // namespace

TEST_CASE_METHOD(loopback, "healthz answers JSON over a real socket", "[http]") {
    run_with_client([&]() -> net::awaitable<void> {
        auto stream = co_await connect_to(port());
        beast::flat_buffer buffer;

        const auto response =
            co_await exchange(stream, buffer, make_request(http::verb::get, "/healthz"));

        CHECK(response.result_int() == 200);
        CHECK(response[http::field::content_type] == "application/json");
        CHECK(nlohmann::json::parse(response.body()) == nlohmann::json::parse(R"(
            {"version":"9.9.9","store":"ok","outbox_depth":{"pending":4,"failed":0},"status":"ok"})"));
    });
}

TEST_CASE_METHOD(loopback, "metrics answers the Prometheus text over a real socket", "[http]") {
    run_with_client([&]() -> net::awaitable<void> {
        auto stream = co_await connect_to(port());
        beast::flat_buffer buffer;

        const auto response =
            co_await exchange(stream, buffer, make_request(http::verb::get, "/metrics"));

        CHECK(response.result_int() == 200);
        CHECK(response[http::field::content_type] == "text/plain; version=0.0.4; charset=utf-8");
        CHECK(response.body() ==
              "# HELP kv_outbox_pending Outbox rows waiting to be delivered.\n"
              "# TYPE kv_outbox_pending gauge\n"
              "kv_outbox_pending 4\n");
    });
}

TEST_CASE_METHOD(loopback, "the server answers what the router decides", "[http]") {
    struct row {
        const char* label;
        http::verb method;
        const char* target;
        std::string body;
        unsigned status;
        const char* response_body;
        const char* allow;
    };
    const std::vector<row> rows{
        {"unknown path", http::verb::get, "/nowhere", "", 404, "not found\n", ""},
        {"known path, other method", http::verb::delete_, "/healthz", "", 405,
         "method not allowed\n", "GET"},
        {"query is not part of the path", http::verb::post, "/echo?x=1", "hi", 200, "echo:hi", ""},
        {"body at the limit", http::verb::post, "/echo", std::string(body_limit, 'b'), 200, nullptr,
         ""},
        {"handler that throws gets no detail", http::verb::get, "/boom", "", 500,
         "internal server error\n", ""},
    };
    run_with_client([&]() -> net::awaitable<void> {
        auto stream = co_await connect_to(port());
        beast::flat_buffer buffer;
        for (const auto& r : rows) {
            CAPTURE(r.label);
            const auto response =
                co_await exchange(stream, buffer, make_request(r.method, r.target, r.body));
            CHECK(response.result_int() == r.status);
            CHECK(response.body() ==
                  (r.response_body ? std::string{r.response_body} : "echo:" + r.body));
            CHECK(response[http::field::allow] == r.allow);
            CHECK(response.keep_alive());
        }
    });
}

TEST_CASE_METHOD(loopback, "two requests share one kept-alive connection", "[http]") {
    run_with_client([&]() -> net::awaitable<void> {
        auto stream = co_await connect_to(port());
        beast::flat_buffer buffer;

        const auto first =
            co_await exchange(stream, buffer, make_request(http::verb::post, "/echo", "one"));
        const auto second =
            co_await exchange(stream, buffer, make_request(http::verb::post, "/echo", "two"));

        CHECK(first.body() == "echo:one");
        CHECK(first.keep_alive());
        CHECK(second.body() == "echo:two");
        CHECK(second.keep_alive());
    });
}

TEST_CASE_METHOD(loopback, "a request that asks to close gets its answer and then the close",
                 "[http]") {
    run_with_client([&]() -> net::awaitable<void> {
        auto stream = co_await connect_to(port());
        beast::flat_buffer buffer;
        auto request = make_request(http::verb::post, "/echo", "bye");
        request.keep_alive(false);

        const auto response = co_await exchange(stream, buffer, std::move(request));

        CHECK(response.body() == "echo:bye");
        CHECK_FALSE(response.keep_alive());
        const auto closed = co_await read_after_close(stream, buffer);
        CHECK(closed == http::error::end_of_stream);
    });
}

TEST_CASE_METHOD(loopback, "a body over the limit is answered 413 and the connection closed",
                 "[http]") {
    run_with_client([&]() -> net::awaitable<void> {
        auto stream = co_await connect_to(port());
        beast::flat_buffer buffer;

        const auto response = co_await exchange(
            stream, buffer,
            make_request(http::verb::post, "/echo", std::string(body_limit + 1, 'b')));

        CHECK(response.result_int() == 413);
        CHECK(response.body() == "payload too large\n");
        CHECK_FALSE(response.keep_alive());
        const auto closed = co_await read_after_close(stream, buffer);
        CHECK(closed == http::error::end_of_stream);
    });
}

TEST_CASE_METHOD(loopback, "bytes that are not HTTP are answered 400 and the connection closed",
                 "[http]") {
    struct row {
        const char* label;
        std::string bytes;
    };
    const std::vector<row> rows{
        {"TLS client hello", std::string{"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11}},
        {"no method", " / HTTP/1.1\r\n\r\n"},
        {"header without colon", "GET / HTTP/1.1\r\nHost 127.0.0.1\r\n\r\n"},
        {"bad content length", "POST /echo HTTP/1.1\r\nContent-Length: x\r\n\r\n"},
        {"not a version", "GET / HTTP/x\r\n\r\n"},
    };
    run_with_client([&]() -> net::awaitable<void> {
        for (const auto& r : rows) {
            CAPTURE(r.label);
            auto stream = co_await connect_to(port());
            beast::flat_buffer buffer;
            stream.expires_after(client_timeout);
            co_await net::async_write(stream, net::buffer(r.bytes), net::use_awaitable);

            const auto response = co_await read_response(stream, buffer);

            CHECK(response.result_int() == 400);
            CHECK(response.body() == "bad request\n");
            CHECK_FALSE(response.keep_alive());
            const auto closed = co_await read_after_close(stream, buffer);
            CHECK(closed == http::error::end_of_stream);
        }
    });
}

TEST_CASE_METHOD(loopback, "stop lets a request in flight finish, then run returns", "[http]") {
    run_with_client([&]() -> net::awaitable<void> {
        auto stream = co_await connect_to(port());
        beast::flat_buffer buffer;
        stream.expires_after(client_timeout);
        co_await http::async_write(stream, make_request(http::verb::get, "/slow"),
                                   net::use_awaitable);
        co_await slow_entered_.async_wait(net::as_tuple(net::use_awaitable));
        REQUIRE(slow_started_);

        server().stop();
        // stop() posts its work; this lets it run before the test goes on.
        co_await net::post(io_, net::use_awaitable);

        tcp::socket late{io_};
        const auto [refused] =
            co_await late.async_connect(tcp::endpoint{net::ip::make_address("127.0.0.1"), port()},
                                        net::as_tuple(net::use_awaitable));
        CHECK(refused == net::error::connection_refused);
        CHECK_FALSE(server_done_);

        release_slow();
        const auto response = co_await read_response(stream, buffer);

        CHECK(response.result_int() == 200);
        CHECK(response.body() == "slow done\n");
        CHECK_FALSE(response.keep_alive());
        const auto closed = co_await read_after_close(stream, buffer);
        CHECK(closed == http::error::end_of_stream);
    });
}

TEST_CASE_METHOD(loopback,
                 "a concurrent route is answered while the handler thread is busy; others wait",
                 "[http]") {
    run_with_client([&]() -> net::awaitable<void> {
        auto held = co_await connect_to(port());
        beast::flat_buffer held_buffer;
        held.expires_after(client_timeout);
        co_await http::async_write(held, make_request(http::verb::get, "/slow"),
                                   net::use_awaitable);
        co_await slow_entered_.async_wait(net::as_tuple(net::use_awaitable));
        REQUIRE(slow_started_);

        auto waiting = co_await connect_to(port());
        beast::flat_buffer waiting_buffer;
        waiting.expires_after(client_timeout);
        co_await http::async_write(waiting, make_request(http::verb::post, "/echo", "x"),
                                   net::use_awaitable);

        auto quick = co_await connect_to(port());
        beast::flat_buffer quick_buffer;
        const auto answered =
            co_await exchange(quick, quick_buffer, make_request(http::verb::get, "/quick"));
        CHECK(answered.result_int() == 200);
        CHECK(answered.body() == "on a request thread\n");

        // /echo is queued behind /slow on the handler thread: nothing has come back yet.
        net::steady_timer pause{io_, 100ms};
        co_await pause.async_wait(net::use_awaitable);
        CHECK(waiting_buffer.size() == 0);
        CHECK(waiting.socket().available() == 0);

        release_slow();
        const auto slow = co_await read_response(held, held_buffer);
        CHECK(slow.body() == "slow done\n");
        const auto echoed = co_await read_response(waiting, waiting_buffer);
        CHECK(echoed.body() == "echo:x");
    });
}

TEST_CASE_METHOD(loopback, "stop closes a kept-alive connection that waits for a request",
                 "[http]") {
    run_with_client([&]() -> net::awaitable<void> {
        auto stream = co_await connect_to(port());
        beast::flat_buffer buffer;
        const auto response =
            co_await exchange(stream, buffer, make_request(http::verb::post, "/echo", "x"));
        CHECK(response.keep_alive());

        server().stop();

        // Long before the 30 s read timeout: the test deadline is shorter.
        const auto closed = co_await read_after_close(stream, buffer);
        CHECK(closed == http::error::end_of_stream);
    });
}

TEST_CASE_METHOD(loopback, "cancelling run through its slot stops the server", "[http]") {
    net::cancellation_signal cancel;
    bool server_done = false;
    std::exception_ptr server_error;
    net::co_spawn(io_, server().run(),
                  net::bind_cancellation_slot(cancel.slot(), [&](const std::exception_ptr& e) {
                      server_error = e;
                      server_done = true;
                  }));
    bool client_done = false;
    std::exception_ptr client_error;
    net::co_spawn(
        io_,
        [&]() -> net::awaitable<void> {
            auto stream = co_await connect_to(port());
            beast::flat_buffer buffer;
            const auto response =
                co_await exchange(stream, buffer, make_request(http::verb::post, "/echo", "x"));
            CHECK(response.body() == "echo:x");

            cancel.emit(net::cancellation_type::terminal);

            const auto closed = co_await read_after_close(stream, buffer);
            CHECK(closed == http::error::end_of_stream);
        },
        [&](const std::exception_ptr& e) {
            client_error = e;
            client_done = true;
        });

    io_.run_for(test_deadline);

    if (client_error) {
        std::rethrow_exception(client_error);
    }
    REQUIRE(client_done);
    REQUIRE(server_done);
    REQUIRE_FALSE(server_error);
}

TEST_CASE_METHOD(loopback, "a connection that sends nothing is closed after the read timeout",
                 "[http]") {
    auto settings = test_settings();
    settings.read_timeout = 50ms;
    start(settings);
    run_with_client([&]() -> net::awaitable<void> {
        auto stream = co_await connect_to(port());
        beast::flat_buffer buffer;
        const auto closed = co_await read_after_close(stream, buffer);
        CHECK(closed == http::error::end_of_stream);
    });
}

TEST_CASE_METHOD(loopback, "a request that stalls is closed at its deadline", "[http]") {
    auto settings = test_settings();
    settings.request_deadline = 50ms;
    start(settings);
    run_with_client([&]() -> net::awaitable<void> {
        auto stream = co_await connect_to(port());
        beast::flat_buffer buffer;
        const std::string partial = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n";
        stream.expires_after(client_timeout);
        co_await net::async_write(stream, net::buffer(partial), net::use_awaitable);

        const auto closed = co_await read_after_close(stream, buffer);
        CHECK(closed == http::error::end_of_stream);
    });
}

TEST_CASE("a server that cannot listen fails when it is built", "[http]") {
    net::io_context io;
    const router routes{std::vector<route>{}};
    http_server_settings taken;
    taken.port = 0;
    const http_server first{io.get_executor(), taken, routes};

    struct row {
        const char* label;
        std::string address;
        std::uint16_t port;
        boost::system::error_code code;
    };
    const std::vector<row> rows{
        {"host name instead of an address", "localhost", 0,
         make_error_code(net::error::invalid_argument)},
        {"port already in use", "127.0.0.1", first.port(),
         make_error_code(net::error::address_in_use)},
    };
    for (const auto& r : rows) {
        CAPTURE(r.label);
        http_server_settings settings;
        settings.address = r.address;
        settings.port = r.port;
        try {
            http_server server{io.get_executor(), settings, routes};
            FAIL("the server was built");
        } catch (const boost::system::system_error& e) {
            CHECK(e.code() == r.code);
        }
    }
}
