#include "daemon/log.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

namespace kv::daemon::log {
namespace {

std::atomic<level> current{level::info};
std::mutex write_mutex;

const char* name_of(level l) {
    switch (l) {
        case level::debug:
            return "debug";
        case level::info:
            return "info";
        case level::warn:
            return "warn";
        case level::error:
            return "error";
    }
    return "?";
}

}  // namespace

void set_level(level l) noexcept {
    current = l;
}

void set_level(std::string_view name) noexcept {
    for (const auto l : {level::debug, level::info, level::warn, level::error}) {
        if (name == name_of(l)) {
            current = l;
        }
    }
}

void write(level l, std::string_view text) noexcept {
    if (l < current.load()) {
        return;
    }
    const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    gmtime_r(&t, &tm);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
    const std::lock_guard lock(write_mutex);
    std::fprintf(stderr, "%s %-5s %.*s\n", stamp, name_of(l), static_cast<int>(text.size()),
                 text.data());
}

}  // namespace kv::daemon::log
