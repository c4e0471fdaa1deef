#include "daemon/config/procedures_csv.hpp"

#include <charconv>
#include <map>
#include <optional>

#include "bot/domain/oslo_time.hpp"
#include "daemon/config/csv_reader.hpp"
#include "daemon/config/validation.hpp"

namespace kv::daemon {
namespace {

const std::vector<std::string_view> required_columns{
    "id", "title", "unit", "owner_email", "revision_owner_email", "last_reviewed"};
const std::vector<std::string_view> optional_columns{"area", "subgroup", "version",
                                                     "interval_months", "url"};

constexpr int max_interval_months = 12;  // reviewed at least once a year
constexpr std::size_t max_id_length = 64;

bool is_id_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.' || c == '/';
}

std::optional<unsigned> small_number(std::string_view s) {
    unsigned n = 0;
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (s.empty() || ec != std::errc{} || p != s.data() + s.size()) {
        return std::nullopt;
    }
    return n;
}

}  // namespace

std::optional<std::chrono::year_month_day> parse_spreadsheet_date(std::string_view text) {
    if (auto iso = bot::parse_iso_date(text)) {
        return iso;
    }
    const auto first = text.find('.');
    const auto second = first == std::string_view::npos ? first : text.find('.', first + 1);
    if (second == std::string_view::npos || first == 0 || first > 2 || second - first - 1 == 0 ||
        second - first - 1 > 2 || text.size() - second - 1 != 4) {
        return std::nullopt;
    }
    const auto d = small_number(text.substr(0, first));
    const auto m = small_number(text.substr(first + 1, second - first - 1));
    const auto y = small_number(text.substr(second + 1));
    if (!d || !m || !y) {
        return std::nullopt;
    }
    const std::chrono::year_month_day ymd{std::chrono::year{static_cast<int>(*y)},
                                          std::chrono::month{*m}, std::chrono::day{*d}};
    if (!ymd.ok()) {
        return std::nullopt;
    }
    return ymd;
}

procedures_csv_result parse_procedures_csv(std::string_view text,
                                           const procedure_references& known) {
    procedures_csv_result result;
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

    std::map<std::string, int> row_of_id;
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
        auto person = [&](std::string_view column) -> std::string {
            auto v = required(column);
            if (!v) {
                return {};
            }
            std::string email = detail::normalise_email(*v);
            if (!detail::is_email_address(email)) {
                error(std::string(column), "'" + *v + "' is not an email address");
            } else if (!known.people.contains(email)) {
                error(std::string(column), "'" + email + "' is not an active person in the " +
                                               "organisation (import people first)");
            }
            return email;
        };

        bot::procedure p;
        if (auto id = required("id")) {
            p.id = *id;
            bool well_formed = p.id.size() <= max_id_length;
            for (char c : p.id) {
                well_formed = well_formed && is_id_char(c);
            }
            if (!well_formed) {
                error("id", "'" + p.id +
                                "' is not an id: use up to 64 letters (a-z), digits and - _ . /");
            } else if (auto [it, inserted] = row_of_id.emplace(p.id, r->row); !inserted) {
                error("id", "'" + p.id + "' is already on row " + std::to_string(it->second));
            }
        }
        if (auto title = required("title")) {
            p.title = *title;
        }
        if (auto unit = required("unit")) {
            p.unit_id = *unit;
            if (!known.units.contains(*unit)) {
                error("unit", "unknown unit '" + *unit + "'");
            }
        }
        p.owner_email = person("owner_email");
        p.revision_owner_email = person("revision_owner_email");
        if (auto reviewed = required("last_reviewed")) {
            if (auto d = parse_spreadsheet_date(*reviewed); !d) {
                error("last_reviewed",
                      "'" + *reviewed + "' is not a date (write 2026-03-15 or 15.03.2026)");
            } else if (known.today.ok() && *d > known.today) {
                error("last_reviewed", "'" + *reviewed + "' is in the future");
            } else {
                p.last_reviewed = *d;
            }
        }
        if (auto interval = value("interval_months"); interval && !interval->empty()) {
            const auto n = small_number(*interval);
            if (!n || *n < 1 || *n > static_cast<unsigned>(max_interval_months)) {
                error("interval_months",
                      "'" + *interval + "' must be a whole number of months from 1 to 12");
            } else {
                p.interval_months = static_cast<int>(*n);
            }
        }
        for (auto [column, field] : {std::pair{"area", &p.area}, std::pair{"subgroup", &p.subgroup},
                                     std::pair{"version", &p.version}, std::pair{"url", &p.url}}) {
            if (auto v = value(column)) {
                *field = std::move(*v);
            }
        }
        if (row_ok) {
            result.procedures.push_back(std::move(p));
        }
    }
    if (!errors.empty()) {
        result.procedures.clear();
    }
    return result;
}

}  // namespace kv::daemon
