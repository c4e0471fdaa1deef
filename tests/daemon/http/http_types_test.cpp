#include "daemon/http/http_types.hpp"

#include <catch2/catch.hpp>

using kv::daemon::http_headers;

TEST_CASE("header lookup ignores the case of the field name", "[http]") {
    http_headers headers;
    headers.add("Content-Type", "application/json").add("X-Trace", "1").add("x-trace", "2");

    struct row {
        const char* label;
        const char* name;
        const char* value;  // nullptr: not found
    };
    const auto r = GENERATE(values<row>({
        {"same case", "Content-Type", "application/json"},
        {"lower case", "content-type", "application/json"},
        {"upper case", "CONTENT-TYPE", "application/json"},
        {"first of two fields wins", "X-TRACE", "1"},
        {"absent field", "Content-Length", nullptr},
        {"prefix is not a match", "Content", nullptr},
    }));
    CAPTURE(r.label);
    const auto found = headers.find(r.name);
    if (r.value == nullptr) {
        CHECK_FALSE(found.has_value());
    } else {
        REQUIRE(found.has_value());
        CHECK(*found == r.value);
    }
}

TEST_CASE("setting a header replaces every field of that name", "[http]") {
    http_headers headers;
    headers.add("Allow", "GET").add("allow", "POST").add("Vary", "Accept").set("ALLOW", "PUT");

    REQUIRE(headers.size() == 2);
    CHECK(headers.find("allow") == "PUT");
    CHECK(headers.find("vary") == "Accept");
}
