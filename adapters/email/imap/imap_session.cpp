#include "adapters/email/imap/imap_session.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <thread>

namespace kv::email {
namespace {

using clock_type = std::chrono::steady_clock;

std::string upper(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        if (c >= 'a' && c <= 'z') {
            c = static_cast<char>(c - 'a' + 'A');
        }
    }
    return out;
}

std::string quoted(std::string_view s) {
    std::string out = "\"";
    for (const char c : s) {
        if (c == '"' || c == '\\') {
            out += '\\';
        }
        if (c == '\r' || c == '\n') {
            throw imap_error("a value for the IMAP server contains a line break");
        }
        out += c;
    }
    return out + "\"";
}

std::string base64(std::string_view in) {
    std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(in.data()),
                                  static_cast<int>(in.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

// One server response: its text with each literal replaced by "{n}", and the literals.
struct response {
    std::string text;
    std::vector<std::string> literals;
};

std::optional<std::size_t> trailing_literal(std::string_view line) {
    if (line.empty() || line.back() != '}') {
        return std::nullopt;
    }
    const auto open = line.rfind('{');
    if (open == std::string_view::npos) {
        return std::nullopt;
    }
    std::size_t n = 0;
    const auto digits = line.substr(open + 1, line.size() - open - 2);
    const auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
    if (ec != std::errc{} || p != digits.data() + digits.size()) {
        return std::nullopt;
    }
    return n;
}

}  // namespace

std::optional<imap_endpoint> parse_imap_url(std::string_view url, std::string ca_file) {
    imap_endpoint e;
    e.ca_file = std::move(ca_file);
    if (url.rfind("imaps://", 0) == 0) {
        url.remove_prefix(8);
        e.implicit_tls = true;
        e.port = 993;
    } else if (url.rfind("imap://", 0) == 0) {
        url.remove_prefix(7);
        e.implicit_tls = false;
        e.port = 143;
    } else {
        return std::nullopt;
    }
    if (!url.empty() && url.back() == '/') {
        url.remove_suffix(1);
    }
    const auto colon = url.rfind(':');
    if (colon != std::string_view::npos && url.find(']') == std::string_view::npos) {
        unsigned port = 0;
        const auto digits = url.substr(colon + 1);
        const auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
        if (ec != std::errc{} || p != digits.data() + digits.size() || port == 0 || port > 65535) {
            return std::nullopt;
        }
        e.port = static_cast<std::uint16_t>(port);
        url = url.substr(0, colon);
    }
    if (url.empty() || url.find_first_of("/@ ") != std::string_view::npos) {
        return std::nullopt;
    }
    e.host = std::string(url);
    return e;
}

struct imap_session::impl {
    imap_endpoint endpoint;
    std::chrono::milliseconds timeout;
    int fd = -1;
    SSL_CTX* ctx = nullptr;
    SSL* ssl = nullptr;
    std::string buffer;
    std::size_t buffer_pos = 0;
    int next_tag = 1;
    std::vector<std::string> capabilities;

    ~impl() { close(); }

    void close() noexcept {
        if (ssl != nullptr) {
            SSL_free(ssl);
            ssl = nullptr;
        }
        if (ctx != nullptr) {
            SSL_CTX_free(ctx);
            ctx = nullptr;
        }
        if (fd >= 0) {
            ::close(fd);
            fd = -1;
        }
    }

    [[noreturn]] void fail(const std::string& what) {
        close();
        throw imap_error("IMAP " + endpoint.host + ":" + std::to_string(endpoint.port) + ": " +
                         what);
    }

    void connect() {
        addrinfo hints{};
        hints.ai_family = AF_UNSPEC;
        hints.ai_socktype = SOCK_STREAM;
        addrinfo* found = nullptr;
        if (getaddrinfo(endpoint.host.c_str(), std::to_string(endpoint.port).c_str(), &hints,
                        &found) != 0) {
            fail("cannot resolve the host");
        }
        for (addrinfo* a = found; a != nullptr && fd < 0; a = a->ai_next) {
            fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
            if (fd < 0) {
                continue;
            }
            timeval tv{static_cast<time_t>(timeout.count() / 1000),
                       static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
            setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
            if (::connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
                ::close(fd);
                fd = -1;
            }
        }
        freeaddrinfo(found);
        if (fd < 0) {
            fail("cannot connect");
        }
    }

    void start_tls() {
        ctx = SSL_CTX_new(TLS_client_method());
        if (ctx == nullptr) {
            fail("cannot set up TLS");
        }
        SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
        const bool loaded =
            endpoint.ca_file.empty()
                ? SSL_CTX_set_default_verify_paths(ctx) == 1
                : SSL_CTX_load_verify_locations(ctx, endpoint.ca_file.c_str(), nullptr) == 1;
        if (!loaded) {
            fail("cannot load the trusted certificates");
        }
        ssl = SSL_new(ctx);
        SSL_set_fd(ssl, fd);
        in6_addr ip6{};
        in_addr ip4{};
        const bool is_ip = inet_pton(AF_INET, endpoint.host.c_str(), &ip4) == 1 ||
                           inet_pton(AF_INET6, endpoint.host.c_str(), &ip6) == 1;
        X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
        if (is_ip) {
            X509_VERIFY_PARAM_set1_ip_asc(param, endpoint.host.c_str());
        } else {
            SSL_set_tlsext_host_name(ssl, endpoint.host.c_str());
            X509_VERIFY_PARAM_set1_host(param, endpoint.host.c_str(), 0);
        }
        const auto deadline = clock_type::now() + timeout;
        while (true) {
            const int r = SSL_connect(ssl);
            if (r == 1) {
                break;
            }
            const int err = SSL_get_error(ssl, r);
            if ((err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) &&
                wait_readable(deadline)) {
                continue;
            }
            const long verify = SSL_get_verify_result(ssl);
            ERR_clear_error();
            fail(verify != X509_V_OK ? std::string("server certificate not trusted: ") +
                                           X509_verify_cert_error_string(verify)
                                     : "TLS handshake failed");
        }
    }

    bool wait_readable(clock_type::time_point deadline) {
        if (ssl != nullptr && SSL_pending(ssl) > 0) {
            return true;
        }
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_type::now());
        if (left.count() <= 0) {
            return false;
        }
        pollfd p{fd, POLLIN, 0};
        const int r = ::poll(&p, 1, static_cast<int>(left.count()));
        return r > 0;
    }

    // Reads more bytes into the buffer; false when `deadline` passed first.
    bool fill(clock_type::time_point deadline) {
        while (true) {
            if (!wait_readable(deadline)) {
                return false;
            }
            char chunk[16384];
            long n = 0;
            if (ssl != nullptr) {
                const int r = SSL_read(ssl, chunk, sizeof chunk);
                if (r <= 0) {
                    const int err = SSL_get_error(ssl, r);
                    if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
                        continue;
                    }
                    ERR_clear_error();
                    fail("connection closed by the server");
                }
                n = r;
            } else {
                n = ::recv(fd, chunk, sizeof chunk, 0);
                if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
                    continue;
                }
                if (n <= 0) {
                    fail("connection closed by the server");
                }
            }
            if (buffer_pos > 0 && buffer_pos == buffer.size()) {
                buffer.clear();
                buffer_pos = 0;
            }
            buffer.append(chunk, static_cast<std::size_t>(n));
            return true;
        }
    }

    std::string read_line(clock_type::time_point deadline) {
        while (true) {
            const auto end = buffer.find("\r\n", buffer_pos);
            if (end != std::string::npos) {
                std::string line = buffer.substr(buffer_pos, end - buffer_pos);
                buffer_pos = end + 2;
                return line;
            }
            if (buffer.size() - buffer_pos > 1024 * 1024) {
                fail("response line too long");
            }
            if (!fill(deadline)) {
                fail("timed out waiting for the server");
            }
        }
    }

    std::string read_bytes(std::size_t n, clock_type::time_point deadline) {
        while (buffer.size() - buffer_pos < n) {
            if (!fill(deadline)) {
                fail("timed out waiting for the server");
            }
        }
        std::string out = buffer.substr(buffer_pos, n);
        buffer_pos += n;
        return out;
    }

    response read_response(clock_type::time_point deadline) {
        response r;
        std::string line = read_line(deadline);
        while (const auto n = trailing_literal(line)) {
            if (*n > 200 * 1024 * 1024) {
                fail("literal too large");
            }
            r.text += line;
            r.literals.push_back(read_bytes(*n, deadline));
            line = read_line(deadline);
        }
        r.text += line;
        return r;
    }

    void send(std::string_view data) {
        std::size_t sent = 0;
        while (sent < data.size()) {
            long n = 0;
            if (ssl != nullptr) {
                const int r =
                    SSL_write(ssl, data.data() + sent, static_cast<int>(data.size() - sent));
                if (r <= 0) {
                    ERR_clear_error();
                    fail("cannot send to the server");
                }
                n = r;
            } else {
                n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
                if (n < 0 && errno == EINTR) {
                    continue;
                }
                if (n <= 0) {
                    fail("cannot send to the server");
                }
            }
            sent += static_cast<std::size_t>(n);
        }
    }

    std::string tag() { return "K" + std::to_string(next_tag++); }

    // Sends one command and reads until its tagged answer; returns the untagged responses.
    // `secret` commands are never quoted in errors.
    std::vector<response> command(const std::string& text, bool secret = false) {
        const std::string t = tag();
        send(t + " " + text + "\r\n");
        return finish(t, secret ? "AUTHENTICATE/LOGIN" : text.substr(0, text.find(' ', 4)));
    }

    std::vector<response> finish(const std::string& t, const std::string& what) {
        std::vector<response> untagged;
        const auto deadline = clock_type::now() + timeout;
        while (true) {
            response r = read_response(deadline);
            if (r.text.rfind(t + " ", 0) == 0) {
                const std::string status = upper(r.text.substr(t.size() + 1, 3));
                if (status.rfind("OK", 0) != 0) {
                    fail(what + " refused: " + r.text.substr(t.size() + 1, 120));
                }
                note_capabilities(r.text);
                return untagged;
            }
            if (r.text.rfind("+", 0) == 0) {
                send("\r\n");  // a continuation we did not ask for (XOAUTH2 error): cancel
                continue;
            }
            note_capabilities(r.text);
            untagged.push_back(std::move(r));
        }
    }

    void note_capabilities(const std::string& text) {
        const std::string u = upper(text);
        auto at = u.find("CAPABILITY ");
        if (at == std::string::npos) {
            return;
        }
        at += 11;
        const auto end = u.find(']', at);
        capabilities.clear();
        std::string word;
        for (std::size_t i = at; i < (end == std::string::npos ? u.size() : end); ++i) {
            if (u[i] == ' ') {
                if (!word.empty()) {
                    capabilities.push_back(word);
                }
                word.clear();
            } else {
                word += u[i];
            }
        }
        if (!word.empty()) {
            capabilities.push_back(word);
        }
    }

    bool has(std::string_view name) const {
        return std::find(capabilities.begin(), capabilities.end(), upper(name)) !=
               capabilities.end();
    }
};

imap_session::imap_session(const imap_endpoint& endpoint, std::chrono::seconds timeout)
    : impl_(std::make_unique<impl>()) {
    impl_->endpoint = endpoint;
    impl_->timeout = timeout;
    impl_->connect();
    if (endpoint.implicit_tls) {
        impl_->start_tls();
    }
    const auto greeting = impl_->read_response(clock_type::now() + impl_->timeout);
    if (upper(greeting.text).rfind("* OK", 0) != 0) {
        impl_->fail("unexpected greeting");
    }
    impl_->note_capabilities(greeting.text);
    if (impl_->capabilities.empty()) {
        impl_->command("CAPABILITY");
    }
    if (!endpoint.implicit_tls) {
        if (!impl_->has("STARTTLS")) {
            impl_->fail("the server does not offer STARTTLS; refusing to log in without TLS");
        }
        impl_->command("STARTTLS");
        impl_->start_tls();
        impl_->capabilities.clear();
        impl_->command("CAPABILITY");
    }
}

imap_session::~imap_session() = default;

void imap_session::authenticate(const imap_credentials& c) {
    const bool xoauth2 =
        c.mechanism == "xoauth2" || (c.mechanism == "auto" && !c.xoauth2_token.empty());
    try {
        if (xoauth2) {
            const std::string initial =
                base64("user=" + c.user + "\x01" + "auth=Bearer " + c.xoauth2_token + "\x01\x01");
            if (impl_->has("SASL-IR")) {
                impl_->command("AUTHENTICATE XOAUTH2 " + initial, true);
            } else {
                const std::string t = impl_->tag();
                impl_->send(t + " AUTHENTICATE XOAUTH2\r\n");
                const auto cont = impl_->read_response(clock_type::now() + impl_->timeout);
                if (cont.text.rfind("+", 0) != 0) {
                    impl_->fail("XOAUTH2 not accepted");
                }
                impl_->send(initial + "\r\n");
                impl_->finish(t, "AUTHENTICATE/LOGIN");
            }
        } else {
            impl_->command("LOGIN " + quoted(c.user) + " " + quoted(c.password), true);
        }
    } catch (const imap_error&) {
        throw imap_error("IMAP " + impl_->endpoint.host + ": authentication failed for " + c.user);
    }
    if (impl_->capabilities.empty() || !impl_->has("IMAP4REV1")) {
        impl_->command("CAPABILITY");
    }
}

bool imap_session::has_capability(std::string_view name) const {
    return impl_->has(name);
}

std::uint32_t imap_session::select(const std::string& mailbox) {
    std::uint32_t validity = 0;
    for (const auto& r : impl_->command("SELECT " + quoted(mailbox))) {
        const std::string u = upper(r.text);
        const auto at = u.find("[UIDVALIDITY ");
        if (at != std::string::npos) {
            const char* begin = r.text.data() + at + 13;
            std::from_chars(begin, r.text.data() + r.text.size(), validity);
        }
    }
    return validity;
}

void imap_session::create_if_missing(const std::string& mailbox) {
    for (const auto& r : impl_->command("LIST \"\" " + quoted(mailbox))) {
        if (upper(r.text).rfind("* LIST", 0) == 0) {
            return;
        }
    }
    impl_->command("CREATE " + quoted(mailbox));
}

std::vector<std::uint32_t> imap_session::uid_search_all() {
    std::vector<std::uint32_t> uids;
    for (const auto& r : impl_->command("UID SEARCH ALL")) {
        if (upper(r.text).rfind("* SEARCH", 0) != 0) {
            continue;
        }
        std::size_t pos = 8;
        while (pos < r.text.size()) {
            while (pos < r.text.size() && r.text[pos] == ' ') {
                ++pos;
            }
            std::uint32_t uid = 0;
            const auto [p, ec] =
                std::from_chars(r.text.data() + pos, r.text.data() + r.text.size(), uid);
            if (ec != std::errc{}) {
                break;
            }
            uids.push_back(uid);
            pos = static_cast<std::size_t>(p - r.text.data());
        }
    }
    std::sort(uids.begin(), uids.end());
    return uids;
}

std::string imap_session::uid_fetch(std::uint32_t uid) {
    const std::string wanted = "UID " + std::to_string(uid);
    for (auto& r : impl_->command("UID FETCH " + std::to_string(uid) + " (BODY.PEEK[])")) {
        const std::string u = upper(r.text);
        if (u.find(" FETCH ") != std::string::npos && u.find(wanted + " ") != std::string::npos &&
            u.find("BODY[]") != std::string::npos && !r.literals.empty()) {
            return std::move(r.literals.back());
        }
    }
    throw imap_error("IMAP: message UID " + std::to_string(uid) + " is gone");
}

void imap_session::uid_add_flags(std::uint32_t uid, std::string_view flags) {
    impl_->command("UID STORE " + std::to_string(uid) + " +FLAGS.SILENT " + std::string(flags));
}

void imap_session::uid_move(std::uint32_t uid, const std::string& mailbox) {
    const std::string id = std::to_string(uid);
    if (impl_->has("MOVE")) {
        impl_->command("UID MOVE " + id + " " + quoted(mailbox));
        return;
    }
    impl_->command("UID COPY " + id + " " + quoted(mailbox));
    impl_->command("UID STORE " + id + " +FLAGS.SILENT (\\Deleted)");
    impl_->command(impl_->has("UIDPLUS") ? "UID EXPUNGE " + id : std::string("EXPUNGE"));
}

imap_session::idle_result imap_session::idle(std::chrono::milliseconds max_wait,
                                             const std::atomic<bool>& stop) {
    const std::string t = impl_->tag();
    impl_->send(t + " IDLE\r\n");
    const auto cont = impl_->read_response(clock_type::now() + impl_->timeout);
    if (cont.text.rfind("+", 0) != 0) {
        impl_->fail("IDLE refused");
    }
    const auto until = clock_type::now() + max_wait;
    idle_result result = idle_result::timeout;
    while (clock_type::now() < until) {
        if (stop.load()) {
            result = idle_result::stopped;
            break;
        }
        const auto tick = std::min(until, clock_type::now() + std::chrono::milliseconds{200});
        if (impl_->buffer.find("\r\n", impl_->buffer_pos) == std::string::npos &&
            !impl_->fill(tick)) {
            continue;
        }
        if (impl_->buffer.find("\r\n", impl_->buffer_pos) == std::string::npos) {
            continue;
        }
        const auto r = impl_->read_response(clock_type::now() + impl_->timeout);
        const std::string u = upper(r.text);
        if (u.rfind("* ", 0) == 0 &&
            (u.find(" EXISTS") != std::string::npos || u.find(" RECENT") != std::string::npos)) {
            result = idle_result::new_mail;
            break;
        }
    }
    impl_->send("DONE\r\n");
    impl_->finish(t, "IDLE");
    return result;
}

void imap_session::logout() noexcept {
    try {
        if (impl_->fd >= 0) {
            impl_->command("LOGOUT");
        }
    } catch (...) {
        // Closing anyway.
    }
    impl_->close();
}

}  // namespace kv::email
