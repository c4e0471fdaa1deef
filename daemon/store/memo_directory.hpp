#pragma once
// The organisation as one read sees it, each person, unit and the committees looked up once: a
// filing's cards ask for the same unit and its leaders dozens of times, reminder texts for the
// same few leaders thousands of times. Lives no longer than the read or the decision it wraps,
// during which the organisation does not change; not thread-safe.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "bot/ports.hpp"

namespace kv::daemon {

class memo_directory final : public bot::directory {
  public:
    explicit memo_directory(const bot::directory& db) : db_(db) {}

    std::optional<bot::person> find_person(const std::string& email) const override {
        auto found = people_.find(email);
        if (found == people_.end()) {
            found = people_.emplace(email, db_.find_person(email)).first;
        }
        return found->second;
    }
    std::optional<bot::unit> find_unit(const std::string& id) const override {
        auto found = units_.find(id);
        if (found == units_.end()) {
            found = units_.emplace(id, db_.find_unit(id)).first;
        }
        return found->second;
    }
    std::vector<bot::unit> all_units() const override {
        if (!all_units_) {
            all_units_ = db_.all_units();
        }
        return *all_units_;
    }
    std::vector<bot::committee> all_committees() const override {
        if (!committees_) {
            committees_ = db_.all_committees();
        }
        return *committees_;
    }

  private:
    const bot::directory& db_;
    mutable std::map<std::string, std::optional<bot::person>, std::less<>> people_;
    mutable std::map<std::string, std::optional<bot::unit>, std::less<>> units_;
    mutable std::optional<std::vector<bot::unit>> all_units_;
    mutable std::optional<std::vector<bot::committee>> committees_;
};

}  // namespace kv::daemon
