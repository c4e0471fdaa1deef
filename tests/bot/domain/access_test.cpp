#include "bot/domain/access.hpp"

#include <catch2/catch.hpp>

#include "tests/support/fake_ports.hpp"

using namespace kv;
using kv::test::fake_directory;

TEST_CASE("a leader leads their unit and every unit below it, not the ones above", "[access]") {
    fake_directory dir;
    dir.add_unit({"kommune", "Kommunen", "", "radmann@k.no", ""})
        .add_unit({"helse", "Helse og omsorg", "kommune", "hilde@k.no", "tor@k.no"})
        .add_unit({"solbakken", "Solbakken sykehjem", "helse", "per@k.no", "anne@k.no"});
    CHECK(bot::leads_unit(dir, "per@k.no", "solbakken"));
    CHECK(bot::leads_unit(dir, "anne@k.no", "solbakken"));  // the deputy
    CHECK(bot::leads_unit(dir, "tor@k.no", "solbakken"));   // a deputy above
    CHECK(bot::leads_unit(dir, "radmann@k.no", "solbakken"));
    CHECK_FALSE(bot::leads_unit(dir, "per@k.no", "helse"));
    CHECK_FALSE(bot::leads_unit(dir, "kari@k.no", "solbakken"));
    CHECK_FALSE(bot::leads_unit(dir, "", "solbakken"));
    CHECK_FALSE(bot::leads_unit(dir, "per@k.no", "nowhere"));
}

TEST_CASE("a unit tree broken into a cycle is answered, not walked forever", "[access]") {
    fake_directory dir;
    dir.add_unit({"a", "A", "c", "ann@k.no", ""})
        .add_unit({"b", "B", "a", "bo@k.no", ""})
        .add_unit({"c", "C", "b", "cas@k.no", ""});
    CHECK(bot::leads_unit(dir, "cas@k.no", "a"));  // through the cycle
    CHECK(bot::leads_unit(dir, "bo@k.no", "a"));
    CHECK_FALSE(bot::leads_unit(dir, "kari@k.no", "a"));
}
