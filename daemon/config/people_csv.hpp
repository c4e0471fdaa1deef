#pragma once
// Parsing an HR export of people for `kvalitetsvakt import people FILE.csv`.
//
// The first row is a header naming the columns email, name, unit and role in any order and any
// letter case; language (nb/en) and channel (console/teams/email) are optional, other columns
// are ignored. Fields are separated by ';' or ',' (whichever the header uses more), quoted as in
// RFC 4180, lines end in CRLF or LF, and the text is UTF-8 with or without a byte order mark.
// Rows are numbered as a spreadsheet shows them: the header is row 1.

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "bot/domain/model.hpp"

namespace kv::daemon {

struct csv_error {
    int row = 0;         // 1 is the header
    std::string column;  // empty when the whole row is at fault
    std::string message;

    // "row 7: email: 'ola.nordmann' is not an email address"
    std::string to_string() const;

    friend bool operator==(const csv_error&, const csv_error&) = default;
};

// All rows as people (and no errors), or every error found (and no people).
struct people_csv_result {
    std::vector<bot::person> people;
    std::vector<csv_error> errors;
};

// Parses the whole export. Emails are lower-cased; each unit must be one of `known_units`;
// a blank language means nb and a blank channel console. Blank lines are skipped. Pure;
// throws only std::bad_alloc.
people_csv_result parse_people_csv(std::string_view text, const std::set<std::string>& known_units);

}  // namespace kv::daemon
