#pragma once
// Remembers the last few tokens whose signature verified, with the key object that verified them.
// The channel sends the same token with every activity for as long as it is valid, so a busy
// bot would otherwise repeat the same RSA verification thousands of times a second. Only the
// signature is remembered: every claim (issuer, audience, times, endorsements, serviceurl) is
// still checked per request. An entry counts only for the very key object that verified it,
// so a refreshed key set verifies afresh.
// Thread-safe.

#include <array>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "adapters/teams/auth/openid_key_cache.hpp"
#include "adapters/teams/auth/rsa_key.hpp"

namespace kv::teams {

class verified_signatures {
  public:
    // True when exactly this token (every byte) was verified with `alg` by this key object.
    bool contains(std::string_view token, jws_alg alg,
                  const std::shared_ptr<const signing_key>& key) const;
    // Records a token whose signature `key` has just verified; the oldest entry makes room.
    void add(std::string_view token, jws_alg alg, std::shared_ptr<const signing_key> key);

  private:
    struct entry {
        std::string token;
        jws_alg alg = jws_alg::rs256;
        std::shared_ptr<const signing_key> key;  // kept alive, so its address is not reused
    };
    static constexpr std::size_t capacity = 16;

    mutable std::mutex mutex_;
    std::array<entry, capacity> entries_;
    std::size_t next_ = 0;
};

}  // namespace kv::teams
