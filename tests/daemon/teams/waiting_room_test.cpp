#include "daemon/teams/waiting_room.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <thread>

using namespace std::chrono_literals;
using kv::daemon::waiting_room;

TEST_CASE("a full waiting room lets the next one in only when someone leaves", "[teams]") {
    waiting_room room{2};
    room.enter();
    room.enter();

    std::atomic<bool> third_inside{false};
    std::thread third([&] {
        room.enter();
        third_inside = true;
    });
    std::this_thread::sleep_for(100ms);
    CHECK_FALSE(third_inside);

    room.leave();
    third.join();
    CHECK(third_inside);
    room.leave();
    room.leave();
}
