#include "daemon/http/http_client.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/daemon/http/teams_emulator.hpp"

using kv::daemon::http_client;
using kv::daemon::http_client_settings;
using kv::daemon::testing::teams_emulator;
using kv::teams::http_call;

namespace {

http_client_settings trusting(const teams_emulator& emu) {
    http_client_settings s;
    s.ca_file = emu.get("ca_file");
    return s;
}

http_call get(std::string url, std::chrono::milliseconds timeout = std::chrono::seconds{10}) {
    http_call c;
    c.method = "GET";
    c.url = std::move(url);
    c.timeout = timeout;
    return c;
}

}  // namespace

TEST_CASE("an HTTPS call to a server signed by the configured CA gets the server's answer",
          "[http][client]") {
    teams_emulator emu;
    http_client client{trusting(emu)};
    for (int i = 0; i < 3; ++i) {  // the later calls reuse the kept-alive connection
        const auto reply = client.call(get(emu.get("openid_metadata_url")));
        REQUIRE(reply.status == 200);
        CHECK(reply.error.empty());
        CHECK(reply.header("content-type") == "application/json; charset=utf-8");
        CHECK(nlohmann::json::parse(reply.body).at("jwks_uri") == emu.get("jwks_url"));
    }
    const auto stats = emu.control("/control/reset");
    CHECK(stats.at("ok") == true);

    http_call token;
    token.method = "POST";
    token.url = emu.get("token_url");
    token.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
    token.body = "grant_type=client_credentials&client_id=" + emu.get("app_id") +
                 "&client_secret=" + emu.get("app_password") +
                 "&scope=https%3A%2F%2Fapi.botframework.com%2F.default";
    const auto reply = client.call(token);
    REQUIRE(reply.status == 200);
    CHECK(nlohmann::json::parse(reply.body).at("token_type") == "Bearer");

    token.body = "grant_type=client_credentials&client_id=x&client_secret=y";
    CHECK(client.call(token).status == 400);  // an HTTP error is a reply, not a failure
}

TEST_CASE("a server certificate from a CA the client does not trust is refused", "[http][client]") {
    teams_emulator emu;
    http_client system_store{};  // the system's CAs do not include the emulator's test CA
    const auto reply = system_store.call(get(emu.get("openid_metadata_url")));
    CHECK(reply.status == 0);
    CHECK(reply.error.find("certificate verify failed") != std::string::npos);
    CHECK(reply.body.empty());
}

TEST_CASE("a CA file that cannot be read stops the client from being built", "[http][client]") {
    http_client_settings s;
    s.ca_file = "/nonexistent/ca.pem";
    CHECK_THROWS_AS(http_client{s}, std::runtime_error);
}

TEST_CASE("the host name is checked against the certificate", "[http][client]") {
    teams_emulator emu;
    http_client client{trusting(emu)};
    // The certificate names localhost and 127.0.0.1; the same server under another name fails.
    std::string by_name = emu.get("openid_metadata_url");
    by_name.replace(by_name.find("127.0.0.1"), 9, "localhost");
    CHECK(client.call(get(by_name)).status == 200);
    std::string other = emu.get("openid_metadata_url");
    other.replace(other.find("127.0.0.1"), 9, "127.0.0.2");  // loopback, not in the certificate
    const auto reply = client.call(get(other));
    CHECK(reply.status == 0);
}

TEST_CASE("a server that does not answer in time fails the call with a timeout", "[http][client]") {
    teams_emulator emu;
    emu.control("/control/identity/fault", {{"target", "metadata"}, {"mode", "hang"}});
    http_client client{trusting(emu)};
    const auto started = std::chrono::steady_clock::now();
    const auto reply =
        client.call(get(emu.get("openid_metadata_url"), std::chrono::milliseconds{300}));
    const auto took = std::chrono::steady_clock::now() - started;
    CHECK(reply.status == 0);
    CHECK(reply.error == "timeout");
    CHECK(took >= std::chrono::milliseconds{300});
    CHECK(took < std::chrono::seconds{3});
    // The client is still usable afterwards.
    CHECK(client.call(get(emu.get("jwks_url"))).status == 200);
}

TEST_CASE("a refused connection fails the call at once", "[http][client]") {
    http_client client{};
    const auto started = std::chrono::steady_clock::now();
    const auto reply = client.call(get("https://127.0.0.1:1/"));
    CHECK(reply.status == 0);
    CHECK(reply.error == "Connection refused");
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds{2});
}

TEST_CASE("plain http is called only when allowed, and bad URLs are refused", "[http][client]") {
    teams_emulator emu;
    const std::string plain = emu.get("http_base") + "/v1/.well-known/keys";
    http_client strict{trusting(emu)};
    CHECK(strict.call(get(plain)).error == "plain http is not allowed");
    http_client_settings s = trusting(emu);
    s.allow_plain_http = true;
    http_client loose{s};
    CHECK(loose.call(get(plain)).status == 200);
    for (const char* bad : {"ftp://x/", "https://", "https://host:99999/", "no-scheme"}) {
        CAPTURE(bad);
        CHECK(loose.call(get(bad)).error == "bad URL");
    }
}
