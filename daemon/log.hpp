#pragma once
// The daemon's log: one line per event on stderr, with a level. Never give it message bodies or
// free text from people: ids, counts and outcomes only.

#include <string_view>

namespace kv::daemon::log {

enum class level { debug, info, warn, error };

void set_level(level l) noexcept;
// "debug", "info", "warn", "error"; unknown names leave the level as it is.
void set_level(std::string_view name) noexcept;
void write(level l, std::string_view text) noexcept;

inline void debug(std::string_view t) noexcept {
    write(level::debug, t);
}
inline void info(std::string_view t) noexcept {
    write(level::info, t);
}
inline void warn(std::string_view t) noexcept {
    write(level::warn, t);
}
inline void error(std::string_view t) noexcept {
    write(level::error, t);
}

}  // namespace kv::daemon::log
