#pragma once
// Parsing the quality library export for `kvalitetsvakt import procedures FILE.csv`.
//
// The first row is a header naming the columns in any order and letter case. Required: id,
// title, unit, owner_email, revision_owner_email, last_reviewed. Optional: area, subgroup,
// version, interval_months (blank: 12), url. Other columns are ignored. The file's dialect is
// what daemon/config/csv_reader.hpp reads (Excel's ';' or ',', BOM or none, quoted fields).
// Dates are YYYY-MM-DD or DD.MM.YYYY (as Norwegian Excel writes them).

#include <chrono>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "bot/domain/procedure.hpp"
#include "daemon/config/people_csv.hpp"

namespace kv::daemon {

// What a row may refer to: active unit ids, active people's emails (lower case), and today's
// local date (a last review in the future is a typo).
struct procedure_references {
    std::set<std::string> units;
    std::set<std::string> people;
    std::chrono::year_month_day today{};
};

// Every row as a procedure (and no errors), or every error found (and no procedures).
struct procedures_csv_result {
    std::vector<bot::procedure> procedures;
    std::vector<csv_error> errors;
};

// Parses the whole export. Emails are lower-cased; blank lines are skipped; ids are unique in
// the file. Pure; throws only std::bad_alloc.
procedures_csv_result parse_procedures_csv(std::string_view text,
                                           const procedure_references& known);

// Reads "YYYY-MM-DD", "DD.MM.YYYY" or "D.M.YYYY"; nullopt when malformed or not a real date.
std::optional<std::chrono::year_month_day> parse_spreadsheet_date(std::string_view text);

}  // namespace kv::daemon
