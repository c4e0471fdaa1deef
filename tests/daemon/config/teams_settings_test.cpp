#include <catch2/catch.hpp>

#include <algorithm>
#include <map>

#include "daemon/config/load_settings.hpp"
#include "tests/daemon/config/temp_dir.hpp"

namespace {

using kv::daemon::load_settings;
using kv::daemon::testing::temp_dir;

kv::daemon::env_lookup env_with(std::map<std::string, std::string> vars) {
    return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
        const auto it = vars.find(name);
        return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
}

std::vector<std::string> errors_of(const std::string& toml) {
    temp_dir dir;
    const auto result = load_settings(dir.write("k.toml", toml), env_with({}));
    std::vector<std::string> out;
    for (const auto& e : result.errors) {
        out.push_back(std::to_string(e.line) + ": " + e.key + ": " + e.message);
    }
    return out;
}

constexpr const char* app = "11111111-2222-3333-4444-555555555555";
constexpr const char* tenant = "0d3e0000-1111-2222-3333-444444444444";

}  // namespace

TEST_CASE("Teams is off by default and the example file keeps it off", "[config]") {
    const auto result = load_settings(KV_SOURCE_DIR "/config/kvalitetsvakt.toml", env_with({}));
    REQUIRE(result.value);
    const auto& t = result.value->teams;
    CHECK_FALSE(t.enabled);
    CHECK(t.openid_metadata_url ==
          "https://login.botframework.com/v1/.well-known/openidconfiguration");
    CHECK(t.allowed_tenants.empty());
    CHECK(t.allowed_service_urls.empty());
    CHECK_FALSE(t.allow_plain_http);
}

TEST_CASE("every [teams] key is read, the secret from the environment", "[config]") {
    temp_dir dir;
    const std::string toml = std::string("[teams]\nenabled = true\napp_id = \"") + app +
                             "\"\napp_password_env = \"SECRET\"\ntenant_id = \"" + tenant +
                             "\"\nallowed_tenants = [\"" + tenant +
                             "\"]\nopenid_metadata_url = \"https://127.0.0.1:4443/v1/meta\"\n"
                             "token_url = \"http://127.0.0.1:4444/t/oauth2/v2.0/token\"\n"
                             "allowed_service_urls = [\"http://127.0.0.1:4445/\"]\n"
                             "ca_bundle = \"ca.pem\"\nallow_plain_http = true\n";
    const auto result = load_settings(dir.write("k.toml", toml), env_with({{"SECRET", "pw"}}));
    REQUIRE(result.errors.empty());
    const auto& t = result.value->teams;
    CHECK(t.enabled);
    CHECK(t.app_id == app);
    CHECK(t.app_password == "pw");
    CHECK(t.tenant_id == tenant);
    CHECK(t.allowed_tenants == std::vector<std::string>{tenant});
    CHECK(t.openid_metadata_url == "https://127.0.0.1:4443/v1/meta");
    CHECK(t.effective_token_url() == "http://127.0.0.1:4444/t/oauth2/v2.0/token");
    CHECK(t.allowed_service_urls == std::vector<std::string>{"http://127.0.0.1:4445/"});
    CHECK(t.ca_bundle == "ca.pem");
}

TEST_CASE("the token URL defaults to the tenant's Entra endpoint", "[config]") {
    kv::daemon::teams_settings t;
    t.tenant_id = tenant;
    CHECK(t.effective_token_url() ==
          std::string("https://login.microsoftonline.com/") + tenant + "/oauth2/v2.0/token");
}

TEST_CASE("each invalid [teams] key is reported with its line", "[config]") {
    struct row {
        std::string toml;
        std::string error;
    };
    const std::string head = "[teams]\n";
    const row rows[] = {
        {head + "enabled = true\n", "1: teams.app_id: required when teams.enabled = true"},
        {head + "enabled = \"yes\"\n", "2: teams.enabled: must be true or false"},
        {head + "enabled = true\napp_id = \"bot\"\napp_password = \"x\"\ntenant_id = \"" + tenant +
             "\"\n",
         "3: teams.app_id: must be the bot's Microsoft App ID (a GUID)"},
        {head + "enabled = true\napp_id = \"" + app + "\"\ntenant_id = \"" + tenant + "\"\n",
         "1: teams.app_password: required when teams.enabled = true (or app_password_env)"},
        {head + "enabled = true\napp_id = \"" + app + "\"\napp_password = \"x\"\n",
         "1: teams.tenant_id: required when teams.enabled = true"},
        {head + "allowed_tenants = \"" + tenant + "\"\n",
         "2: teams.allowed_tenants: must be a list of strings"},
        {head + "allowed_tenants = [\"contoso\"]\n",
         "2: teams.allowed_tenants: 'contoso' is not a tenant GUID"},
        {head + "allowed_service_urls = [3]\n",
         "2: teams.allowed_service_urls: must be a list of non-empty strings"},
        {head + "allowed_service_urls = [\"http://127.0.0.1:1/\"]\n",
         "2: teams.allowed_service_urls: 'http://127.0.0.1:1/' is not an https:// URL"},
        {head + "token_url = \"ftp://x\"\n", "2: teams.token_url: must be an https:// URL"},
        {head + "openid_metadata_url = \"http://x\"\n",
         "2: teams.openid_metadata_url: must be an https:// URL"},
        {head + "ca_bundle = \"\"\n", "2: teams.ca_bundle: must not be empty"},
        {head + "app_passwd = \"x\"\n", ""},
    };
    for (const auto& r : rows) {
        CAPTURE(r.toml);
        const auto errors = errors_of(r.toml);
        REQUIRE(!errors.empty());
        if (!r.error.empty()) {
            CHECK(std::find(errors.begin(), errors.end(), r.error) != errors.end());
        } else {
            CHECK(errors[0].find("2: teams.app_passwd:") == 0);
        }
    }
}
