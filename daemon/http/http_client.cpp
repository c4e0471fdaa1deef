#include "daemon/http/http_client.hpp"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <exception>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

namespace kv::daemon {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using boost::system::error_code;
using clock_type = std::chrono::steady_clock;

namespace {

constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

struct url_parts {
    bool tls = false;
    std::string host;  // without IPv6 brackets
    std::string port;
    std::string target;  // path and query, at least "/"
    std::string host_header;
};

std::optional<url_parts> parse_url(std::string_view url) {
    url_parts u;
    if (url.substr(0, 8) == "https://") {
        u.tls = true;
        url.remove_prefix(8);
    } else if (url.substr(0, 7) == "http://") {
        url.remove_prefix(7);
    } else {
        return std::nullopt;
    }
    const auto slash = url.find_first_of("/?#");
    std::string_view authority = url.substr(0, slash);
    std::string_view rest = slash == std::string_view::npos ? "" : url.substr(slash);
    if (const auto hash = rest.find('#'); hash != std::string_view::npos) {
        rest = rest.substr(0, hash);
    }
    if (authority.empty() || authority.find('@') != std::string_view::npos) {
        return std::nullopt;
    }
    u.host_header = std::string{authority};
    std::string_view port;
    if (authority.front() == '[') {
        const auto close = authority.find(']');
        if (close == std::string_view::npos) {
            return std::nullopt;
        }
        u.host = std::string{authority.substr(1, close - 1)};
        const auto after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':') {
                return std::nullopt;
            }
            port = after.substr(1);
        }
    } else {
        const auto colon = authority.rfind(':');
        u.host = std::string{authority.substr(0, colon)};
        if (colon != std::string_view::npos) {
            port = authority.substr(colon + 1);
        }
    }
    if (u.host.empty()) {
        return std::nullopt;
    }
    if (port.empty()) {
        u.port = u.tls ? "443" : "80";
    } else {
        if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string_view::npos ||
            std::stoul(std::string{port}) == 0 || std::stoul(std::string{port}) > 65535) {
            return std::nullopt;
        }
        u.port = std::string{port};
    }
    u.target = rest.empty() || rest.front() == '?' ? "/" + std::string{rest} : std::string{rest};
    return u;
}

bool is_ip_literal(const std::string& host) {
    error_code ec;
    net::ip::make_address(host, ec);
    return !ec;
}

}  // namespace

namespace detail {

struct connection {
    net::io_context ioc{1};
    std::optional<beast::tcp_stream> plain;
    std::optional<beast::ssl_stream<beast::tcp_stream>> tls;
    beast::flat_buffer buffer;
    clock_type::time_point idle_since{};

    beast::tcp_stream& lowest() { return tls ? beast::get_lowest_layer(*tls) : *plain; }
};

// What one exchange on one connection produced.
struct exchange_result {
    kv::teams::http_reply reply;
    bool keep_alive = false;
    bool stale = false;  // a reused connection failed before any response byte: retry fresh
};

struct http_client_state {
    http_client_settings settings;
    ssl::context tls_context{ssl::context::tls_client};
    std::mutex mutex;
    std::map<std::string, std::vector<std::unique_ptr<connection>>> idle;

    std::unique_ptr<connection> take_idle(const std::string& key) {
        std::lock_guard lock{mutex};
        auto it = idle.find(key);
        if (it == idle.end()) {
            return nullptr;
        }
        auto& parked = it->second;
        const auto now = clock_type::now();
        while (!parked.empty()) {
            auto c = std::move(parked.back());
            parked.pop_back();
            if (now - c->idle_since < settings.idle_timeout) {
                return c;
            }
        }
        return nullptr;
    }

    void give_back(const std::string& key, std::unique_ptr<connection> c) {
        std::lock_guard lock{mutex};
        auto& parked = idle[key];
        if (parked.size() < settings.max_idle_per_host) {
            c->idle_since = clock_type::now();
            parked.push_back(std::move(c));
        }
    }
};

}  // namespace detail

namespace {

using detail::connection;
using detail::exchange_result;

std::string describe(const error_code& ec, clock_type::time_point deadline) {
    if (ec == beast::error::timeout ||
        (ec == net::error::operation_aborted && clock_type::now() >= deadline)) {
        return "timeout";
    }
    if (ec == http::error::body_limit) {
        return "response body too large";
    }
    return ec.message();
}

net::awaitable<error_code> open(connection& c, detail::http_client_state& state, const url_parts& u,
                                clock_type::time_point deadline) {
    auto ex = c.ioc.get_executor();
    tcp::resolver resolver{ex};
    net::steady_timer guard{ex};
    guard.expires_at(deadline);
    guard.async_wait([&resolver](error_code ec) {
        if (!ec) {
            resolver.cancel();
        }
    });
    auto [rec, endpoints] = co_await resolver.async_resolve(u.host, u.port, use_tuple);
    guard.cancel();
    if (rec) {
        co_return rec;
    }
    if (u.tls) {
        c.tls.emplace(ex, state.tls_context);
        SSL* ssl = c.tls->native_handle();
        if (is_ip_literal(u.host)) {
            if (X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), u.host.c_str()) != 1) {
                co_return make_error_code(net::error::invalid_argument);
            }
        } else if (SSL_set_tlsext_host_name(ssl, u.host.c_str()) != 1 ||
                   SSL_set1_host(ssl, u.host.c_str()) != 1) {
            co_return make_error_code(net::error::invalid_argument);
        }
        c.tls->set_verify_mode(ssl::verify_peer);
    } else {
        c.plain.emplace(ex);
    }
    c.lowest().expires_at(deadline);
    auto [cec, endpoint] = co_await c.lowest().async_connect(endpoints, use_tuple);
    if (cec) {
        co_return cec;
    }
    if (c.tls) {
        c.lowest().expires_at(deadline);
        auto [hec] = co_await c.tls->async_handshake(ssl::stream_base::client, use_tuple);
        if (hec) {
            co_return hec;
        }
    }
    co_return error_code{};
}

template <class Stream>
net::awaitable<exchange_result> exchange_on(Stream& stream, connection& c,
                                            const http::request<http::string_body>& req,
                                            std::size_t body_limit, bool reused,
                                            clock_type::time_point deadline) {
    exchange_result out;
    c.lowest().expires_at(deadline);
    auto [wec, written] = co_await http::async_write(stream, req, use_tuple);
    if (wec) {
        out.stale = reused && clock_type::now() < deadline;
        out.reply.error = describe(wec, deadline);
        co_return out;
    }
    http::response_parser<http::string_body> parser;
    parser.body_limit(body_limit);
    c.lowest().expires_at(deadline);
    auto [rec, read] = co_await http::async_read(stream, c.buffer, parser, use_tuple);
    if (rec) {
        out.stale = reused && !parser.got_some() && clock_type::now() < deadline &&
                    (rec == http::error::end_of_stream || rec == net::error::connection_reset ||
                     rec == net::error::eof || rec == ssl::error::stream_truncated);
        out.reply.error = describe(rec, deadline);
        co_return out;
    }
    auto res = parser.release();
    out.reply.status = static_cast<int>(res.result_int());
    for (const auto& field : res) {
        out.reply.headers.emplace_back(std::string{field.name_string()},
                                       std::string{field.value()});
    }
    out.reply.body = std::move(res.body());
    out.keep_alive = res.keep_alive();
    co_return out;
}

exchange_result run_exchange(connection& c, detail::http_client_state& state, const url_parts& u,
                             const http::request<http::string_body>& req, bool reused,
                             clock_type::time_point deadline) {
    exchange_result result;
    std::exception_ptr failure;
    auto work = [&]() -> net::awaitable<void> {
        if (!reused) {
            if (const auto ec = co_await open(c, state, u, deadline)) {
                result.reply.error = describe(ec, deadline);
                co_return;
            }
        }
        if (c.tls) {
            result =
                co_await exchange_on(*c.tls, c, req, state.settings.body_limit, reused, deadline);
        } else {
            result =
                co_await exchange_on(*c.plain, c, req, state.settings.body_limit, reused, deadline);
        }
    };
    net::co_spawn(c.ioc, work(), [&failure](std::exception_ptr e) { failure = e; });
    c.ioc.restart();
    c.ioc.run();
    if (failure) {
        std::rethrow_exception(failure);
    }
    return result;
}

kv::teams::http_reply failed(std::string why) {
    kv::teams::http_reply r;
    r.error = std::move(why);
    return r;
}

}  // namespace

http_client::http_client(http_client_settings settings)
    : state_(std::make_unique<detail::http_client_state>()) {
    state_->settings = std::move(settings);
    auto& ctx = state_->tls_context;
    SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION);
    error_code ec;
    if (state_->settings.ca_file.empty()) {
        ctx.set_default_verify_paths(ec);
    } else {
        ctx.load_verify_file(state_->settings.ca_file, ec);
    }
    if (ec) {
        throw std::runtime_error("cannot load CA certificates from '" + state_->settings.ca_file +
                                 "': " + ec.message());
    }
    ctx.set_verify_mode(ssl::verify_peer);
}

http_client::~http_client() = default;

kv::teams::http_reply http_client::call(const kv::teams::http_call& request) {
    try {
        const auto u = parse_url(request.url);
        if (!u) {
            return failed("bad URL");
        }
        if (!u->tls && !state_->settings.allow_plain_http) {
            return failed("plain http is not allowed");
        }
        const auto verb = http::string_to_verb(request.method);
        if (verb == http::verb::unknown) {
            return failed("unknown method");
        }
        http::request<http::string_body> req{verb, u->target, 11};
        req.set(http::field::host, u->host_header);
        req.set(http::field::user_agent, state_->settings.user_agent);
        for (const auto& [name, value] : request.headers) {
            if (name.find_first_of("\r\n") != std::string::npos ||
                value.find_first_of("\r\n") != std::string::npos) {
                return failed("bad header");
            }
            req.set(name, value);
        }
        req.body() = request.body;
        req.keep_alive(true);
        req.prepare_payload();

        const auto deadline = clock_type::now() + request.timeout;
        const std::string key = (u->tls ? "https://" : "http://") + u->host + ":" + u->port;
        for (int attempt = 0; attempt < 2; ++attempt) {
            // A retry after a stale parked connection always opens a fresh one.
            auto c = attempt == 0 ? state_->take_idle(key) : nullptr;
            const bool reused = c != nullptr;
            if (!c) {
                c = std::make_unique<connection>();
            }
            auto result = run_exchange(*c, *state_, *u, req, reused, deadline);
            if (result.reply.status != 0) {
                if (result.keep_alive && state_->settings.max_idle_per_host > 0) {
                    state_->give_back(key, std::move(c));
                }
                return std::move(result.reply);
            }
            if (!result.stale) {
                return std::move(result.reply);
            }
        }
        return failed("connection closed by the server");
    } catch (const std::exception&) {
        return failed("internal error");
    } catch (...) {
        return failed("internal error");
    }
}

}  // namespace kv::daemon
