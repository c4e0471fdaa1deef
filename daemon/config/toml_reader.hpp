#pragma once
// Internal to daemon/config (links toml++ privately): reading TOML tables into settings while
// collecting every mistake with its line and dotted key, instead of stopping at the first.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "daemon/config/config_error.hpp"
#include "daemon/config/env.hpp"

namespace kv::daemon::detail {

// Collects the errors found in one file. Not thread-safe; one per load.
class error_list {
  public:
    explicit error_list(std::string file) : file_(std::move(file)) {}

    void add(int line, std::string key, std::string message);
    bool empty() const { return errors_.empty(); }

    // The errors in file order (by line, then in the order found).
    std::vector<config_error> take();

  private:
    std::string file_;
    std::vector<config_error> errors_;
};

int line_of(const toml::node& node);

// Reads and parses a TOML file. A missing or unreadable file and a syntax error are added to
// `errors` (toml++ stops at the first syntax error, so there is at most one) and give nullopt.
std::optional<toml::table> parse_toml_file(const std::filesystem::path& file, error_list& errors);

// Reads the keys of one table. Every key asked for counts as known; report_unknown_keys() then
// names the rest, suggesting the closest known key. Type and range mistakes are added to the
// error list and the getter returns nullopt, so the caller keeps its default and goes on.
// With an env lookup, get_string("foo") also honours `foo_env = "VAR"`.
class table_reader {
  public:
    table_reader(const toml::table& table, std::string path, error_list& errors,
                 const env_lookup* env = nullptr);

    std::optional<std::string> get_string(std::string_view key);
    std::optional<std::string> get_required_string(std::string_view key);
    std::optional<std::int64_t> get_integer(std::string_view key, std::int64_t min,
                                            std::int64_t max);
    std::optional<bool> get_bool(std::string_view key);
    std::optional<std::string> get_choice(std::string_view key,
                                          const std::vector<std::string_view>& choices);
    const toml::table* get_table(std::string_view key);

    // The tables of an array of tables (`[[unit]]` or `members = [{...}]`), with their index.
    // Elements that are not tables are reported and skipped.
    std::vector<std::pair<std::size_t, const toml::table*>> get_table_array(std::string_view key);

    void error(std::string_view key, std::string message);
    int line(std::string_view key) const;
    std::string path(std::string_view key) const;
    const std::string& path() const { return path_; }

    void report_unknown_keys();

  private:
    const toml::node* find(std::string_view key);

    const toml::table& table_;
    std::string path_;
    error_list& errors_;
    const env_lookup* env_;
    std::vector<std::string> known_;
};

}  // namespace kv::daemon::detail
