#pragma once
// What every subcommand that touches the data starts from: the settings, the organisation, the
// opened and synced store, and the bot.

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <ostream>

#include "bot/dialog/bot.hpp"
#include "daemon/config/organisation.hpp"
#include "daemon/config/settings.hpp"
#include "daemon/store/store.hpp"

namespace kv::daemon {

// Exit codes shared by the subcommands.
inline constexpr int exit_ok = 0;
inline constexpr int exit_failure = 1;
inline constexpr int exit_usage = 2;  // also: a configuration that does not validate

struct loaded_config {
    settings cfg;
    organisation org;
};

// Loads and validates the settings and the organisation they name. On errors, prints each
// (file:line: key: message) to `err` and returns nullopt.
std::optional<loaded_config> load_config(const std::filesystem::path& config_file,
                                         std::ostream& err);

struct app {
    settings cfg;
    organisation org;
    std::unique_ptr<store> db;
    bot::bot brain;
};

// Loads the configuration, opens the store and syncs the organisation into it. Prints what is
// wrong to `err` and returns nullopt with `exit_code` set when it cannot.
std::optional<app> open_app(const std::filesystem::path& config_file, std::ostream& err,
                            int& exit_code);

std::chrono::sys_seconds now_seconds();

}  // namespace kv::daemon
