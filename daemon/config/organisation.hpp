#pragma once
// The municipality's organisation as configured: units (a tree), people and committees.
// Loaded from the TOML file the main configuration names; synced into the store at start-up.

#include <vector>

#include "bot/domain/model.hpp"

namespace kv::daemon {

struct organisation {
    std::string name;  // "Eksempel kommune"
    std::vector<bot::unit> units;
    std::vector<bot::person> people;
    std::vector<bot::committee> committees;
};

}  // namespace kv::daemon
