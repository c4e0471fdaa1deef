#include "adapters/teams/auth/verified_signatures.hpp"

#include <utility>

namespace kv::teams {

bool verified_signatures::contains(std::string_view token, jws_alg alg,
                                   const std::shared_ptr<const signing_key>& key) const {
    const std::lock_guard lock{mutex_};
    for (const auto& e : entries_) {
        if (e.key != nullptr && e.key == key && e.alg == alg && e.token == token) {
            return true;
        }
    }
    return false;
}

void verified_signatures::add(std::string_view token, jws_alg alg,
                              std::shared_ptr<const signing_key> key) {
    const std::lock_guard lock{mutex_};
    entries_[next_] = entry{std::string{token}, alg, std::move(key)};
    next_ = (next_ + 1) % capacity;
}

}  // namespace kv::teams
