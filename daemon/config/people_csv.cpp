#include "daemon/config/people_csv.hpp"

#include <algorithm>
#include <map>
#include <optional>

#include "bot/domain/names.hpp"
#include "daemon/config/validation.hpp"

namespace kv::daemon {
namespace {

struct record {
    int row = 0;
    std::vector<std::string> fields;
    std::string error;  // malformed quoting; the fields are then incomplete
    bool blank() const { return error.empty() && fields.size() == 1 && fields[0].empty(); }
};

// Picks the separator the header line uses more; Norwegian spreadsheets save with ';'.
char detect_separator(std::string_view text) {
    std::size_t semicolons = 0;
    std::size_t commas = 0;
    bool quoted = false;
    for (char c : text) {
        if (c == '"') {
            quoted = !quoted;
        } else if (!quoted && (c == '\n' || c == '\r')) {
            break;
        } else if (!quoted && c == ';') {
            ++semicolons;
        } else if (!quoted && c == ',') {
            ++commas;
        }
    }
    return semicolons > commas ? ';' : ',';
}

// Splits RFC 4180 text into records. A quote inside an unquoted field is kept as text, since
// exports write names like Ola "Olly" Nordmann that way.
std::vector<record> split_records(std::string_view text, char separator) {
    std::vector<record> out;
    std::size_t i = 0;
    int row = 0;
    while (i < text.size()) {
        record r{++row, {}, {}};
        std::string field;
        bool end_of_record = false;
        while (!end_of_record) {
            if (i < text.size() && text[i] == '"') {
                ++i;
                bool closed = false;
                while (i < text.size()) {
                    if (text[i] == '"' && i + 1 < text.size() && text[i + 1] == '"') {
                        field += '"';
                        i += 2;
                    } else if (text[i] == '"') {
                        ++i;
                        closed = true;
                        break;
                    } else {
                        field += text[i++];
                    }
                }
                if (!closed) {
                    r.error = "a quoted field is not closed";
                }
                if (i < text.size() && text[i] != separator && text[i] != '\r' && text[i] != '\n' &&
                    r.error.empty()) {
                    r.error = "text after the closing quote of a field";
                }
            }
            while (i < text.size() && text[i] != separator && text[i] != '\r' && text[i] != '\n') {
                field += text[i++];
            }
            r.fields.push_back(std::move(field));
            field.clear();
            if (i < text.size() && text[i] == separator) {
                ++i;
                continue;
            }
            if (i < text.size() && text[i] == '\r') {
                ++i;
            }
            if (i < text.size() && text[i] == '\n') {
                ++i;
            }
            end_of_record = true;
        }
        out.push_back(std::move(r));
    }
    return out;
}

std::string trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
        s.remove_suffix(1);
    }
    return std::string(s);
}

std::string lower(std::string s) {
    for (char& c : s) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return s;
}

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
    constexpr std::string_view bom = "\xEF\xBB\xBF";
    if (text.starts_with(bom)) {
        text.remove_prefix(bom.size());
    }
    people_csv_result result;
    auto& errors = result.errors;
    const auto records = split_records(text, detect_separator(text));
    if (records.empty()) {
        errors.push_back({1, "", "the file is empty; expected a header row"});
        return result;
    }

    const record& header = records.front();
    std::map<std::string, std::size_t> column_of;
    if (!header.error.empty()) {
        errors.push_back({header.row, "", header.error});
    }
    for (std::size_t c = 0; c < header.fields.size(); ++c) {
        const std::string name = lower(trim(header.fields[c]));
        if (!detail::contains(required_columns, name) &&
            !detail::contains(optional_columns, name)) {
            continue;
        }
        if (!column_of.emplace(name, c).second) {
            errors.push_back({header.row, "", "column '" + name + "' appears twice"});
        }
    }
    for (auto name : required_columns) {
        if (!column_of.contains(std::string(name))) {
            errors.push_back({header.row, "", "missing column '" + std::string(name) + "'"});
        }
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
            std::string v = trim(r->fields[it->second]);
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
            p.role = lower(*role);
            if (!detail::contains(detail::person_roles(), p.role)) {
                error("role", detail::one_of_message(detail::person_roles()));
            }
        }
        if (auto lang = value("language"); lang && !lang->empty()) {
            if (auto parsed = bot::parse_language(lower(*lang))) {
                p.lang = *parsed;
            } else {
                error("language", R"(must be one of "nb", "en")");
            }
        }
        if (auto channel = value("channel"); channel && !channel->empty()) {
            if (auto parsed = bot::parse_channel(lower(*channel))) {
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
