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

std::vector<std::string> texts(const kv::daemon::settings_result& r) {
    std::vector<std::string> out;
    for (const auto& e : r.errors) {
        out.push_back(std::to_string(e.line) + ": " + e.key + ": " + e.message);
    }
    return out;
}

}  // namespace

TEST_CASE("without [email] mail goes to .eml files and has no links", "[config]") {
    temp_dir dir;
    const auto r = load_settings(dir.write("kv.toml", ""), env_of({}));
    REQUIRE(r.value);
    const auto& e = r.value->email;
    CHECK(e.smtp_url.empty());
    CHECK(e.link_secret.empty());
    CHECK(e.outbox_dir == "var/mail/outbox");
    CHECK(e.link_lifetime_days == 14);
    CHECK(e.from_address == "kvalitetsvakt@eksempel.kommune.no");
}

TEST_CASE("every [email] key is read, secrets from the environment", "[config]") {
    temp_dir dir;
    const auto r = load_settings(
        dir.write("kv.toml", R"([email]
smtp_url = "smtps://smtp.eksempel.no:465/kv.eksempel.no"
smtp_ca_file = "/etc/kv/ca.pem"
smtp_user = "kv@eksempel.no"
smtp_password_env = "PW"
smtp_xoauth2_token_env = "TOKEN"
smtp_auth = "xoauth2"
from_address = "KV@Eksempel.no"
from_name = "Kvalitetsvakt Ålesund"
reply_address = "svar@eksempel.no"
deviation_address = "avvik@eksempel.no"
link_secret_env = "SECRET"
public_base_url = "https://kv.eksempel.no/app"
link_lifetime_days = 7
outbox_dir = "/tmp/outbox"
)"),
        env_of({{"PW", "hemmelig"}, {"TOKEN", "tok"}, {"SECRET", std::string(40, 's')}}));
    REQUIRE(texts(r).empty());
    const auto& e = r.value->email;
    CHECK(e.smtp_url == "smtps://smtp.eksempel.no:465/kv.eksempel.no");
    CHECK(e.smtp_ca_file == "/etc/kv/ca.pem");
    CHECK(e.smtp_user == "kv@eksempel.no");
    CHECK(e.smtp_password == "hemmelig");
    CHECK(e.smtp_xoauth2_token == "tok");
    CHECK(e.smtp_auth == "xoauth2");
    CHECK(e.from_address == "kv@eksempel.no");
    CHECK(e.from_name == "Kvalitetsvakt Ålesund");
    CHECK(e.reply_address == "svar@eksempel.no");
    CHECK(e.deviation_address == "avvik@eksempel.no");
    CHECK(e.link_secret == std::string(40, 's'));
    CHECK(e.public_base_url == "https://kv.eksempel.no/app");
    CHECK(e.link_lifetime_days == 7);
    CHECK(e.outbox_dir == "/tmp/outbox");
}

TEST_CASE("each invalid [email] key is reported with its line, key and reason", "[config]") {
    struct row {
        std::string toml;
        std::string error;
    };
    const row rows[] = {
        {"[email]\nsmtp_url = \"http://x\"\n",
         "2: email.smtp_url: must start with smtp:// (STARTTLS) or smtps:// (implicit TLS)"},
        {"[email]\nsmtp_auth = \"cram-md5\"\n",
         R"(2: email.smtp_auth: must be one of "auto", "plain", "login", "xoauth2")"},
        {"[email]\nsmtp_auth = \"xoauth2\"\n",
         "2: email.smtp_auth: \"xoauth2\" needs oauth2_token_file or smtp_xoauth2_token (or "
         "smtp_xoauth2_token_env)"},
        {"[email]\nfrom_address = \"kvalitetsvakt\"\n",
         "2: email.from_address: 'kvalitetsvakt' is not an email address"},
        {"[email]\nreply_address = \"a b@c.no\"\n",
         "2: email.reply_address: 'a b@c.no' is not an email address"},
        {"[email]\ndeviation_address = 5\n", "2: email.deviation_address: must be a string"},
        {"[email]\nlink_secret = \"short\"\n",
         "2: email.link_secret: must be at least 32 characters (or empty: no links)"},
        {"[email]\npublic_base_url = \"https://kv.no/\"\n",
         "2: email.public_base_url: must be an http:// or https:// URL without a trailing '/', "
         "query or fragment"},
        {"[email]\npublic_base_url = \"kv.no\"\n",
         "2: email.public_base_url: must be an http:// or https:// URL without a trailing '/', "
         "query or fragment"},
        {"[email]\nlink_lifetime_days = 0\n", "2: email.link_lifetime_days: must be 1..90"},
        {"[email]\noutbox_dir = \"\"\n", "2: email.outbox_dir: must not be empty"},
        {"[email]\nsmtp_pasword = \"x\"\n",
         "2: email.smtp_pasword: unknown key; did you mean 'smtp_password'?"},
    };
    for (const auto& r : rows) {
        CAPTURE(r.toml);
        temp_dir dir;
        const auto result = load_settings(dir.write("kv.toml", r.toml), env_of({}));
        CHECK_FALSE(result.value);
        CHECK(texts(result) == std::vector<std::string>{r.error});
    }
}

TEST_CASE("XOAUTH2 may take its token from a file, for SMTP and IMAP alike", "[config]") {
    temp_dir dir;
    const auto r = load_settings(dir.write("kv.toml",
                                           "[email]\nsmtp_auth = \"xoauth2\"\n"
                                           "imap_auth = \"xoauth2\"\n"
                                           "oauth2_token_file = \"/run/kv/token\"\n"),
                                 env_of({}));
    CAPTURE(texts(r));
    REQUIRE(r.value);
    CHECK(r.value->email.oauth2_token_file == "/run/kv/token");
}
