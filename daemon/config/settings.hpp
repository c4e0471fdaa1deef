#pragma once
// The daemon's settings, as read from config/kvalitetsvakt.toml. Plain structs with defaults;
// daemon/config/load_settings.cpp fills them and reports every mistake with file, line and key.

#include <cstdint>
#include <filesystem>
#include <string>

#include "bot/settings.hpp"

namespace kv::daemon {

struct store_settings {
    std::filesystem::path database = "var/kvalitetsvakt.db";  // relative: to the working dir
    bool synchronous_full = true;  // "full" (default) or "normal"
    int busy_timeout_ms = 5000;    // 0..600000
};

struct http_settings {
    std::string listen = "127.0.0.1";  // an IPv4 or IPv6 address literal
    std::uint16_t port = 8080;         // 0 picks a free port (tests)
    std::size_t body_limit = 256 * 1024;
};

struct delivery_settings {
    int max_attempts = 12;          // 1..1000; after that a row is marked failed
    int retry_base_seconds = 30;    // first retry delay, doubled each attempt, 1..3600
    int retry_max_seconds = 3600;   // cap on the delay, >= retry_base_seconds
};

struct settings {
    std::filesystem::path config_file;    // the file these came from
    std::filesystem::path organisation_file = "organisation.toml";  // relative: to config_file
    std::string log_level = "info";       // "debug", "info", "warn", "error"
    store_settings store;
    http_settings http;
    delivery_settings delivery;
    bot::bot_settings bot;
};

}  // namespace kv::daemon
