#pragma once
// Authentication of inbound Bot Connector requests (reference sections 2.3, 2.4, 2.5, 2.7).

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "adapters/teams/auth/verified_signatures.hpp"
#include "adapters/teams/http_transport.hpp"

namespace kv::teams {

class openid_key_cache;

struct channel_auth_settings {
    std::string app_id;  // aud must equal this
    std::string openid_metadata_url =
        "https://login.botframework.com/v1/.well-known/openidconfiguration";
    std::chrono::hours key_refresh{24};
    bool allow_emulator_tokens = false;  // dev only; section 2.5
    // Only with allow_emulator_tokens: where emulator/bot-to-bot signing keys are published,
    // and the tenant whose single-tenant issuers are accepted too (empty: none).
    std::string emulator_openid_metadata_url =
        "https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration";
    std::string emulator_tenant_id;
};

struct auth_result {
    bool ok = false;
    std::string reason;  // for the log only (never sent to the caller): e.g. "R9 expired"
};

// Thread-safe. Validates a Bot Connector channel token exactly as reference section 2.3/2.4/2.7
// (plus our stricter rules: `exp` required, a non-blank activity serviceUrl and channelId
// required). Fetches OpenID metadata/JWKS through `transport` (cached, single flight, last good
// keys kept when a refresh fails). `now` is injectable for tests.
// The transport must outlive the authenticator. authenticate() never throws; it blocks while a
// key refresh it needs is in progress (bounded by the transport's timeouts).
class channel_authenticator {
  public:
    channel_authenticator(channel_auth_settings s, http_transport& transport,
                          std::function<std::chrono::system_clock::time_point()> now =
                              std::chrono::system_clock::now);
    ~channel_authenticator();
    channel_authenticator(const channel_authenticator&) = delete;
    channel_authenticator& operator=(const channel_authenticator&) = delete;

    // ok only when the Authorization header value carries a valid channel token for this bot
    // and this activity's serviceUrl and channelId; otherwise reason names the rejection row.
    auth_result authenticate(std::string_view authorization_header,
                             std::string_view activity_service_url,
                             std::string_view activity_channel_id);

  private:
    const channel_auth_settings settings_;
    const std::function<std::chrono::system_clock::time_point()> now_;
    std::unique_ptr<openid_key_cache> channel_keys_;
    std::unique_ptr<openid_key_cache> emulator_keys_;  // only when emulator tokens are allowed
    verified_signatures signatures_;
};

}  // namespace kv::teams
