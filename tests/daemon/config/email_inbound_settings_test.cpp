#include <catch2/catch.hpp>

#include <map>

#include "daemon/config/load_settings.hpp"
#include "tests/daemon/config/temp_dir.hpp"

namespace {

using kv::daemon::load_settings;
using kv::daemon::testing::temp_dir;

kv::daemon::env_lookup env_of(std::map<std::string, std::string> vars) {
    return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
        const auto it = vars.find(name);
        return it == vars.end() ? std::nullopt : std::optional<std::string>{it->second};
    };
}

}  // namespace

TEST_CASE("without inbound keys no mailbox is read and no sender is trusted", "[config]") {
    temp_dir dir;
    const auto r = load_settings(dir.write("kv.toml", ""), env_of({}));
    REQUIRE(r.value);
    const auto& e = r.value->email;
    CHECK(e.imap_url.empty());
    CHECK(e.trusted_authserv_id.empty());
    CHECK_FALSE(e.trust_m365_internal);
    CHECK(e.max_message_bytes == 10 * 1024 * 1024);
    CHECK(e.imap_processed_folder == "Behandlet");
    CHECK(e.imap_failed_folder == "Feilet");
    CHECK(e.imap_poll_seconds == 60);
    CHECK(e.answers_per_hour == 20);
}

TEST_CASE("every inbound [email] key is read, secrets from the environment", "[config]") {
    temp_dir dir;
    const auto r = load_settings(dir.write("kv.toml", R"([email]
imap_url = "imap://127.0.0.1:1143"
imap_ca_file = "/etc/kv/ca.pem"
imap_user = "bot@example.test"
imap_password_env = "PW"
imap_xoauth2_token_env = "TOKEN"
imap_auth = "xoauth2"
imap_folder = "Innboks"
imap_processed_folder = "Ferdig"
imap_failed_folder = "Feil"
imap_poll_seconds = 5
trusted_authserv_id = "mx.eksempel.no"
trust_m365_internal = true
max_message_bytes = 2048
answers_per_hour = 0
)"),
                                 env_of({{"PW", "secret"}, {"TOKEN", "tok"}}));
    REQUIRE(r.value);
    const auto& e = r.value->email;
    CHECK(e.imap_url == "imap://127.0.0.1:1143");
    CHECK(e.imap_ca_file == "/etc/kv/ca.pem");
    CHECK(e.imap_user == "bot@example.test");
    CHECK(e.imap_password == "secret");
    CHECK(e.imap_xoauth2_token == "tok");
    CHECK(e.imap_auth == "xoauth2");
    CHECK(e.imap_folder == "Innboks");
    CHECK(e.imap_processed_folder == "Ferdig");
    CHECK(e.imap_failed_folder == "Feil");
    CHECK(e.imap_poll_seconds == 5);
    CHECK(e.trusted_authserv_id == "mx.eksempel.no");
    CHECK(e.trust_m365_internal);
    CHECK(e.max_message_bytes == 2048);
    CHECK(e.answers_per_hour == 0);
}

TEST_CASE("each invalid inbound key is reported once with its reason", "[config]") {
    struct row {
        const char* line;
        const char* error;
    };
    const row rows[] = {
        {"imap_url = \"http://x\"",
         "2: email.imap_url: must start with imap:// (STARTTLS) or imaps:// (implicit TLS)"},
        {"imap_auth = \"xoauth2\"",
         "2: email.imap_auth: \"xoauth2\" needs oauth2_token_file or imap_xoauth2_token (or "
         "imap_xoauth2_token_env)"},
        {"imap_processed_folder = \"\"", "2: email.imap_processed_folder: must not be empty"},
        {"imap_poll_seconds = 1", ""},
        {"max_message_bytes = 10", ""},
        {"answers_per_hour = -1", ""},
        {"trust_m365_internal = \"yes\"", ""},
    };
    for (const auto& r : rows) {
        CAPTURE(r.line);
        temp_dir dir;
        const auto result = load_settings(
            dir.write("kv.toml", std::string("[email]\n") + r.line + "\n"), env_of({}));
        CHECK_FALSE(result.value);
        REQUIRE(result.errors.size() == 1);
        const auto& e = result.errors[0];
        const std::string text = std::to_string(e.line) + ": " + e.key + ": " + e.message;
        if (*r.error != '\0') {
            CHECK(text == r.error);
        } else {
            CHECK(e.line == 2);
        }
    }
}
