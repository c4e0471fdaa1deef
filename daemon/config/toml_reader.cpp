#include "daemon/config/toml_reader.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "daemon/config/validation.hpp"

namespace kv::daemon::detail {

void error_list::add(int line, std::string key, std::string message) {
    errors_.push_back(config_error{file_, line, std::move(key), std::move(message)});
}

std::vector<config_error> error_list::take() {
    std::stable_sort(errors_.begin(), errors_.end(),
                     [](const config_error& a, const config_error& b) { return a.line < b.line; });
    return std::move(errors_);
}

int line_of(const toml::node& node) {
    return static_cast<int>(node.source().begin.line);
}

std::optional<toml::table> parse_toml_file(const std::filesystem::path& file, error_list& errors) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec)) {
        errors.add(0, "", "cannot read");
        return std::nullopt;
    }
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in) {
        errors.add(0, "", "cannot read");
        return std::nullopt;
    }
    try {
        return toml::parse(std::move(text).str(), file.string());
    } catch (const toml::parse_error& e) {
        errors.add(static_cast<int>(e.source().begin.line), "", std::string(e.description()));
        return std::nullopt;
    }
}

table_reader::table_reader(const toml::table& table, std::string path, error_list& errors,
                           const env_lookup* env)
    : table_(table), path_(std::move(path)), errors_(errors), env_(env) {}

const toml::node* table_reader::find(std::string_view key) {
    known_.emplace_back(key);
    return table_.get(key);
}

std::string table_reader::path(std::string_view key) const {
    if (path_.empty()) {
        return std::string(key);
    }
    return path_ + "." + std::string(key);
}

int table_reader::line(std::string_view key) const {
    if (const toml::node* node = table_.get(key)) {
        return line_of(*node);
    }
    if (env_ != nullptr) {
        if (const toml::node* name = table_.get(std::string(key) + "_env")) {
            return line_of(*name);
        }
    }
    // A key missing from the whole file has no line to point at.
    return path_.empty() ? 0 : line_of(table_);
}

void table_reader::error(std::string_view key, std::string message) {
    errors_.add(line(key), path(key), std::move(message));
}

std::optional<std::string> table_reader::get_string(std::string_view key) {
    const toml::node* node = find(key);
    if (env_ != nullptr) {
        const std::string env_key = std::string(key) + "_env";
        if (const toml::node* name = find(env_key)) {
            if (!name->is_string()) {
                error(env_key, "must be a string");
                return std::nullopt;
            }
            if (node != nullptr) {
                error(env_key,
                      "set either '" + std::string(key) + "' or '" + env_key + "', not both");
                return std::nullopt;
            }
            const std::string& variable = name->as_string()->get();
            auto value = (*env_)(variable);
            if (!value) {
                error(env_key, "environment variable '" + variable + "' is not set");
            }
            return value;
        }
    }
    if (node == nullptr) {
        return std::nullopt;
    }
    if (!node->is_string()) {
        error(key, "must be a string");
        return std::nullopt;
    }
    return node->as_string()->get();
}

std::optional<std::string> table_reader::get_required_string(std::string_view key) {
    const bool present =
        table_.contains(key) || (env_ != nullptr && table_.contains(std::string(key) + "_env"));
    auto value = get_string(key);
    if (!present) {
        error(key, "required");
    } else if (value && value->empty()) {
        error(key, "must not be empty");
        return std::nullopt;
    }
    return value;
}

std::optional<std::int64_t> table_reader::get_integer(std::string_view key, std::int64_t min,
                                                      std::int64_t max) {
    const toml::node* node = find(key);
    if (node == nullptr) {
        return std::nullopt;
    }
    if (!node->is_integer()) {
        error(key, "must be an integer");
        return std::nullopt;
    }
    const std::int64_t value = node->as_integer()->get();
    if (value < min || value > max) {
        error(key, "must be " + std::to_string(min) + ".." + std::to_string(max));
        return std::nullopt;
    }
    return value;
}

std::optional<bool> table_reader::get_bool(std::string_view key) {
    const toml::node* node = find(key);
    if (node == nullptr) {
        return std::nullopt;
    }
    if (!node->is_boolean()) {
        error(key, "must be true or false");
        return std::nullopt;
    }
    return node->as_boolean()->get();
}

std::optional<std::string> table_reader::get_choice(std::string_view key,
                                                    const std::vector<std::string_view>& choices) {
    auto value = get_string(key);
    if (value && !contains(choices, *value)) {
        error(key, one_of_message(choices));
        return std::nullopt;
    }
    return value;
}

const toml::table* table_reader::get_table(std::string_view key) {
    const toml::node* node = find(key);
    if (node == nullptr) {
        return nullptr;
    }
    if (!node->is_table()) {
        error(key, "must be a table");
        return nullptr;
    }
    return node->as_table();
}

std::vector<std::pair<std::size_t, const toml::table*>> table_reader::get_table_array(
    std::string_view key) {
    std::vector<std::pair<std::size_t, const toml::table*>> out;
    const toml::node* node = find(key);
    if (node == nullptr) {
        return out;
    }
    if (!node->is_array()) {
        error(key, "must be an array of tables");
        return out;
    }
    const toml::array& array = *node->as_array();
    for (std::size_t i = 0; i < array.size(); ++i) {
        if (!array[i].is_table()) {
            errors_.add(line_of(array[i]), path(key) + "[" + std::to_string(i) + "]",
                        "must be a table");
            continue;
        }
        out.emplace_back(i, array[i].as_table());
    }
    return out;
}

void table_reader::report_unknown_keys() {
    for (const auto& [key, node] : table_) {
        const std::string_view name = key.str();
        if (std::find(known_.begin(), known_.end(), name) != known_.end()) {
            continue;
        }
        std::string message = node.is_table() && path_.empty() ? "unknown section" : "unknown key";
        if (auto suggestion = closest_match(name, known_)) {
            message += "; did you mean '" + *suggestion + "'?";
        }
        const int key_line = static_cast<int>(key.source().begin.line);
        errors_.add(key_line > 0 ? key_line : line_of(node), path(name), std::move(message));
    }
}

}  // namespace kv::daemon::detail
