#include "daemon/config/people_csv.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

namespace {

using kv::daemon::parse_people_csv;

const std::set<std::string> units{"solbakken", "hjemmetjenesten", "legevakten", "nordby"};

std::vector<std::string> texts(const std::vector<kv::daemon::csv_error>& errors) {
    std::vector<std::string> out;
    for (const auto& e : errors) {
        out.push_back(e.to_string());
    }
    return out;
}

}  // namespace

TEST_CASE("people are read from exports in the usual spreadsheet dialects", "[config]") {
    struct row {
        std::string label;
        std::string csv;
    };
    const row rows[] = {
        {"comma, LF",
         "email,name,unit,role\n"
         "kari.nordmann@eksempel.kommune.no,Kari Nordmann,solbakken,employee\n"
         "per.hansen@eksempel.kommune.no,Per Hansen,solbakken,leader\n"},
        {"semicolon, CRLF, BOM",
         "\xEF\xBB\xBF"
         "email;name;unit;role\r\n"
         "kari.nordmann@eksempel.kommune.no;Kari Nordmann;solbakken;employee\r\n"
         "per.hansen@eksempel.kommune.no;Per Hansen;solbakken;leader\r\n"},
        {"columns in another order and case, no final newline",
         "Role;UNIT;Name;Email\n"
         "employee;solbakken;Kari Nordmann;Kari.Nordmann@Eksempel.Kommune.no\n"
         "Leader;solbakken;Per Hansen;per.hansen@eksempel.kommune.no"},
        {"quoted fields and an extra column", R"("Ansattnr";"email";"name";"unit";"role"
"1001";"kari.nordmann@eksempel.kommune.no";"Kari Nordmann";"solbakken";"employee"
1002;per.hansen@eksempel.kommune.no; Per Hansen ;solbakken;leader
)"},
    };
    for (const auto& r : rows) {
        CAPTURE(r.label);
        const auto result = parse_people_csv(r.csv, units);
        CHECK(texts(result.errors).empty());
        REQUIRE(result.people.size() == 2);
        CHECK(result.people[0].email == "kari.nordmann@eksempel.kommune.no");
        CHECK(result.people[0].name == "Kari Nordmann");
        CHECK(result.people[0].unit_id == "solbakken");
        CHECK(result.people[0].role == "employee");
        CHECK(result.people[0].lang == kv::bot::language::nb);
        CHECK(result.people[1].email == "per.hansen@eksempel.kommune.no");
        CHECK(result.people[1].name == "Per Hansen");
        CHECK(result.people[1].role == "leader");
    }
}

TEST_CASE("quoted fields may hold separators, quotes and line breaks", "[config]") {
    const auto result = parse_people_csv(
        "email,name,unit,role\r\n"
        "a@x.no,\"Nordmann, Kari\",solbakken,employee\r\n"
        "b@x.no,\"Ola \"\"Olly\"\" Nordmann\",nordby,employee\r\n"
        "c@x.no,\"Anne\r\nJohansen\",legevakten,employee\r\n"
        "d@x.no,,legevakten,employee\r\n",
        units);
    CHECK(texts(result.errors) == std::vector<std::string>{"row 5: name: required"});

    const auto fixed = parse_people_csv(
        "email,name,unit,role\n"
        "a@x.no,\"Nordmann, Kari\",solbakken,employee\n"
        "b@x.no,\"Ola \"\"Olly\"\" Nordmann\",nordby,employee\n"
        "c@x.no,\"Anne\nJohansen\",legevakten,employee\n",
        units);
    REQUIRE(fixed.people.size() == 3);
    CHECK(fixed.people[0].name == "Nordmann, Kari");
    CHECK(fixed.people[1].name == "Ola \"Olly\" Nordmann");
    CHECK(fixed.people[2].name == "Anne\nJohansen");
}

TEST_CASE("optional language and channel columns are read, blank meaning the default", "[config]") {
    const auto result = parse_people_csv(R"(email;name;unit;role;language;channel
a@x.no;Emily Clarke;solbakken;employee;EN;email
b@x.no;Kari Nordmann;solbakken;employee;;
)",
                                         units);
    CHECK(texts(result.errors).empty());
    REQUIRE(result.people.size() == 2);
    CHECK(result.people[0].lang == kv::bot::language::en);
    CHECK(result.people[0].preferred == kv::bot::channel::email);
    CHECK(result.people[1].lang == kv::bot::language::nb);
    CHECK(result.people[1].preferred == kv::bot::channel::console);
}

TEST_CASE("bad rows are reported with their row numbers and nothing is imported", "[config]") {
    struct row {
        std::string label;
        std::string csv;
        std::vector<std::string> errors;
    };
    const row rows[] = {
        {"not an email",
         "email;name;unit;role\n"
         "kari@x.no;Kari;solbakken;employee\n"
         "ola.nordmann;Ola;solbakken;employee\n",
         {"row 3: email: 'ola.nordmann' is not an email address"}},
        {"unknown unit",
         "email;name;unit;role\n"
         "kari@x.no;Kari;helse;employee\n",
         {"row 2: unit: unknown unit 'helse'"}},
        {"unknown role",
         "email;name;unit;role\n"
         "kari@x.no;Kari;solbakken;sykepleier\n",
         {R"(row 2: role: must be one of "employee", "leader", "deputy", "quality_coordinator", "admin")"}},
        {"unknown language",
         "email;name;unit;role;language\n"
         "kari@x.no;Kari;solbakken;employee;de\n",
         {R"(row 2: language: must be one of "nb", "en")"}},
        {"unknown channel",
         "email;name;unit;role;channel\n"
         "kari@x.no;Kari;solbakken;employee;sms\n",
         {R"(row 2: channel: must be one of "console", "teams", "email")"}},
        {"duplicate email",
         "email;name;unit;role\n"
         "kari@x.no;Kari;solbakken;employee\n"
         "per@x.no;Per;solbakken;leader\n"
         "KARI@x.no;Kari 2;nordby;employee\n",
         {"row 4: email: 'kari@x.no' is already on row 2"}},
        {"missing fields",
         "email;name;unit;role\n"
         "kari@x.no;Kari;solbakken\n",
         {"row 2: has 3 fields, the header has 4"}},
        {"blank lines count as rows",
         "email;name;unit;role\n"
         "\n"
         "kari@x.no;;solbakken;employee\n",
         {"row 3: name: required"}},
        {"quote not closed",
         "email;name;unit;role\n"
         "kari@x.no;\"Kari;solbakken;employee\n",
         {"row 2: a quoted field is not closed"}},
        {"text after a closing quote",
         "email;name;unit;role\n"
         "kari@x.no;\"Kari\" N;solbakken;employee\n",
         {"row 2: text after the closing quote of a field"}},
        {"Latin-1 instead of UTF-8",
         "email;name;unit;role\n"
         "bjorn@x.no;Bj\xF8rn;nordby;employee\n",
         {"row 2: name: not valid UTF-8 (save the export as UTF-8)"}},
        {"missing column",
         "email;name;unit\n"
         "kari@x.no;Kari;solbakken\n",
         {"row 1: missing column 'role'"}},
        {"column twice", "email;name;unit;role;Email\n", {"row 1: column 'email' appears twice"}},
        {"empty file", "", {"row 1: the file is empty; expected a header row"}},
        {"several mistakes",
         "email,name,unit,role\n"
         "ola.nordmann,Ola,helse,employee\n"
         "kari@x.no,Kari,solbakken,employee\n"
         "per@x.no,,solbakken,boss\n",
         {"row 2: email: 'ola.nordmann' is not an email address",
          "row 2: unit: unknown unit 'helse'", "row 4: name: required",
          R"(row 4: role: must be one of "employee", "leader", "deputy", "quality_coordinator", "admin")"}},
    };
    for (const auto& r : rows) {
        CAPTURE(r.label);
        const auto result = parse_people_csv(r.csv, units);
        CHECK(texts(result.errors) == r.errors);
        CHECK(result.people.empty());
    }
}

TEST_CASE("the example people file imports into the demo organisation", "[config]") {
    std::ifstream in(KV_SOURCE_DIR "/config/people-example.csv", std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    const auto result = parse_people_csv(text.str(), units);
    CHECK(texts(result.errors).empty());
    CHECK(result.people.size() == 4);
}
