#include "daemon/config/annual_wheel.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <string_view>

#include "bot/domain/oslo_time.hpp"
#include "daemon/config/toml_reader.hpp"
#include "daemon/config/validation.hpp"
#include "daemon/schedule/rrule.hpp"

namespace kv::daemon {
namespace {

using namespace std::chrono;
using detail::error_list;
using detail::table_reader;

const std::vector<std::string> item_keys{"id",         "title", "kind",
                                         "committee",  "role",  "rrule",
                                         "starts",     "time",  "duration_minutes",
                                         "lead_times", "agenda"};

bool is_id(std::string_view id) {
    return !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '-' || c == '_' || c == '.';
    });
}

std::optional<int> parse_int(std::string_view s) {
    int value = 0;
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec != std::errc{} || p != s.data() + s.size()) {
        return std::nullopt;
    }
    return value;
}

// "HH:MM", 00:00..23:59.
std::optional<minutes> parse_time_of_day(std::string_view s) {
    if (s.size() != 5 || s[2] != ':') {
        return std::nullopt;
    }
    const auto h = parse_int(s.substr(0, 2));
    const auto m = parse_int(s.substr(3, 2));
    if (!h || !m || *h < 0 || *h > 23 || *m < 0 || *m > 59) {
        return std::nullopt;
    }
    return hours{*h} + minutes{*m};
}

// The strings of an array key, or nullopt (with an error) when it is not an array of strings.
std::optional<std::vector<std::string>> string_array(const toml::table& table, std::string_view key,
                                                     const std::string& path, error_list& errors) {
    const toml::node* node = table.get(key);
    if (node == nullptr) {
        return std::nullopt;
    }
    const toml::array* array = node->as_array();
    if (array == nullptr) {
        errors.add(detail::line_of(*node), path, "must be an array of strings");
        return std::nullopt;
    }
    std::vector<std::string> out;
    for (const auto& element : *array) {
        if (!element.is_string()) {
            errors.add(detail::line_of(element), path, "must be an array of strings");
            return std::nullopt;
        }
        out.push_back(element.as_string()->get());
    }
    return out;
}

// "14d" -> 14. Sorted descending and unique; errors name the key.
std::optional<std::vector<int>> lead_days(const toml::table& table, std::string_view key,
                                          const std::string& path, error_list& errors) {
    auto texts = string_array(table, key, path, errors);
    if (!texts) {
        return std::nullopt;
    }
    const int line = detail::line_of(*table.get(key));
    if (texts->empty()) {
        errors.add(line, path, "must name at least one lead time");
        return std::nullopt;
    }
    std::vector<int> out;
    for (const auto& text : *texts) {
        const auto n = text.size() >= 2 && text.back() == 'd'
                           ? parse_int(std::string_view(text).substr(0, text.size() - 1))
                           : std::nullopt;
        if (!n || *n < 0 || *n > 366) {
            errors.add(line, path,
                       "'" + text +
                           "' is not a lead time; write whole days such as \"14d\" or "
                           "\"0d\" (the morning of)");
            return std::nullopt;
        }
        out.push_back(*n);
    }
    std::sort(out.begin(), out.end(), std::greater<>{});
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

const std::vector<std::string> root_keys{"default_lead_times", "item"};

void report_unknown_keys(const toml::table& table, const std::vector<std::string>& known,
                         const std::string& path, error_list& errors) {
    for (const auto& [key, node] : table) {
        const std::string_view name = key.str();
        if (std::find(known.begin(), known.end(), name) != known.end()) {
            continue;
        }
        std::string message = "unknown key";
        if (auto suggestion = detail::closest_match(name, known)) {
            message += "; did you mean '" + *suggestion + "'?";
        }
        const int key_line = static_cast<int>(key.source().begin.line);
        errors.add(key_line > 0 ? key_line : detail::line_of(node),
                   path.empty() ? std::string(name) : path + "." + std::string(name),
                   std::move(message));
    }
}

// Reads one item into its own error list, so that it is known whether the item is whole.
struct item_reader {
    const organisation& org;
    const std::optional<std::vector<int>>& default_leads;
    error_list& all_errors;
    std::string file;

    std::optional<bot::wheel_item> read(std::size_t index, const toml::table& table) {
        error_list errors(file);
        auto item = read_into(index, table, errors);
        auto found = errors.take();
        for (auto& e : found) {
            all_errors.add(e.line, std::move(e.key), std::move(e.message));
        }
        if (!found.empty()) {
            return std::nullopt;
        }
        return item;
    }

    bot::wheel_item read_into(std::size_t index, const toml::table& table, error_list& errors) {
        const std::string key = "item[" + std::to_string(index) + "]";
        table_reader r(table, key, errors);
        bot::wheel_item item;
        item.id = r.get_required_string("id").value_or("");
        if (!item.id.empty() && !is_id(item.id)) {
            r.error("id", "'" + item.id + "' may hold only letters, digits, '-', '_' and '.'");
        }
        item.title = r.get_required_string("title").value_or("");
        if (!table.contains("kind")) {
            r.error("kind", "required");
        } else if (auto kind =
                       r.get_choice("kind", {"meeting", "deadline", "report", "review", "audit"})) {
            item.kind = *bot::parse_wheel_item_kind(*kind);
        }
        read_owner(r, table, item);
        if (auto rule = r.get_required_string("rrule")) {
            if (auto why = rrule_error(*rule)) {
                r.error("rrule", *why);
            }
            item.rrule = *rule;
        }
        if (auto starts = r.get_string("starts")) {
            if (auto d = bot::parse_iso_date(*starts)) {
                item.starts = *d;
            } else {
                r.error("starts", "'" + *starts + "' is not a date (YYYY-MM-DD)");
            }
        }
        if (auto time = r.get_string("time")) {
            if (auto t = parse_time_of_day(*time)) {
                item.local_time = *t;
            } else {
                r.error("time", "'" + *time + "' is not a time of day (HH:MM)");
            }
        }
        item.duration = minutes{r.get_integer("duration_minutes", 0, 24 * 60).value_or(0)};
        if (table.contains("lead_times")) {
            item.lead_days = lead_days(table, "lead_times", r.path("lead_times"), errors)
                                 .value_or(std::vector<int>{});
        } else if (default_leads) {
            item.lead_days = *default_leads;
        } else {
            errors.add(detail::line_of(table), r.path("lead_times"),
                       "required: the item has no lead times and the file no default_lead_times");
        }
        if (auto agenda = string_array(table, "agenda", r.path("agenda"), errors)) {
            item.agenda = std::move(*agenda);
        }
        report_unknown_keys(table, item_keys, key, errors);
        return item;
    }

    void read_owner(table_reader& r, const toml::table& table, bot::wheel_item& item) {
        const bool has_committee = table.contains("committee");
        const bool has_role = table.contains("role");
        if (has_committee && has_role) {
            r.error("role", "give either 'committee' or 'role' as the owner, not both");
            return;
        }
        if (!has_committee && !has_role) {
            r.error("committee", "required: the owning committee (or a 'role')");
            return;
        }
        if (has_committee) {
            item.committee_id = r.get_required_string("committee").value_or("");
            const bool known =
                std::any_of(org.committees.begin(), org.committees.end(),
                            [&](const auto& c) { return c.id == item.committee_id; });
            if (!item.committee_id.empty() && !known) {
                std::vector<std::string> ids;
                for (const auto& c : org.committees) {
                    ids.push_back(c.id);
                }
                std::string message = "unknown committee '" + item.committee_id + "'";
                if (auto suggestion = detail::closest_match(item.committee_id, ids)) {
                    message += "; did you mean '" + *suggestion + "'?";
                }
                r.error("committee", std::move(message));
            }
            return;
        }
        item.role = r.get_choice("role", detail::person_roles()).value_or("");
    }
};

}  // namespace

annual_wheel_result load_annual_wheel(const std::filesystem::path& file, const organisation& org) {
    error_list errors(file.string());
    auto document = detail::parse_toml_file(file, errors);
    if (!document) {
        return {std::nullopt, errors.take()};
    }
    std::optional<std::vector<int>> default_leads;
    if (document->contains("default_lead_times")) {
        default_leads = lead_days(*document, "default_lead_times", "default_lead_times", errors);
    }
    bot::annual_wheel wheel;
    std::map<std::string, int> first_line;
    table_reader root(*document, "", errors);
    item_reader reader{org, default_leads, errors, file.string()};
    for (const auto& [index, table] : root.get_table_array("item")) {
        auto item = reader.read(index, *table);
        if (!item) {
            continue;
        }
        const int line = detail::line_of(*table->get("id"));
        auto [it, inserted] = first_line.emplace(item->id, line);
        if (!inserted) {
            errors.add(line, "item[" + std::to_string(index) + "].id",
                       "duplicate item '" + item->id + "' (first at line " +
                           std::to_string(it->second) + ")");
            continue;
        }
        wheel.items.push_back(std::move(*item));
    }
    report_unknown_keys(*document, root_keys, "", errors);
    if (!errors.empty()) {
        return {std::nullopt, errors.take()};
    }
    return {std::move(wheel), {}};
}

}  // namespace kv::daemon
