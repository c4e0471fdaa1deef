#include "daemon/http/http_server.hpp"

#include <algorithm>
#include <exception>
#include <iostream>
#include <list>
#include <optional>
#include <string_view>
#include <utility>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

namespace kv::daemon {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using boost::system::error_code;

namespace {

// I/O objects on this executor complete `co_await op()` with a tuple [error_code, value...].
using executor_type =
    net::as_tuple_t<net::use_awaitable_t<>>::executor_with_default<net::any_io_executor>;
using acceptor_type = tcp::acceptor::rebind_executor<executor_type>::other;
using stream_type = beast::tcp_stream::rebind_executor<executor_type>::other;
using timer_type = net::steady_timer::rebind_executor<executor_type>::other;
using clock_type = std::chrono::steady_clock;

constexpr std::size_t first_read_size = 4096;
constexpr auto accept_retry_delay = std::chrono::milliseconds{100};

void log_error(std::string_view what, const error_code& ec) {
    std::cerr << "http: " << what << ": " << ec.message() << '\n';
}

void log_exception(std::string_view what, const std::exception_ptr& e) {
    try {
        std::rethrow_exception(e);
    } catch (const std::exception& x) {
        std::cerr << "http: " << what << ": " << x.what() << '\n';
    } catch (...) {
        std::cerr << "http: " << what << ": non-standard exception\n";
    }
}

// Codes that end a connection in the ordinary course of things: not worth a log line.
bool is_expected_close(const error_code& ec) {
    return ec == http::error::end_of_stream || ec == http::error::partial_message ||
           ec == net::error::eof || ec == net::error::operation_aborted ||
           ec == beast::error::timeout || ec == net::error::connection_reset ||
           ec == net::error::broken_pipe;
}

// The status that answers a request Beast could not parse, or nothing when the peer went away.
std::optional<unsigned> status_for_read_error(const error_code& ec) {
    if (ec == http::error::body_limit) {
        return 413;
    }
    if (ec == http::error::header_limit) {
        return 431;
    }
    if (ec.category() == http::make_error_code(http::error::bad_method).category() &&
        !is_expected_close(ec) && ec != http::error::need_more && ec != http::error::need_buffer) {
        return 400;
    }
    return std::nullopt;
}

std::string_view error_body(unsigned status) {
    switch (status) {
        case 413:
            return "payload too large\n";
        case 431:
            return "request header fields too large\n";
        default:
            return "bad request\n";
    }
}

http_request to_request(http::request<http::string_body>&& in) {
    http_request out;
    out.method = std::string{in.method_string()};
    out.target = std::string{in.target()};
    const auto question = out.target.find('?');
    out.path = out.target.substr(0, question);
    if (question != std::string::npos) {
        out.query = out.target.substr(question + 1);
    }
    for (const auto& f : in) {
        out.headers.add(std::string{f.name_string()}, std::string{f.value()});
    }
    out.body = std::move(in.body());
    return out;
}

bool is_server_field(std::string_view name) {
    return iequals(name, "Content-Length") || iequals(name, "Connection") ||
           iequals(name, "Transfer-Encoding");
}

http::response<http::string_body> to_beast(http_response&& in, unsigned version, bool keep_alive) {
    if (in.status < 100 || in.status > 599) {
        std::cerr << "http: handler returned status " << in.status << "; answering 500\n";
        in = text_response(500, "internal server error\n");
    }
    http::response<http::string_body> out;
    out.version(version);
    out.result(static_cast<unsigned>(in.status));
    if (!in.content_type.empty()) {
        out.set(http::field::content_type, in.content_type);
    }
    for (const auto& [name, value] : in.headers) {
        if (!is_server_field(name)) {
            out.insert(name, value);
        }
    }
    out.keep_alive(keep_alive);
    out.body() = std::move(in.body);
    out.prepare_payload();
    return out;
}

net::awaitable<http_response> call_router(const router& routes, http_request request) {
    co_return routes.handle(std::move(request));
}

}  // namespace

// Everything the listener and its connections share. Members from `stopping` on are touched only
// on `strand`; connections keep the state alive through a shared_ptr.
struct detail::http_server_state {
    using state = http_server_state;

    // An open connection: idle while it waits for the first byte of its next request, which is
    // the only wait that stop() cuts short.
    struct connection {
        stream_type* stream = nullptr;
        bool idle = false;
    };

    // Keeps a connection listed while its coroutine frame exists, even one that never ran.
    class registration {
      public:
        explicit registration(std::shared_ptr<state> server)
            : server_(std::move(server)),
              entry_(server_->connections.insert(server_->connections.end(), connection{})) {}
        registration(registration&& other) noexcept
            : server_(std::move(other.server_)), entry_(other.entry_) {}
        registration(const registration&) = delete;
        registration& operator=(const registration&) = delete;
        registration& operator=(registration&&) = delete;
        ~registration() {
            if (server_) {
                server_->connections.erase(entry_);
                if (server_->connections.empty()) {
                    server_->drained.cancel();
                }
            }
        }
        state& server() const { return *server_; }
        connection& entry() const { return *entry_; }

      private:
        std::shared_ptr<state> server_;
        std::list<connection>::iterator entry_;
    };

    http_server_state(net::any_io_executor io, net::any_io_executor handlers,
                      net::any_io_executor concurrent_handlers, http_server_settings s,
                      const router& r)
        : strand(net::make_strand(io)),
          handler_executor(std::move(handlers)),
          concurrent_executor(std::move(concurrent_handlers)),
          settings(std::move(s)),
          routes(r),
          acceptor(executor_type{strand}),
          drained(executor_type{strand}) {
        const tcp::endpoint endpoint{net::ip::make_address(settings.address), settings.port};
        acceptor.open(endpoint.protocol());
        acceptor.set_option(net::socket_base::reuse_address(true));
        acceptor.bind(endpoint);
        acceptor.listen(net::socket_base::max_listen_connections);
        port = acceptor.local_endpoint().port();
    }

    void begin_stop() {
        stopping = true;
        error_code ignored;
        acceptor.close(ignored);
        for (const auto& c : connections) {
            if (c.idle && c.stream != nullptr) {
                c.stream->cancel();
            }
        }
    }

    clock_type::time_point io_expiry(clock_type::time_point deadline) const {
        return std::min(deadline, clock_type::now() + settings.read_timeout);
    }

    net::strand<net::any_io_executor> strand;
    const net::any_io_executor handler_executor;
    const net::any_io_executor concurrent_executor;
    const http_server_settings settings;
    const router& routes;
    std::uint16_t port = 0;

    bool stopping = false;
    acceptor_type acceptor;
    timer_type drained;
    std::list<connection> connections;
};

namespace {

using state = detail::http_server_state;

net::awaitable<void> send_error(stream_type& stream, const state& server, unsigned status,
                                clock_type::time_point deadline) {
    http::response<http::string_body> response{static_cast<http::status>(status), 11};
    response.set(http::field::content_type, "text/plain; charset=utf-8");
    response.keep_alive(false);
    response.body() = error_body(status);
    response.prepare_payload();
    stream.expires_at(server.io_expiry(deadline));
    const auto [ec, written] = co_await http::async_write(stream, response);
    if (ec && !is_expected_close(ec)) {
        log_error("writing an error response", ec);
    }
}

// Serves one connection until the peer closes it, a request asks to close it, an error, or
// stop() finds it idle.
net::awaitable<void> serve(state::registration reg, stream_type stream) {
    state& server = reg.server();
    reg.entry().stream = &stream;
    beast::flat_buffer buffer;
    for (;;) {
        if (buffer.size() == 0) {
            if (server.stopping) {
                co_return;
            }
            reg.entry().idle = true;
            stream.expires_after(server.settings.read_timeout);
            const auto [ec, n] = co_await stream.async_read_some(buffer.prepare(first_read_size));
            reg.entry().idle = false;
            if (ec) {
                if (!is_expected_close(ec)) {
                    log_error("waiting for a request", ec);
                }
                co_return;
            }
            buffer.commit(n);
        }

        const auto deadline = clock_type::now() + server.settings.request_deadline;
        // A fresh parser per request: Beast parsers cannot be reused after a message.
        http::request_parser<http::string_body> parser;
        parser.body_limit(server.settings.body_limit);
        stream.expires_at(server.io_expiry(deadline));
        if (const auto [ec, n] = co_await http::async_read(stream, buffer, parser); ec) {
            if (const auto status = status_for_read_error(ec)) {
                co_await send_error(stream, server, *status, deadline);
                error_code ignored;
                stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
            } else if (!is_expected_close(ec)) {
                log_error("reading a request", ec);
            }
            co_return;
        }

        auto request = parser.release();
        const auto version = request.version();
        const bool wants_keep_alive = request.keep_alive();
        auto plain = to_request(std::move(request));
        const auto& handlers = server.routes.concurrent(plain.method, plain.path)
                                   ? server.concurrent_executor
                                   : server.handler_executor;
        auto [failure, answer] =
            co_await net::co_spawn(handlers, call_router(server.routes, std::move(plain)),
                                   net::as_tuple(net::use_awaitable));
        if (failure) {
            log_exception("routing a request", failure);
            answer = text_response(500, "internal server error\n");
        }
        auto response = to_beast(std::move(answer), version, wants_keep_alive && !server.stopping);

        stream.expires_at(server.io_expiry(deadline));
        if (const auto [ec, n] = co_await http::async_write(stream, response); ec) {
            if (!is_expected_close(ec)) {
                log_error("writing a response", ec);
            }
            co_return;
        }
        if (!response.keep_alive()) {
            error_code ignored;
            stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
            co_return;
        }
    }
}

// Runs on the strand: accepts until stopped or cancelled, then waits for the connections.
net::awaitable<void> accept_loop(std::shared_ptr<state> server) {
    // Cancellation then completes operations with operation_aborted instead of throwing, so the
    // drain below still runs.
    co_await net::this_coro::throw_if_cancelled(false);
    while (!server->stopping) {
        auto [ec, socket] = co_await server->acceptor.async_accept();
        if (ec == net::error::operation_aborted || server->stopping) {
            break;
        }
        if (ec) {
            // E.g. out of file descriptors: retrying at once would spin.
            log_error("accepting a connection", ec);
            timer_type pause{server->strand, accept_retry_delay};
            if (const auto [wait_ec] = co_await pause.async_wait();
                wait_ec == net::error::operation_aborted) {
                break;
            }
            continue;
        }
        net::co_spawn(server->strand,
                      serve(state::registration{server}, stream_type{std::move(socket)}),
                      [](const std::exception_ptr& e) {
                          if (e) {
                              log_exception("serving a connection", e);
                          }
                      });
    }
    co_await net::this_coro::reset_cancellation_state();
    server->begin_stop();
    while (!server->connections.empty()) {
        server->drained.expires_at(clock_type::time_point::max());
        co_await server->drained.async_wait();
    }
}

}  // namespace

http_server::http_server(net::any_io_executor io_executor, net::any_io_executor handler_executor,
                         net::any_io_executor concurrent_executor, http_server_settings settings,
                         const router& routes)
    : state_(std::make_shared<detail::http_server_state>(
          std::move(io_executor), std::move(handler_executor), std::move(concurrent_executor),
          std::move(settings), routes)) {}

http_server::http_server(net::any_io_executor io_executor, net::any_io_executor handler_executor,
                         http_server_settings settings, const router& routes)
    : http_server(io_executor, handler_executor, handler_executor, std::move(settings), routes) {}

http_server::http_server(net::any_io_executor io_executor, http_server_settings settings,
                         const router& routes)
    : http_server(io_executor, io_executor, std::move(settings), routes) {}

http_server::~http_server() = default;

std::uint16_t http_server::port() const {
    return state_->port;
}

net::awaitable<void> http_server::run() {
    const auto [failure] = co_await net::co_spawn(state_->strand, accept_loop(state_),
                                                  net::as_tuple(net::use_awaitable));
    if (failure) {
        std::rethrow_exception(failure);
    }
}

void http_server::stop() {
    net::post(state_->strand, [server = state_] { server->begin_stop(); });
}

}  // namespace kv::daemon
