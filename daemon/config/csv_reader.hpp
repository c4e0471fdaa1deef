#pragma once
// Reading spreadsheet exports: UTF-8 with or without a byte order mark, fields separated by ';'
// or ',' (whichever the header line uses more; Norwegian Excel saves with ';'), quoted as in
// RFC 4180 (separators, quotes and line breaks inside quotes), lines ending in CRLF or LF.
// Records are numbered as a spreadsheet shows them: the header is row 1, and a record whose
// quoted field spans lines is still one row.

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace kv::daemon {

struct csv_record {
    int row = 0;
    std::vector<std::string> fields;
    std::string error;  // malformed quoting; the fields are then incomplete
    // A line with nothing on it, which exports leave at the end.
    bool blank() const { return error.empty() && fields.size() == 1 && fields[0].empty(); }
};

// Splits `text` (BOM removed, separator detected) into records. Pure; throws only bad_alloc.
std::vector<csv_record> read_csv_records(std::string_view text);

// Trims spaces and tabs at both ends.
std::string trim_field(std::string_view s);

// ASCII upper case to lower case; other bytes (UTF-8 included) unchanged.
std::string ascii_lower(std::string s);

// Where each known column stands in a header row, by its name lower-cased and trimmed; columns
// with other names are ignored. `problems` gets one message per column named twice or required
// and missing, and the header's own quoting error.
struct csv_columns {
    std::map<std::string, std::size_t> column_of;
    std::vector<std::string> problems;
};
csv_columns map_csv_header(const csv_record& header, const std::vector<std::string_view>& required,
                           const std::vector<std::string_view>& optional);

}  // namespace kv::daemon
