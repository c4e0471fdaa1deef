#pragma once
// The settings of the Teams adapter's parts (HTTP, token cache, connector, authenticator), read
// from the [teams] configuration. Header-only so the delivery library and serve share them.

#include "adapters/teams/auth/channel_auth.hpp"
#include "adapters/teams/connector/connector_client.hpp"
#include "daemon/config/settings.hpp"
#include "daemon/http/http_client.hpp"

namespace kv::daemon {

inline teams::token_settings teams_token_settings(const teams_settings& cfg) {
    teams::token_settings t;
    t.token_url = cfg.effective_token_url();
    t.app_id = cfg.app_id;
    t.app_password = cfg.app_password;
    return t;
}

inline teams::connector_settings teams_connector_settings(const teams_settings& cfg) {
    teams::connector_settings c;
    c.bot_id = "28:" + cfg.app_id;
    if (!cfg.allowed_service_urls.empty()) {
        c.allowed_service_urls = cfg.allowed_service_urls;
    }
    return c;
}

inline http_client_settings teams_http_settings(const teams_settings& cfg) {
    http_client_settings h;
    h.ca_file = cfg.ca_bundle.string();
    h.allow_plain_http = cfg.allow_plain_http;
    return h;
}

inline teams::channel_auth_settings teams_auth_settings(const teams_settings& cfg) {
    teams::channel_auth_settings s;
    s.app_id = cfg.app_id;
    s.openid_metadata_url = cfg.openid_metadata_url;
    return s;
}

}  // namespace kv::daemon
