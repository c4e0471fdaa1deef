#include "bot/domain/access.hpp"

#include <algorithm>
#include <optional>

namespace kv::bot {
namespace {

bool directly_leads(const unit& u, const std::string& email) {
    return !email.empty() && (u.leader_email == email || u.deputy_email == email);
}

}  // namespace

bool leads_unit(const directory& dir, const std::string& email, const std::string& unit_id) {
    // A cycle in a broken tree must not loop forever: the walk stops 1000 levels up, far above
    // any organisation's top.
    constexpr int deepest = 1000;
    std::optional<unit> u = dir.find_unit(unit_id);
    for (int depth = 0; u && depth < deepest; ++depth) {
        if (directly_leads(*u, email)) {
            return true;
        }
        if (u->parent_id.empty()) {
            return false;
        }
        u = dir.find_unit(u->parent_id);
    }
    return false;
}

std::vector<std::string> units_led_by(const directory& dir, const std::string& email) {
    std::vector<std::string> led;
    for (const auto& u : dir.all_units()) {
        if (leads_unit(dir, email, u.id)) {
            led.push_back(u.id);
        }
    }
    return led;
}

std::vector<std::string> unit_leaders(const directory& dir, const std::string& unit_id) {
    std::vector<std::string> out;
    if (const auto u = dir.find_unit(unit_id)) {
        for (const auto* e : {&u->leader_email, &u->deputy_email}) {
            if (!e->empty() && std::find(out.begin(), out.end(), *e) == out.end()) {
                out.push_back(*e);
            }
        }
    }
    return out;
}

std::vector<std::string> patient_safety_members(const directory& dir) {
    std::vector<std::string> out;
    for (const auto& c : dir.all_committees()) {
        if (c.kind != committee_kind::patient_safety) {
            continue;
        }
        for (const auto& m : c.members) {
            if (std::find(out.begin(), out.end(), m.email) == out.end()) {
                out.push_back(m.email);
            }
        }
    }
    return out;
}

}  // namespace kv::bot
