#include "daemon/config/load_settings.hpp"

#include <catch2/catch.hpp>

#include <map>

#include "tests/daemon/config/error_texts.hpp"
#include "tests/daemon/config/temp_dir.hpp"

namespace {

using kv::daemon::config_error;
using kv::daemon::load_settings;
using kv::daemon::testing::temp_dir;
using kv::daemon::testing::texts;

// A lookup over a fixed map, so tests never touch the process environment.
kv::daemon::env_lookup fake_env(std::map<std::string, std::string> vars) {
    return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
        auto it = vars.find(name);
        if (it == vars.end()) {
            return std::nullopt;
        }
        return it->second;
    };
}

}  // namespace

TEST_CASE("a config error names file, line and key", "[config]") {
    struct row {
        config_error error;
        std::string text;
    };
    const row rows[] = {
        {{"config/kvalitetsvakt.toml", 12, "http.port", "must be 0..65535"},
         "config/kvalitetsvakt.toml:12: http.port: must be 0..65535"},
        {{"config/kvalitetsvakt.toml", 0, "", "cannot read"},
         "config/kvalitetsvakt.toml: cannot read"},
        {{"organisation.toml", 3, "", "Error while parsing"},
         "organisation.toml:3: Error while parsing"},
    };
    for (const auto& r : rows) {
        CAPTURE(r.text);
        CHECK(r.error.to_string() == r.text);
    }
}

TEST_CASE("the demo configuration loads with every key at its default", "[config]") {
    const std::filesystem::path file = KV_SOURCE_DIR "/config/kvalitetsvakt.toml";
    const auto result = load_settings(file, fake_env({}));
    CHECK(texts(result.errors).empty());
    REQUIRE(result.value);
    const auto& s = *result.value;
    const kv::daemon::settings defaults;
    CHECK(s.config_file == file);
    CHECK(s.organisation_file == file.parent_path() / "organisation.toml");
    CHECK(s.log_level == defaults.log_level);
    CHECK(s.store.database == defaults.store.database);
    CHECK(s.store.synchronous_full == defaults.store.synchronous_full);
    CHECK(s.store.busy_timeout_ms == defaults.store.busy_timeout_ms);
    CHECK(s.http.listen == defaults.http.listen);
    CHECK(s.http.port == defaults.http.port);
    CHECK(s.http.body_limit == defaults.http.body_limit);
    CHECK(s.delivery.max_attempts == defaults.delivery.max_attempts);
    CHECK(s.delivery.retry_base_seconds == defaults.delivery.retry_base_seconds);
    CHECK(s.delivery.retry_max_seconds == defaults.delivery.retry_max_seconds);
    CHECK(s.bot.case_prefix == defaults.bot.case_prefix);
    CHECK(s.bot.risk.yellow_from == defaults.bot.risk.yellow_from);
    CHECK(s.bot.risk.red_from == defaults.bot.risk.red_from);
    CHECK(s.bot.serious.cat == defaults.bot.serious.cat);
    CHECK(s.bot.serious.min_consequence == defaults.bot.serious.min_consequence);
    CHECK(s.bot.max_message_chars == defaults.bot.max_message_chars);
}

TEST_CASE("an empty configuration file gives the defaults", "[config]") {
    temp_dir dir;
    const auto result = load_settings(dir.write("kvalitetsvakt.toml", ""), fake_env({}));
    REQUIRE(result.value);
    CHECK(result.value->http.port == 8080);
    CHECK(result.value->organisation_file == dir.path() / "organisation.toml");
}

TEST_CASE("every key is read into the settings", "[config]") {
    temp_dir dir;
    const auto file = dir.write("kvalitetsvakt.toml", R"([general]
organisation = "org/kommune.toml"
log_level = "debug"
[store]
database = "data/kv.db"
synchronous = "normal"
busy_timeout_ms = 250
[http]
listen = "::1"
port = 0
body_limit = 4096
[delivery]
max_attempts = 3
retry_base_seconds = 5
retry_max_seconds = 60
[deviations]
case_prefix = "KV"
risk_yellow_from = 4
risk_red_from = 12
serious_category = "hms"
serious_min_consequence = 3
max_message_chars = 2000
)");
    const auto result = load_settings(file, fake_env({}));
    CHECK(texts(result.errors).empty());
    REQUIRE(result.value);
    const auto& s = *result.value;
    CHECK(s.organisation_file == dir.path() / "org/kommune.toml");
    CHECK(s.log_level == "debug");
    CHECK(s.store.database == "data/kv.db");
    CHECK_FALSE(s.store.synchronous_full);
    CHECK(s.store.busy_timeout_ms == 250);
    CHECK(s.http.listen == "::1");
    CHECK(s.http.port == 0);
    CHECK(s.http.body_limit == 4096);
    CHECK(s.delivery.max_attempts == 3);
    CHECK(s.delivery.retry_base_seconds == 5);
    CHECK(s.delivery.retry_max_seconds == 60);
    CHECK(s.bot.case_prefix == "KV");
    CHECK(s.bot.risk.yellow_from == 4);
    CHECK(s.bot.risk.red_from == 12);
    CHECK(s.bot.serious.cat == kv::bot::category::hms);
    CHECK(s.bot.serious.min_consequence == 3);
    CHECK(s.bot.max_message_chars == 2000);
}

TEST_CASE("an absolute organisation path is kept as written", "[config]") {
    temp_dir dir;
    const auto result = load_settings(
        dir.write("kvalitetsvakt.toml", "[general]\norganisation = \"/etc/kv/org.toml\"\n"),
        fake_env({}));
    REQUIRE(result.value);
    CHECK(result.value->organisation_file == "/etc/kv/org.toml");
}

TEST_CASE("each invalid key is reported with its line, key and reason", "[config]") {
    struct row {
        std::string toml;
        std::string error;  // "line: key: message"
    };
    const row rows[] = {
        {"[general]\norganisation = \"\"\n", "2: general.organisation: must not be empty"},
        {"[general]\nlog_level = \"verbose\"\n",
         R"(2: general.log_level: must be one of "debug", "info", "warn", "error")"},
        {"[general]\nlog_level = 3\n", "2: general.log_level: must be a string"},
        {"[store]\ndatabase = 5\n", "2: store.database: must be a string"},
        {"[store]\ndatabase = \"\"\n", "2: store.database: must not be empty"},
        {"[store]\nsynchronous = \"off\"\n",
         R"(2: store.synchronous: must be one of "full", "normal")"},
        {"[store]\nbusy_timeout_ms = -1\n", "2: store.busy_timeout_ms: must be 0..600000"},
        {"[http]\nlisten = \"localhost\"\n",
         "2: http.listen: must be an IPv4 or IPv6 address literal"},
        {"[http]\n\nport = 70000\n", "3: http.port: must be 0..65535"},
        {"[http]\nport = \"8080\"\n", "2: http.port: must be an integer"},
        {"[http]\nport = 80.5\n", "2: http.port: must be an integer"},
        {"[http]\nbody_limit = 10\n", "2: http.body_limit: must be 1024..67108864"},
        {"[delivery]\nmax_attempts = 0\n", "2: delivery.max_attempts: must be 1..1000"},
        {"[delivery]\nretry_base_seconds = 0\n", "2: delivery.retry_base_seconds: must be 1..3600"},
        {"[delivery]\nretry_max_seconds = 100000\n",
         "2: delivery.retry_max_seconds: must be 1..86400"},
        {"[delivery]\nretry_max_seconds = 10\n",
         "2: delivery.retry_max_seconds: must be at least retry_base_seconds (30)"},
        {"[delivery]\nretry_base_seconds = 4000\n",
         "2: delivery.retry_base_seconds: must be 1..3600"},
        {"[delivery]\nretry_base_seconds = 3600\nretry_max_seconds = 60\n",
         "3: delivery.retry_max_seconds: must be at least retry_base_seconds (3600)"},
        {"[deviations]\ncase_prefix = \"av\"\n",
         "2: deviations.case_prefix: must be 1 to 8 capital letters A-Z"},
        {"[deviations]\nrisk_yellow_from = 26\n", "2: deviations.risk_yellow_from: must be 1..25"},
        {"[deviations]\nrisk_red_from = 0\n", "2: deviations.risk_red_from: must be 1..25"},
        {"[deviations]\nrisk_red_from = 5\n",
         "2: deviations.risk_red_from: must be greater than risk_yellow_from (5)"},
        {"[deviations]\nrisk_yellow_from = 20\n",
         "2: deviations.risk_yellow_from: must be less than risk_red_from (15)"},
        {"[deviations]\nserious_category = \"klage\"\n",
         R"(2: deviations.serious_category: must be one of "hms", "organisasjon", "tjeneste")"},
        {"[deviations]\nserious_min_consequence = 6\n",
         "2: deviations.serious_min_consequence: must be 1..5"},
        {"[deviations]\nmax_message_chars = 10\n",
         "2: deviations.max_message_chars: must be 100..100000"},
        {"http = 8080\n", "1: http: must be a table"},
        {"[store]\nbusy_timout_ms = 100\n",
         "2: store.busy_timout_ms: unknown key; did you mean 'busy_timeout_ms'?"},
        {"[htpp]\nport = 80\n", "1: htpp: unknown section; did you mean 'http'?"},
        {"[http]\ncolour = \"blue\"\n", "2: http.colour: unknown key"},
        {"port = 80\n", "1: port: unknown key"},
        {"[http.tls]\ncert = \"x\"\n", "1: http.tls: unknown key"},
    };
    for (const auto& r : rows) {
        CAPTURE(r.toml);
        temp_dir dir;
        const auto result = load_settings(dir.write("kvalitetsvakt.toml", r.toml), fake_env({}));
        CHECK_FALSE(result.value);
        CHECK(texts(result.errors) == std::vector<std::string>{r.error});
    }
}

TEST_CASE("all mistakes in a file are reported at once, in file order", "[config]") {
    temp_dir dir;
    const auto file = dir.write("kvalitetsvakt.toml", R"([http]
port = 70000
listen = "localhost"

[store]
busy_timout_ms = 100

[deviations]
serious_min_consequence = 0
)");
    const auto result = load_settings(file, fake_env({}));
    CHECK_FALSE(result.value);
    CHECK(texts(result.errors) ==
          std::vector<std::string>{
              "2: http.port: must be 0..65535",
              "3: http.listen: must be an IPv4 or IPv6 address literal",
              "6: store.busy_timout_ms: unknown key; did you mean 'busy_timeout_ms'?",
              "9: deviations.serious_min_consequence: must be 1..5",
          });
    REQUIRE_FALSE(result.errors.empty());
    CHECK(result.errors[0].to_string() == file.string() + ":2: http.port: must be 0..65535");
}

TEST_CASE("a TOML syntax error is reported with its line", "[config]") {
    temp_dir dir;
    const auto file = dir.write("kvalitetsvakt.toml", "[http]\nport = 8080\nlisten = \n");
    const auto result = load_settings(file, fake_env({}));
    CHECK_FALSE(result.value);
    REQUIRE(result.errors.size() == 1);
    CHECK(result.errors[0].line == 3);
    CHECK(result.errors[0].key.empty());
    CHECK(result.errors[0].to_string() ==
          file.string() + ":3: Error while parsing key-value pair: expected value, saw '\\n'");
}

TEST_CASE("a missing configuration file cannot be read", "[config]") {
    temp_dir dir;
    const auto file = dir.path() / "missing.toml";
    const auto result = load_settings(file, fake_env({}));
    CHECK_FALSE(result.value);
    REQUIRE(result.errors.size() == 1);
    CHECK(result.errors[0].to_string() == file.string() + ": cannot read");
}

TEST_CASE("a key_env entry reads the value from the environment", "[config]") {
    struct row {
        std::string toml;
        std::map<std::string, std::string> env;
        std::string database;  // when loaded
        std::string error;     // otherwise
    };
    const row rows[] = {
        {"[store]\ndatabase_env = \"KV_DB\"\n", {{"KV_DB", "/srv/kv.db"}}, "/srv/kv.db", ""},
        {"[store]\ndatabase_env = \"KV_DB\"\n",
         {},
         "",
         "2: store.database_env: environment variable 'KV_DB' is not set"},
        {"[store]\ndatabase = \"a.db\"\ndatabase_env = \"KV_DB\"\n",
         {{"KV_DB", "b.db"}},
         "",
         "3: store.database_env: set either 'database' or 'database_env', not both"},
        {"[store]\ndatabase_env = 1\n", {}, "", "2: store.database_env: must be a string"},
        {"[store]\ndatabase_env = \"KV_DB\"\n",
         {{"KV_DB", ""}},
         "",
         "2: store.database: must not be empty"},
        {"[http]\nlisten_env = \"KV_LISTEN\"\n",
         {{"KV_LISTEN", "example.org"}},
         "",
         "2: http.listen: must be an IPv4 or IPv6 address literal"},
        {"[store]\ndatabse_env = \"KV_DB\"\n",
         {{"KV_DB", "x"}},
         "",
         "2: store.databse_env: unknown key; did you mean 'database_env'?"},
    };
    for (const auto& r : rows) {
        CAPTURE(r.toml);
        temp_dir dir;
        const auto result = load_settings(dir.write("kvalitetsvakt.toml", r.toml), fake_env(r.env));
        if (r.error.empty()) {
            CHECK(texts(result.errors).empty());
            REQUIRE(result.value);
            CHECK(result.value->store.database == r.database);
        } else {
            CHECK_FALSE(result.value);
            CHECK(texts(result.errors) == std::vector<std::string>{r.error});
        }
    }
}
