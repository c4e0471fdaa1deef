#pragma once
// What the bot needs from the world, as small read-only interfaces. The daemon implements them
// on SQLite (daemon/store); tests implement them in memory (tests/support).

#include <optional>
#include <string>
#include <vector>

#include "bot/decision.hpp"
#include "bot/domain/model.hpp"

namespace kv::bot {

class directory {
public:
    virtual ~directory() = default;
    virtual std::optional<person> find_person(const std::string& email) const = 0;
    virtual std::optional<unit> find_unit(const std::string& id) const = 0;
    virtual std::vector<unit> all_units() const = 0;
    virtual std::vector<committee> all_committees() const = 0;
};

class repository {
public:
    virtual ~repository() = default;
    virtual std::optional<deviation_case> find_case(const std::string& human_id) const = 0;
    virtual std::vector<deviation_case> cases_reported_by(const std::string& email) const = 0;
    // Open (not closed) cases whose unit is one of `unit_ids`.
    virtual std::vector<deviation_case> open_cases_in(
        const std::vector<std::string>& unit_ids) const = 0;
    // The next free sequence number for case ids of `year` (1 for the first).
    virtual int next_case_seq(int year) const = 0;
    virtual conversation_state conversation(const std::string& email, channel via) const = 0;
};

}  // namespace kv::bot
