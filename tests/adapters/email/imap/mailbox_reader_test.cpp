#include "adapters/email/imap/mailbox_reader.hpp"

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>
#include <vector>

#include "tests/adapters/email/fixture_files.hpp"
#include "tests/servers/dovecot_server.hpp"

using namespace kv::email;
using kv::email::test::read_fixture;
using kv::test::dovecot_server;

namespace {

mailbox_reader_options options_for(const dovecot_server& server, bool implicit_tls,
                                   const std::string& mechanism = "login") {
    mailbox_reader_options o;
    o.endpoint = {"127.0.0.1", implicit_tls ? server.imaps_port() : server.port(), implicit_tls,
                  server.ca_file()};
    o.credentials = {dovecot_server::user, dovecot_server::password, dovecot_server::token,
                     mechanism};
    o.timeout = std::chrono::seconds{10};
    return o;
}

std::string lf(std::string s) {
    std::string out;
    for (char c : s) {
        if (c != '\r') {
            out += c;
        }
    }
    return out;
}

}  // namespace

TEST_CASE("IMAP URLs name TLS mode, host and port", "[email]") {
    const auto s = parse_imap_url("imaps://outlook.office365.com");
    REQUIRE(s);
    CHECK(s->host == "outlook.office365.com");
    CHECK(s->port == 993);
    CHECK(s->implicit_tls);
    const auto p = parse_imap_url("imap://127.0.0.1:1143/", "/ca.pem");
    REQUIRE(p);
    CHECK(p->port == 1143);
    CHECK_FALSE(p->implicit_tls);
    CHECK(p->ca_file == "/ca.pem");
    CHECK_FALSE(parse_imap_url("http://x"));
    CHECK_FALSE(parse_imap_url("imap://x:99999"));
    CHECK_FALSE(parse_imap_url("imap://user@x"));
    CHECK_FALSE(parse_imap_url("imaps://"));
}

TEST_CASE("messages are fetched whole and filed as processed or failed on a real Dovecot",
          "[email]") {
    dovecot_server server;
    const std::vector<std::string> names{"reply-gmail-nb.eml", "bounce-dsn.eml",
                                         "report-with-attachment-iphone.eml"};
    for (const auto& n : names) {
        server.deliver(read_fixture(n));
    }
    std::vector<std::string> seen;
    mailbox_reader reader(options_for(server, false), [&](const std::string& raw) {
        seen.push_back(raw);
        return raw.find("multipart/report") != std::string::npos
                   ? handled_message{message_verdict::failed, "a report"}
                   : handled_message{message_verdict::processed, ""};
    });
    CHECK(reader.run_once() == 3);
    REQUIRE(seen.size() == 3);
    for (std::size_t i = 0; i < names.size(); ++i) {
        CAPTURE(names[i]);
        CHECK(lf(seen[i]) == lf(read_fixture(names[i])));
    }
    CHECK(server.count("INBOX") == 0);
    CHECK(server.count("Behandlet") == 2);
    CHECK(server.count("Feilet") == 1);
    CHECK(reader.run_once() == 0);  // nothing is handled twice
}

TEST_CASE("a message the handler cannot take now stays for the next round", "[email]") {
    dovecot_server server;
    server.deliver(read_fixture("reply-owa-nb.eml"));
    int calls = 0;
    mailbox_reader reader(options_for(server, true), [&](const std::string&) -> handled_message {
        if (++calls == 1) {
            throw std::runtime_error("database is locked");
        }
        return {message_verdict::processed, ""};
    });
    CHECK(reader.run_once() == 1);
    CHECK(server.count("INBOX") == 1);
    CHECK(reader.run_once() == 1);
    CHECK(server.count("INBOX") == 0);
    CHECK(server.count("Behandlet") == 1);
}

TEST_CASE("logins: LOGIN after STARTTLS, XOAUTH2 over implicit TLS, wrong secrets refused",
          "[email]") {
    dovecot_server server;
    server.deliver(read_fixture("reply-owa-en.eml"));
    auto count = [](const mailbox_reader_options& o) {
        mailbox_reader r(o, [](const std::string&) {
            return handled_message{message_verdict::retry_later, "counting only"};
        });
        return r.run_once();
    };
    CHECK(count(options_for(server, false, "login")) == 1);
    CHECK(count(options_for(server, true, "xoauth2")) == 1);
    CHECK(count(options_for(server, false, "auto")) == 1);  // token set: XOAUTH2

    auto wrong = options_for(server, true, "login");
    wrong.credentials.password = "not-the-password";
    CHECK_THROWS_WITH(count(wrong), "IMAP 127.0.0.1: authentication failed for bot@example.test");
    auto expired = options_for(server, false, "xoauth2");
    expired.credentials.xoauth2_token = "expired-token";
    CHECK_THROWS_WITH(count(expired), "IMAP 127.0.0.1: authentication failed for bot@example.test");
    auto untrusted = options_for(server, true);
    untrusted.endpoint.ca_file.clear();  // the system's CAs do not know the test certificate
    CHECK_THROWS_WITH(count(untrusted), Catch::Contains("server certificate not trusted"));
}

TEST_CASE("IDLE wakes the reader when mail arrives, long before the poll interval", "[email]") {
    dovecot_server server;
    auto o = options_for(server, false);
    o.poll_interval = std::chrono::seconds{600};
    std::atomic<int> handled{0};
    mailbox_reader reader(o, [&](const std::string&) {
        ++handled;
        return handled_message{message_verdict::processed, ""};
    });
    std::thread worker([&] { reader.run(); });
    const auto wait_for = [](auto done, std::chrono::seconds limit) {
        const auto until = std::chrono::steady_clock::now() + limit;
        while (!done() && std::chrono::steady_clock::now() < until) {
            std::this_thread::sleep_for(std::chrono::milliseconds{20});
        }
        return done();
    };
    REQUIRE(wait_for([&] { return reader.rounds() >= 1; }, std::chrono::seconds{20}));
    std::this_thread::sleep_for(std::chrono::milliseconds{300});  // now idling
    const auto delivered = std::chrono::steady_clock::now();
    server.deliver(read_fixture("reply-thunderbird-nb.eml"));
    const bool woke = wait_for([&] { return handled.load() == 1; }, std::chrono::seconds{20});
    const auto took = std::chrono::steady_clock::now() - delivered;
    reader.request_stop();
    worker.join();
    REQUIRE(woke);
    CHECK(took < std::chrono::seconds{10});
    CHECK(reader.idle_wakeups() >= 1);
    CHECK(server.count("Behandlet") == 1);
}

TEST_CASE("IMAP logs in with the token the token file holds when it connects", "[email]") {
    dovecot_server server;
    server.deliver(read_fixture("reply-gmail-nb.eml"));
    const auto token_path = std::filesystem::path(server.ca_file()).parent_path() / "kv-token";
    auto o = options_for(server, true, "xoauth2");
    o.credentials.xoauth2_token.clear();
    o.xoauth2_token_file = token_path;
    std::size_t handled = 0;
    mailbox_reader reader(o, [&](const std::string&) {
        ++handled;
        return handled_message{message_verdict::processed, ""};
    });
    CHECK_THROWS_WITH(reader.run_once(), "XOAUTH2 token file " + token_path.string() +
                                             ": cannot be read (missing or no permission)");
    std::ofstream(token_path) << "expired-token\n";
    CHECK_THROWS(reader.run_once());
    std::ofstream(token_path) << std::string(dovecot_server::token) << "\n";
    CHECK(reader.run_once() == 1);
    CHECK(handled == 1);
    CHECK(server.count("Behandlet") == 1);
}

TEST_CASE("a reader idling on IMAP connects again when the token file gets a new token",
          "[email]") {
    dovecot_server server;
    const auto token_path = std::filesystem::path(server.ca_file()).parent_path() / "kv-token";
    std::ofstream(token_path) << std::string(dovecot_server::token) << "\n";
    auto o = options_for(server, false, "xoauth2");
    o.credentials.xoauth2_token.clear();
    o.xoauth2_token_file = token_path;
    o.poll_interval = std::chrono::seconds{1};
    std::mutex m;
    std::vector<std::string> lines;
    o.log = [&](const std::string& line) {
        const std::lock_guard lock{m};
        lines.push_back(line);
    };
    const auto logged = [&](const std::string& part) {
        const std::lock_guard lock{m};
        return std::count_if(lines.begin(), lines.end(), [&](const std::string& l) {
            return l.find(part) != std::string::npos;
        });
    };
    const auto wait_for = [](auto done) {
        const auto until = std::chrono::steady_clock::now() + std::chrono::seconds{30};
        while (!done() && std::chrono::steady_clock::now() < until) {
            std::this_thread::sleep_for(std::chrono::milliseconds{20});
        }
        return done();
    };
    std::atomic<int> handled{0};
    mailbox_reader reader(o, [&](const std::string&) {
        ++handled;
        return handled_message{message_verdict::processed, ""};
    });
    std::thread worker([&] { reader.run(); });

    const bool connected = wait_for([&] { return logged("reading INBOX") == 1; });
    // The helper replaces the token with one the server refuses (an expired one, here).
    std::ofstream(token_path) << "expired-token\n";
    const bool refused = wait_for([&] { return logged("authentication failed") >= 1; });
    std::ofstream(token_path) << std::string(dovecot_server::token) << "\n";
    const bool back = wait_for([&] { return logged("reading INBOX") >= 2; });
    server.deliver(read_fixture("reply-thunderbird-nb.eml"));
    const bool read = wait_for([&] { return handled.load() == 1; });
    reader.request_stop();
    worker.join();
    CHECK(connected);
    CHECK(logged("XOAUTH2 token file changed: connecting again with the new token") >= 1);
    CHECK(refused);
    CHECK(back);
    CHECK(read);
    CHECK(logged("expired-token") == 0);
    CHECK(logged(dovecot_server::token) == 0);
}
