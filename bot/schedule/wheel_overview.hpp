#pragma once
// What `årshjul` shows a person: the coming occurrences of the wheel items they are reminded of
// (those of the committees they sit on, and those owned by their role), chosen from the same
// expanded occurrences the scheduler reminds from. Pure.

#include <chrono>
#include <cstddef>
#include <vector>

#include "bot/domain/model.hpp"
#include "bot/schedule/wheel.hpp"

namespace kv::bot {

struct wheel_overview_settings {
    std::chrono::days window{90};    // everything starting within this many days is shown ...
    std::size_t at_least = 5;        // ... and at least this many, when the wheel has them
    std::chrono::days horizon{400};  // how far ahead occurrences are looked for at all
};

// Whether `me` is reminded of `item`: a member of its committee, or holder of its role.
bool takes_part(const person& me, const std::vector<committee>& committees, const wheel_item& item);

// Of `occurrences` (in start order, starting after `now`), those `me` takes part in that start
// within the window, or the first `at_least` of them when the window holds fewer.
std::vector<wheel_occurrence> upcoming_for(const std::vector<wheel_occurrence>& occurrences,
                                           const person& me,
                                           const std::vector<committee>& committees,
                                           std::chrono::sys_seconds now,
                                           const wheel_overview_settings& settings = {});

}  // namespace kv::bot
