#include "daemon/config/load_organisation.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

#include "tests/daemon/config/error_texts.hpp"
#include "tests/daemon/config/temp_dir.hpp"

namespace {

using kv::daemon::config_error;
using kv::daemon::load_organisation;
using kv::daemon::testing::temp_dir;
using kv::daemon::testing::texts;

// Twelve lines: one unit led by its only person. Rows append from line 13.
constexpr std::string_view base = R"(name = "Testkommune"

[[unit]]
id = "top"
name = "Top"
leader = "a@x.no"

[[person]]
email = "a@x.no"
name = "A"
unit = "top"
)";

template <typename Range, typename Pred>
auto find_if(const Range& r, Pred p) {
    return std::find_if(r.begin(), r.end(), p);
}

}  // namespace

TEST_CASE("the demo organisation loads and holds the people the scenarios use", "[config]") {
    const auto result = load_organisation(KV_SOURCE_DIR "/config/organisation.toml");
    CHECK(texts(result.errors).empty());
    REQUIRE(result.value);
    const auto& org = *result.value;
    CHECK(org.name == "Eksempel kommune");
    CHECK(org.units.size() == 8);
    CHECK(org.people.size() >= 20);

    auto kari = find_if(
        org.people, [](const auto& p) { return p.email == "kari.nordmann@eksempel.kommune.no"; });
    REQUIRE(kari != org.people.end());
    CHECK(kari->unit_id == "solbakken");
    CHECK(kari->role == "employee");

    auto solbakken = find_if(org.units, [](const auto& u) { return u.id == "solbakken"; });
    REQUIRE(solbakken != org.units.end());
    CHECK(solbakken->leader_email == "per.hansen@eksempel.kommune.no");
    CHECK_FALSE(solbakken->deputy_email.empty());
    auto hjemme = find_if(org.units, [](const auto& u) { return u.id == "hjemmetjenesten"; });
    REQUIRE(hjemme != org.units.end());
    CHECK(hjemme->parent_id == solbakken->parent_id);

    for (const auto& u : org.units) {
        CAPTURE(u.id);
        CHECK_FALSE(u.leader_email.empty());
        CHECK_FALSE(u.deputy_email.empty());
        CHECK(std::count_if(org.committees.begin(), org.committees.end(), [&](const auto& c) {
                  return c.unit_id == u.id && c.kind == kv::bot::committee_kind::quality;
              }) == 1);
    }
    CHECK(std::count_if(org.people.begin(), org.people.end(),
                        [](const auto& p) { return p.lang == kv::bot::language::en; }) == 1);
    auto safety = find_if(org.committees, [](const auto& c) {
        return c.kind == kv::bot::committee_kind::patient_safety;
    });
    REQUIRE(safety != org.committees.end());
    CHECK(safety->name == "Pasient- og brukersikkerhetsutvalget");
    CHECK(safety->members.size() >= 3);
}

TEST_CASE("a person's optional fields default and enum words are read", "[config]") {
    temp_dir dir;
    const auto file = dir.write("organisation.toml", std::string(base) + R"(
[[person]]
email = " Ola.Nordmann@X.no "
name = "Ola Nordmann"
unit = "top"
role = "quality_coordinator"
language = "en"
channel = "teams"
active = false

[[committee]]
id = "pbu"
name = "Pasient- og brukersikkerhetsutvalget"
kind = "patient_safety"
unit = "top"
members = [{ email = "A@x.no", role = "chair" }, { email = "ola.nordmann@x.no" }]
)");
    const auto result = load_organisation(file);
    CHECK(texts(result.errors).empty());
    REQUIRE(result.value);
    const auto& org = *result.value;
    REQUIRE(org.people.size() == 2);
    CHECK(org.people[0].role == "employee");
    CHECK(org.people[0].lang == kv::bot::language::nb);
    CHECK(org.people[0].preferred == kv::bot::channel::console);
    CHECK(org.people[0].active);
    CHECK(org.people[1].email == "ola.nordmann@x.no");
    CHECK(org.people[1].role == "quality_coordinator");
    CHECK(org.people[1].lang == kv::bot::language::en);
    CHECK(org.people[1].preferred == kv::bot::channel::teams);
    CHECK_FALSE(org.people[1].active);
    REQUIRE(org.committees.size() == 1);
    CHECK(org.committees[0].kind == kv::bot::committee_kind::patient_safety);
    REQUIRE(org.committees[0].members.size() == 2);
    CHECK(org.committees[0].members[0].email == "a@x.no");
    CHECK(org.committees[0].members[0].role == "chair");
    CHECK(org.committees[0].members[1].role == "member");
}

TEST_CASE("each organisation mistake is reported with its line, key and reason", "[config]") {
    struct row {
        std::string label;
        std::string toml;   // appended to the base, starting on line 13
        std::string error;  // "line: key: message"
    };
    const row rows[] = {
        {"duplicate unit id", R"([[unit]]
id = "top"
name = "Top 2"
leader = "a@x.no")",
         "14: unit[1].id: duplicate unit id 'top' (first at line 4)"},
        {"unknown parent", R"([[unit]]
id = "pleie"
name = "Pleie"
parent = "helse"
leader = "a@x.no")",
         "16: unit[1].parent: unknown unit 'helse'"},
        {"cycle", R"([[unit]]
id = "b"
name = "B"
parent = "c"
leader = "a@x.no"
[[unit]]
id = "c"
name = "C"
parent = "b"
leader = "a@x.no")",
         "21: unit[2].parent: cycle in the unit tree: b -> c -> b"},
        {"own parent", R"([[unit]]
id = "s"
name = "S"
parent = "s"
leader = "a@x.no")",
         "16: unit[1].parent: cycle in the unit tree: s -> s"},
        {"leader not listed", R"([[unit]]
id = "sub"
name = "Sub"
parent = "top"
leader = "nobody@x.no")",
         "17: unit[1].leader: unknown person 'nobody@x.no'"},
        {"deputy not listed", R"([[unit]]
id = "sub"
name = "Sub"
parent = "top"
leader = "a@x.no"
deputy = "Nobody@X.no")",
         "18: unit[1].deputy: unknown person 'nobody@x.no'"},
        {"leader missing", R"([[unit]]
id = "sub"
name = "Sub")",
         "13: unit[1].leader: required"},
        {"unit name missing", R"([[unit]]
id = "sub"
leader = "a@x.no")",
         "13: unit[1].name: required"},
        {"unknown unit key", R"([[unit]]
id = "sub"
name = "Sub"
parnet = "top"
leader = "a@x.no")",
         "16: unit[1].parnet: unknown key; did you mean 'parent'?"},
        {"not an email", R"([[person]]
email = "ola.nordmann"
name = "Ola"
unit = "top")",
         "14: person[1].email: 'ola.nordmann' is not an email address"},
        {"two at signs", R"([[person]]
email = "ola@nordmann@x.no"
name = "Ola"
unit = "top")",
         "14: person[1].email: 'ola@nordmann@x.no' is not an email address"},
        {"duplicate email in other case", R"([[person]]
email = "A@X.no"
name = "A again"
unit = "top")",
         "14: person[1].email: duplicate email 'a@x.no' (first at line 9)"},
        {"person in unknown unit", R"([[person]]
email = "b@x.no"
name = "B"
unit = "helse")",
         "16: person[1].unit: unknown unit 'helse'"},
        {"person without unit", R"([[person]]
email = "b@x.no"
name = "B")",
         "13: person[1].unit: required"},
        {"unknown role", R"([[person]]
email = "b@x.no"
name = "B"
unit = "top"
role = "boss")",
         R"(17: person[1].role: must be one of "employee", "leader", "deputy", "quality_coordinator", "admin")"},
        {"unknown language", R"([[person]]
email = "b@x.no"
name = "B"
unit = "top"
language = "de")",
         R"(17: person[1].language: must be one of "nb", "en")"},
        {"unknown channel", R"([[person]]
email = "b@x.no"
name = "B"
unit = "top"
channel = "sms")",
         R"(17: person[1].channel: must be one of "console", "teams", "email")"},
        {"active not a boolean", R"([[person]]
email = "b@x.no"
name = "B"
unit = "top"
active = "yes")",
         "17: person[1].active: must be true or false"},
        {"unknown committee kind", R"([[committee]]
id = "k"
name = "K"
kind = "budget"
unit = "top")",
         R"(16: committee[0].kind: must be one of "quality", "patient_safety")"},
        {"committee in unknown unit", R"([[committee]]
id = "k"
name = "K"
unit = "helse")",
         "16: committee[0].unit: unknown unit 'helse'"},
        {"duplicate committee id", R"([[committee]]
id = "k"
name = "K"
unit = "top"
[[committee]]
id = "k"
name = "K2"
unit = "top")",
         "18: committee[1].id: duplicate committee id 'k' (first at line 14)"},
        {"member not listed", R"([[committee]]
id = "k"
name = "K"
unit = "top"
members = [{ email = "z@x.no", role = "chair" }])",
         "17: committee[0].members[0].email: unknown person 'z@x.no'"},
        {"unknown member role", R"([[committee]]
id = "k"
name = "K"
unit = "top"
members = [{ email = "a@x.no", role = "king" }])",
         R"(17: committee[0].members[0].role: must be one of "chair", "facilitator", "member", "employee_rep", "safety_delegate")"},
        {"member listed twice", R"([[committee]]
id = "k"
name = "K"
unit = "top"
members = [
  { email = "a@x.no", role = "chair" },
  { email = "A@x.no" },
])",
         "19: committee[0].members[1].email: duplicate member 'a@x.no' (first at line 18)"},
        {"member without email", R"([[committee]]
id = "k"
name = "K"
unit = "top"
members = [{ role = "chair" }])",
         "17: committee[0].members[0].email: required"},
        {"members not tables", R"([[committee]]
id = "k"
name = "K"
unit = "top"
members = ["a@x.no"])",
         "17: committee[0].members[0]: must be a table"},
        {"unknown array of tables", R"([[persons]]
email = "b@x.no")",
         "13: persons: unknown key; did you mean 'person'?"},
    };
    for (const auto& r : rows) {
        CAPTURE(r.label);
        temp_dir dir;
        const auto result = load_organisation(
            dir.write("organisation.toml", std::string(base) + "\n" + r.toml + "\n"));
        CHECK_FALSE(result.value);
        CHECK(texts(result.errors) == std::vector<std::string>{r.error});
    }
}

TEST_CASE("a malformed top level of the organisation file is refused", "[config]") {
    struct row {
        std::string label;
        std::string toml;
        std::string error;
    };
    const row rows[] = {
        {"no name", "", "0: name: required"},
        {"name empty", "name = \"\"\n", "1: name: must not be empty"},
        {"misspelt key", "name = \"K\"\nnavn = \"x\"\n",
         "2: navn: unknown key; did you mean 'name'?"},
        {"unit a string", "name = \"K\"\nunit = \"top\"\n", "2: unit: must be an array of tables"},
    };
    for (const auto& r : rows) {
        CAPTURE(r.label);
        temp_dir dir;
        const auto result = load_organisation(dir.write("organisation.toml", r.toml));
        CHECK_FALSE(result.value);
        CHECK(texts(result.errors) == std::vector<std::string>{r.error});
    }
}

TEST_CASE("all organisation mistakes are reported at once, in file order", "[config]") {
    temp_dir dir;
    const auto file = dir.write("organisation.toml", std::string(base) + R"(
[[unit]]
id = "pleie"
name = "Pleie"
parent = "helse"
leader = "nobody@x.no"

[[person]]
email = "ola.nordmann"
name = "Ola"
unit = "pleie"
)");
    const auto result = load_organisation(file);
    CHECK_FALSE(result.value);
    CHECK(texts(result.errors) == std::vector<std::string>{
                                      "16: unit[1].parent: unknown unit 'helse'",
                                      "17: unit[1].leader: unknown person 'nobody@x.no'",
                                      "20: person[1].email: 'ola.nordmann' is not an email address",
                                  });
    REQUIRE_FALSE(result.errors.empty());
    CHECK(result.errors[0].to_string() ==
          file.string() + ":16: unit[1].parent: unknown unit 'helse'");
}

TEST_CASE("a missing organisation file cannot be read", "[config]") {
    temp_dir dir;
    const auto file = dir.path() / "organisation.toml";
    const auto result = load_organisation(file);
    CHECK_FALSE(result.value);
    CHECK(texts(result.errors) == std::vector<std::string>{"0: : cannot read"});
}
