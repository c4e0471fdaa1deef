#include "daemon/config/people_csv.hpp"

#include <algorithm>
#include <map>
#include <optional>

#include "bot/domain/names.hpp"
#include "daemon/config/csv_reader.hpp"
#include "daemon/config/validation.hpp"

namespace kv::daemon {
namespace {

const std::vector<std::string_view> required_columns{"email", "name", "unit", "role"};
const std::vector<std::string_view> optional_columns{"language", "channel"};

}  // namespace

std::string csv_error::to_string() const {
    std::string out = "row " + std::to_string(row) + ": ";
    if (!column.empty()) {
        out += column + ": ";
    }
    return out + message;
}

people_csv_result parse_people_csv(std::string_view text,
                                   const std::set<std::string>& known_units) {
    people_csv_result result;
    auto& errors = result.errors;
    const auto records = read_csv_records(text);
    if (records.empty()) {
        errors.push_back({1, "", "the file is empty; expected a header row"});
        return result;
    }

    const csv_record& header = records.front();
    auto [column_of, problems] = map_csv_header(header, required_columns, optional_columns);
    for (auto& problem : problems) {
        errors.push_back({header.row, "", std::move(problem)});
    }
    if (!errors.empty()) {
        return result;
    }

    std::map<std::string, int> row_of_email;
    for (auto r = records.begin() + 1; r != records.end(); ++r) {
        if (r->blank()) {
            continue;
        }
        if (!r->error.empty()) {
            errors.push_back({r->row, "", r->error});
            continue;
        }
        if (r->fields.size() != header.fields.size()) {
            errors.push_back({r->row, "",
                              "has " + std::to_string(r->fields.size()) +
                                  " fields, the header has " +
                                  std::to_string(header.fields.size())});
            continue;
        }
        bool row_ok = true;
        auto error = [&](std::string column, std::string message) {
            errors.push_back({r->row, std::move(column), std::move(message)});
            row_ok = false;
        };
        // Reads a column's trimmed value; an absent optional column reads as blank.
        auto value = [&](std::string_view column) -> std::optional<std::string> {
            auto it = column_of.find(std::string(column));
            if (it == column_of.end()) {
                return std::string();
            }
            std::string v = trim_field(r->fields[it->second]);
            if (!detail::is_valid_utf8(v)) {
                error(std::string(column), "not valid UTF-8 (save the export as UTF-8)");
                return std::nullopt;
            }
            return v;
        };
        auto required = [&](std::string_view column) -> std::optional<std::string> {
            auto v = value(column);
            if (v && v->empty()) {
                error(std::string(column), "required");
                return std::nullopt;
            }
            return v;
        };

        bot::person p;
        if (auto email = required("email")) {
            p.email = detail::normalise_email(*email);
            if (!detail::is_email_address(p.email)) {
                error("email", "'" + *email + "' is not an email address");
            } else if (auto [it, inserted] = row_of_email.emplace(p.email, r->row); !inserted) {
                error("email", "'" + p.email + "' is already on row " + std::to_string(it->second));
            }
        }
        if (auto name = required("name")) {
            p.name = *name;
        }
        if (auto unit = required("unit")) {
            p.unit_id = *unit;
            if (!known_units.contains(*unit)) {
                error("unit", "unknown unit '" + *unit + "'");
            }
        }
        if (auto role = required("role")) {
            p.role = ascii_lower(*role);
            if (!detail::contains(detail::person_roles(), p.role)) {
                error("role", detail::one_of_message(detail::person_roles()));
            }
        }
        if (auto lang = value("language"); lang && !lang->empty()) {
            if (auto parsed = bot::parse_language(ascii_lower(*lang))) {
                p.lang = *parsed;
            } else {
                error("language", R"(must be one of "nb", "en")");
            }
        }
        if (auto channel = value("channel"); channel && !channel->empty()) {
            if (auto parsed = bot::parse_channel(ascii_lower(*channel))) {
                p.preferred = *parsed;
            } else {
                error("channel", R"(must be one of "console", "teams", "email")");
            }
        }
        if (row_ok) {
            result.people.push_back(std::move(p));
        }
    }
    if (!errors.empty()) {
        result.people.clear();
    }
    return result;
}

}  // namespace kv::daemon
