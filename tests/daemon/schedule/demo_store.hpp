#pragma once
// The scheduler tests' store: the demo configuration loaded, and the schedule benchmark's store
// filled with `items` open items around fill_now (synchronous=NORMAL: nothing here tests
// durability).

#include <catch2/catch.hpp>

#include <chrono>
#include <memory>
#include <sstream>

#include "daemon/app/app.hpp"
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

}  // namespace kv::daemon::testing
