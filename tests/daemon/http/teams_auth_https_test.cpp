#include <catch2/catch.hpp>

#include <string>

#include "adapters/teams/auth/channel_auth.hpp"
#include "daemon/http/http_client.hpp"
#include "tests/daemon/http/teams_emulator.hpp"

using kv::daemon::http_client;
using kv::daemon::http_client_settings;
using kv::daemon::testing::teams_emulator;

namespace {

struct https_auth {
    teams_emulator emu;
    http_client client{[this] {
        http_client_settings s;
        s.ca_file = emu.get("ca_file");
        return s;
    }()};
    kv::teams::channel_authenticator auth{[this] {
                                              kv::teams::channel_auth_settings s;
                                              s.app_id = emu.get("app_id");
                                              s.openid_metadata_url =
                                                  emu.get("openid_metadata_url");
                                              return s;
                                          }(),
                                          client};

    kv::teams::auth_result check(const std::string& fault) {
        const auto t = emu.control("/control/driver/token", {{"fault", fault}});
        const std::string header =
            t.at("authorization").is_string() ? t.at("authorization").get<std::string>() : "";
        return auth.authenticate(header, emu.get("service_url"), "msteams");
    }
};

}  // namespace

TEST_CASE_METHOD(https_auth,
                 "channel tokens from the emulator are checked against its keys over HTTPS",
                 "[http][client][teams]") {
    CHECK(check("none").ok);
    CHECK(check("skew_290").ok);
    for (const char* fault : {"expired", "wrong_endorsement", "non_rsa_key", "other_key",
                              "alg_hs256", "wrong_serviceurl", "no_exp", "unknown_kid"}) {
        CAPTURE(fault);
        CHECK_FALSE(check(fault).ok);
    }
    // After a rotation the new key is unknown until the hourly cap allows a refresh; the old
    // key keeps working meanwhile.
    emu.control("/control/identity/rotate");
    const auto rotated = check("none");
    CHECK_FALSE(rotated.ok);
    CHECK(rotated.reason == "R5 unknown kid");
    const auto stats = emu.control("/control/reset");  // counters only; keys stay
    CHECK(stats.at("ok") == true);
}

TEST_CASE_METHOD(https_auth, "a metadata outage does not stop requests once keys are cached",
                 "[http][client][teams]") {
    REQUIRE(check("none").ok);
    emu.control("/control/identity/fault",
                {{"target", "metadata"}, {"mode", "status"}, {"status", 500}});
    CHECK(check("none").ok);
}
