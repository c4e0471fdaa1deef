#pragma once
// A channel_authenticator wired to in-memory OpenID metadata and JWKS, with a settable clock,
// and a builder for channel tokens that tests change one claim at a time.

#include <chrono>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "adapters/teams/auth/channel_auth.hpp"
#include "tests/adapters/teams/auth/test_tokens.hpp"

namespace kv::test {

struct auth_fixture {
    static constexpr const char* app_id = "11111111-2222-3333-4444-555555555555";
    static constexpr const char* metadata_url =
        "https://login.test/v1/.well-known/openidconfiguration";
    static constexpr const char* jwks_url = "https://login.test/v1/.well-known/keys";
    static constexpr const char* service_url = "https://smba.trafficmanager.net/emea/";

    memory_transport net;
    std::chrono::system_clock::time_point now{std::chrono::seconds{1'750'000'000}};
    teams::channel_auth_settings settings = default_settings();
    std::unique_ptr<teams::channel_authenticator> auth;

    auth_fixture() {
        net.serve_json(metadata_url, {{"issuer", "https://api.botframework.com"},
                                      {"authorization_endpoint", "https://invalid.example"},
                                      {"jwks_uri", jwks_url},
                                      {"id_token_signing_alg_values_supported", {"RS256"}}});
        publish({key_one().jwk("k1")});
    }

    static teams::channel_auth_settings default_settings() {
        teams::channel_auth_settings s;
        s.app_id = app_id;
        s.openid_metadata_url = metadata_url;
        return s;
    }

    void publish(const std::vector<nlohmann::json>& keys) {
        net.serve_json(jwks_url, {{"keys", keys}});
    }

    std::int64_t epoch() const {
        return std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
    }

    nlohmann::json header(const std::string& kid = "k1", const std::string& alg = "RS256") const {
        return {{"typ", "JWT"}, {"alg", alg}, {"kid", kid}, {"x5t", kid}};
    }

    nlohmann::json claims() const {
        return {{"iss", "https://api.botframework.com"},
                {"aud", app_id},
                {"serviceurl", service_url},
                {"nbf", epoch() - 5},
                {"exp", epoch() + 3600}};
    }

    std::string token(const nlohmann::json& payload, const test_rsa_key& key = key_one()) const {
        return signed_token(key, header(), payload);
    }
    std::string token() const { return token(claims()); }

    teams::auth_result check(const std::string& authorization,
                             const std::string& activity_service_url = service_url,
                             const std::string& channel_id = "msteams") {
        if (!auth) {
            auth = std::make_unique<teams::channel_authenticator>(settings, net,
                                                                  [this] { return now; });
        }
        return auth->authenticate(authorization, activity_service_url, channel_id);
    }
    teams::auth_result check_token(const std::string& jwt) { return check("Bearer " + jwt); }

    int metadata_fetches() const { return net.calls(metadata_url); }
};

// Catch2 matcher-free helper: the row label that the reason starts with.
inline bool rejected_as(const teams::auth_result& r, const std::string& row) {
    return !r.ok && r.reason.rfind(row + " ", 0) == 0;
}

}  // namespace kv::test
