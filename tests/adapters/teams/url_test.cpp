#include "adapters/teams/url.hpp"

#include <catch2/catch.hpp>

#include "adapters/teams/http_transport.hpp"

using namespace kv::teams;

TEST_CASE("conversation ids are encoded as encodeURIComponent does", "[teams][url]") {
    CHECK(encode_uri_component("19:abc@thread.tacv2;messageid=1700") ==
          "19%3Aabc%40thread.tacv2%3Bmessageid%3D1700");
    CHECK(encode_uri_component("a:1Qh-x_y.z!~*'()") == "a%3A1Qh-x_y.z!~*'()");
    CHECK(encode_uri_component("æ/ ") == "%C3%A6%2F%20");
}

TEST_CASE("the service base drops trailing slashes only", "[teams][url]") {
    CHECK(service_base("https://smba.trafficmanager.net/emea/") ==
          "https://smba.trafficmanager.net/emea");
    CHECK(service_base("http://127.0.0.1:3978//") == "http://127.0.0.1:3978");
}

TEST_CASE("reply headers are found ignoring case", "[teams][url]") {
    http_reply r;
    r.headers = {{"Retry-After", "3"}};
    CHECK(r.header("retry-after") == "3");
    CHECK(r.header("content-type").empty());
}
