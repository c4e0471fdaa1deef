#include "daemon/app/app.hpp"

#include <sstream>

#include "daemon/config/load_organisation.hpp"
#include "daemon/config/load_settings.hpp"
#include "daemon/log.hpp"
#include "daemon/schedule/scheduler.hpp"
#include "daemon/store/sqlite.hpp"

namespace kv::daemon {

std::optional<loaded_config> load_config(const std::filesystem::path& config_file,
                                         std::ostream& err) {
    auto s = load_settings(config_file);
    if (!s.value) {
        for (const auto& e : s.errors) {
            err << e.to_string() << "\n";
        }
        return std::nullopt;
    }
    auto o = load_organisation(s.value->organisation_file);  // already resolved by the loader
    if (!o.value) {
        for (const auto& e : o.errors) {
            err << e.to_string() << "\n";
        }
        return std::nullopt;
    }
    return loaded_config{std::move(*s.value), std::move(*o.value)};
}

std::optional<app> open_app(const std::filesystem::path& config_file, std::ostream& err,
                            int& exit_code) {
    auto loaded = load_config(config_file, err);
    if (!loaded) {
        exit_code = exit_usage;
        return std::nullopt;
    }
    log::set_level(loaded->cfg.log_level);
    try {
        auto db = std::make_unique<store>(store_options{loaded->cfg.store.database,
                                                        loaded->cfg.store.synchronous_full,
                                                        loaded->cfg.store.busy_timeout_ms});
        db->sync_organisation(loaded->org, now_seconds());
        // The bot shows the wheel the scheduler reminds from. A wheel that does not load is
        // reported by check-config, remind and serve; chat then says there is no wheel.
        std::ostringstream wheel_errors;
        std::shared_ptr<const bot::wheel_calendar> wheel;
        if (auto sc = load_schedule_config(loaded->cfg, loaded->org, wheel_errors)) {
            wheel = std::make_shared<const scheduler>(std::move(*sc));
        }
        bot::bot brain(bot_rules(loaded->cfg), std::move(wheel));
        return app{std::move(loaded->cfg), std::move(loaded->org), std::move(db), std::move(brain)};
    } catch (const store_error& e) {
        err << "error: " << e.what() << "\n";
        exit_code = exit_failure;
        return std::nullopt;
    }
}

std::chrono::sys_seconds now_seconds() {
    return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

}  // namespace kv::daemon
