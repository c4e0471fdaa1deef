#pragma once
// What the bot needs from the world, as small read-only interfaces. The daemon implements them
// on SQLite (daemon/store); tests implement them in memory (tests/support).

#include <optional>
#include <string>
#include <vector>

#include "bot/decision.hpp"
#include "bot/domain/approval.hpp"
#include "bot/domain/model.hpp"
#include "bot/domain/procedure.hpp"

namespace kv::bot {

class directory {
  public:
    virtual ~directory() = default;
    virtual std::optional<person> find_person(const std::string& email) const = 0;
    virtual std::optional<unit> find_unit(const std::string& id) const = 0;
    virtual std::vector<unit> all_units() const = 0;
    virtual std::vector<committee> all_committees() const = 0;
};

// The quality library: procedures, the approvals they wait for, and reading confirmations.
class library {
  public:
    virtual ~library() = default;
    virtual std::optional<procedure> find_procedure(const std::string& id) const = 0;
    virtual std::optional<approval> find_approval(std::int64_t id) const = 0;
    // The id the next approval written gets (1 for the first).
    virtual std::int64_t next_approval_id() const = 0;
    virtual std::vector<approval> pending_approvals_about(const std::string& subject) const = 0;
    // Active people whose unit is one of `unit_ids`, ordered by email.
    virtual std::vector<person> people_in_units(const std::vector<std::string>& unit_ids) const = 0;
    // The reading list of the procedure's current version, ordered by email.
    virtual std::vector<reading_entry> reading_status(const std::string& procedure_id) const = 0;
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
    // The quality library when this repository keeps one; nullptr when it does not (the bot
    // then says approvals and reviews are not available here).
    virtual const library* quality_library() const { return nullptr; }
};

}  // namespace kv::bot
