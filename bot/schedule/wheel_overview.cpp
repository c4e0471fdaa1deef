#include "bot/schedule/wheel_overview.hpp"

#include <algorithm>

namespace kv::bot {

bool takes_part(const person& me, const std::vector<committee>& committees,
                const wheel_item& item) {
    if (!item.role.empty()) {
        return me.role == item.role;
    }
    return std::any_of(committees.begin(), committees.end(), [&](const committee& c) {
        return c.id == item.committee_id &&
               std::any_of(c.members.begin(), c.members.end(),
                           [&](const committee_member& m) { return m.email == me.email; });
    });
}

std::vector<wheel_occurrence> upcoming_for(const std::vector<wheel_occurrence>& occurrences,
                                           const person& me,
                                           const std::vector<committee>& committees,
                                           std::chrono::sys_seconds now,
                                           const wheel_overview_settings& settings) {
    std::vector<wheel_occurrence> out;
    const auto window_end = now + settings.window;
    for (const auto& o : occurrences) {
        if (o.start <= now || o.item == nullptr || !takes_part(me, committees, *o.item)) {
            continue;
        }
        if (o.start > window_end && out.size() >= settings.at_least) {
            break;
        }
        out.push_back(o);
    }
    return out;
}

}  // namespace kv::bot
