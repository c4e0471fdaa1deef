#pragma once
// The scheduler tests' store: the demo configuration loaded, and the schedule benchmark's store
// filled with `items` open items around fill_now (synchronous=NORMAL: nothing here tests
// durability); and the same with the demo configuration's scheduler.

#include <catch2/catch.hpp>

#include <chrono>
#include <memory>
#include <sstream>

#include "daemon/app/app.hpp"
#include "daemon/schedule/scheduler.hpp"
#include "tests/bench/schedule/fill_store.hpp"
#include "tests/daemon/config/temp_dir.hpp"

namespace kv::daemon::testing {

inline const std::chrono::sys_seconds fill_now =
    std::chrono::sys_days{std::chrono::year{2027} / std::chrono::March / 10} +
    std::chrono::hours{11};

struct demo_store {
    temp_dir dir;
    loaded_config loaded;
    std::unique_ptr<store> db;

    explicit demo_store(int items) {
        std::ostringstream err;
        auto config = load_config(KV_SOURCE_DIR "/config/kvalitetsvakt.toml", err);
        REQUIRE(config);
        loaded = std::move(*config);
        store_options so;
        so.path = dir.path() / "kv.db";
        so.synchronous_full = false;
        db = std::make_unique<store>(so);
        db->sync_organisation(loaded.org, fill_now);
        bench::fill_store(*db, loaded.org, items, fill_now);
    }
};

// The demo store with the demo configuration's scheduler (annual wheel included).
struct demo_schedule : demo_store {
    std::unique_ptr<scheduler> sched;

    explicit demo_schedule(int items) : demo_store(items) {
        std::ostringstream err;
        auto cfg = load_schedule_config(loaded.cfg, loaded.org, err);
        REQUIRE(cfg);
        sched = std::make_unique<scheduler>(std::move(*cfg));
    }
};

}  // namespace kv::daemon::testing
