#include "daemon/config/procedures_csv.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>

namespace {

using kv::daemon::parse_procedures_csv;
using namespace std::chrono;

kv::daemon::procedure_references references() {
    return {{"kommune", "helse", "solbakken"},
            {"per.hansen@k.no", "kari.nordmann@k.no", "hilde.strand@k.no"},
            year{2026} / November / 23};
}

std::vector<std::string> texts(const std::vector<kv::daemon::csv_error>& errors) {
    std::vector<std::string> out;
    for (const auto& e : errors) {
        out.push_back(e.to_string());
    }
    return out;
}

const std::string header =
    "id;title;area;subgroup;unit;owner_email;revision_owner_email;version;last_reviewed;"
    "interval_months;url\n";

}  // namespace

TEST_CASE("procedures are read from Excel exports with ';' or ',' and with or without a BOM",
          "[config]") {
    struct row {
        std::string label;
        std::string csv;
    };
    const row rows[] = {
        {"semicolon, BOM, CRLF, Norwegian dates",
         "\xEF\xBB\xBF"
         "id;title;area;subgroup;unit;owner_email;revision_owner_email;version;last_reviewed;"
         "interval_months;url\r\n"
         "HO-PR-011;\"Legemidler; utdeling\";Helse;Prosedyrer;solbakken;Per.Hansen@k.no;"
         "kari.nordmann@k.no;5.0;10.12.2025;12;https://k.no/HO-PR-011\r\n"
         "HO-PR-012;Forebygging av fall;Helse;Prosedyrer;solbakken;per.hansen@k.no;"
         "kari.nordmann@k.no;1.3;1.6.2026;6;https://k.no/HO-PR-012\r\n"},
        {"comma, no BOM, LF, ISO dates, columns reordered, quoted comma and line break",
         "url,id,title,unit,owner_email,revision_owner_email,last_reviewed,interval_months,"
         "version,area,subgroup,Kommentar\n"
         "https://k.no/HO-PR-011,HO-PR-011,\"Legemidler; utdeling\",solbakken,per.hansen@k.no,"
         "kari.nordmann@k.no,2025-12-10,12,5.0,Helse,Prosedyrer,\"gammel, men\nfortsatt gyldig\"\n"
         "https://k.no/HO-PR-012,HO-PR-012,Forebygging av fall,solbakken,per.hansen@k.no,"
         "kari.nordmann@k.no,2026-06-01,6,1.3,Helse,Prosedyrer,\n"},
    };
    for (const auto& r : rows) {
        CAPTURE(r.label);
        const auto result = parse_procedures_csv(r.csv, references());
        CHECK(texts(result.errors).empty());
        REQUIRE(result.procedures.size() == 2);
        const auto& p = result.procedures[0];
        CHECK(p.id == "HO-PR-011");
        CHECK(p.title == "Legemidler; utdeling");
        CHECK(p.area == "Helse");
        CHECK(p.subgroup == "Prosedyrer");
        CHECK(p.unit_id == "solbakken");
        CHECK(p.owner_email == "per.hansen@k.no");
        CHECK(p.revision_owner_email == "kari.nordmann@k.no");
        CHECK(p.version == "5.0");
        CHECK(p.last_reviewed == year{2025} / December / 10);
        CHECK(p.interval_months == 12);
        CHECK(p.url == "https://k.no/HO-PR-011");
        CHECK(result.procedures[1].last_reviewed == year{2026} / June / 1);
        CHECK(result.procedures[1].interval_months == 6);
    }
}

TEST_CASE("a blank interval means twelve months and optional columns may be left out", "[config]") {
    const auto result = parse_procedures_csv(
        "id,title,unit,owner_email,revision_owner_email,last_reviewed,interval_months\n"
        "A-1,Håndhygiene,helse,hilde.strand@k.no,kari.nordmann@k.no,2026-01-31,\n",
        references());
    REQUIRE(result.procedures.size() == 1);
    CHECK(result.procedures[0].interval_months == 12);
    CHECK(result.procedures[0].version.empty());
    CHECK(kv::bot::review_due(result.procedures[0]) == year{2027} / January / 31);
}

TEST_CASE("every bad row is named with its number and reason, and nothing is returned then",
          "[config]") {
    const std::string good =
        "OK-1;Bra;Helse;Prosedyrer;helse;hilde.strand@k.no;kari.nordmann@k.no;1;2026-01-01;12;\n";
    struct row {
        std::string label;
        std::string line;
        std::string error;
    };
    const row rows[] = {
        {"unknown unit",
         "X-1;T;A;S;legevakta;per.hansen@k.no;kari.nordmann@k.no;1;2026-01-01;12;\n",
         "row 3: unit: unknown unit 'legevakta'"},
        {"owner who does not exist",
         "X-1;T;A;S;helse;ola.nordmann@k.no;kari.nordmann@k.no;1;2026-01-01;12;\n",
         "row 3: owner_email: 'ola.nordmann@k.no' is not an active person in the organisation "
         "(import people first)"},
        {"revision owner that is no email address",
         "X-1;T;A;S;helse;per.hansen@k.no;kari;1;2026-01-01;12;\n",
         "row 3: revision_owner_email: 'kari' is not an email address"},
        {"bad date", "X-1;T;A;S;helse;per.hansen@k.no;kari.nordmann@k.no;1;31.02.2026;12;\n",
         "row 3: last_reviewed: '31.02.2026' is not a date (write 2026-03-15 or 15.03.2026)"},
        {"date in the future",
         "X-1;T;A;S;helse;per.hansen@k.no;kari.nordmann@k.no;1;2026-11-24;12;\n",
         "row 3: last_reviewed: '2026-11-24' is in the future"},
        {"interval too long",
         "X-1;T;A;S;helse;per.hansen@k.no;kari.nordmann@k.no;1;2026-01-01;24;\n",
         "row 3: interval_months: '24' must be a whole number of months from 1 to 12"},
        {"interval not a number",
         "X-1;T;A;S;helse;per.hansen@k.no;kari.nordmann@k.no;1;2026-01-01;tolv;\n",
         "row 3: interval_months: 'tolv' must be a whole number of months from 1 to 12"},
        {"duplicate id", "OK-1;T;A;S;helse;per.hansen@k.no;kari.nordmann@k.no;1;2026-01-01;12;\n",
         "row 3: id: 'OK-1' is already on row 2"},
        {"id with a blank", "X 1;T;A;S;helse;per.hansen@k.no;kari.nordmann@k.no;1;2026-01-01;;\n",
         "row 3: id: 'X 1' is not an id: use up to 64 letters (a-z), digits and - _ . /"},
        {"missing title", "X-1;;A;S;helse;per.hansen@k.no;kari.nordmann@k.no;1;2026-01-01;;\n",
         "row 3: title: required"},
        {"too few fields", "X-1;T;A;S;helse\n", "row 3: has 5 fields, the header has 11"},
        {"unclosed quote", "X-1;\"T;A;S;helse;p;k;1;2026-01-01;;\n",
         "row 3: a quoted field is not closed"},
    };
    for (const auto& r : rows) {
        CAPTURE(r.label);
        const auto result = parse_procedures_csv(header + good + r.line, references());
        CHECK(texts(result.errors) == std::vector<std::string>{r.error});
        CHECK(result.procedures.empty());
    }
}

TEST_CASE("a header without a required column is refused before any row is read", "[config]") {
    const auto result = parse_procedures_csv(
        "id;title;unit;owner_email;last_reviewed\nA;B;helse;x@k.no;2026-01-01\n", references());
    CHECK(texts(result.errors) ==
          std::vector<std::string>{"row 1: missing column 'revision_owner_email'"});
    CHECK(texts(parse_procedures_csv("", references()).errors) ==
          std::vector<std::string>{"row 1: the file is empty; expected a header row"});
}

TEST_CASE("a row number counts spreadsheet rows, not lines, after a quoted line break",
          "[config]") {
    const auto result = parse_procedures_csv(
        header +
            "A-1;\"To\nlinjer\";A;S;helse;per.hansen@k.no;kari.nordmann@k.no;1;2026-01-01;;\n"
            "A-2;T;A;S;helse;per.hansen@k.no;kari.nordmann@k.no;1;2026-13-01;;\n",
        references());
    CHECK(texts(result.errors) ==
          std::vector<std::string>{"row 3: last_reviewed: '2026-13-01' is not a date (write "
                                   "2026-03-15 or 15.03.2026)"});
}

TEST_CASE("the demo library parses against the demo organisation's units", "[config]") {
    std::ifstream in{std::string{KV_SOURCE_DIR} + "/config/procedures-example.csv",
                     std::ios::binary};
    const std::string text{std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
    REQUIRE(!text.empty());
    kv::daemon::procedure_references known{{"kommune", "helse", "solbakken", "hjemmetjenesten",
                                            "legevakten", "oppvekst", "eikely", "nordby"},
                                           {},
                                           year{2026} / November / 23};
    const auto result = parse_procedures_csv(text, known);
    // No people were given, so every owner is refused; everything else in the file is valid.
    for (const auto& e : result.errors) {
        CAPTURE(e.to_string());
        CHECK((e.column == "owner_email" || e.column == "revision_owner_email"));
    }
    CHECK(result.errors.size() == 24);
}
