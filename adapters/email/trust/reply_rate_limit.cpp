#include "adapters/email/trust/reply_rate_limit.hpp"

namespace kv::email {

bool may_answer(const std::vector<std::chrono::sys_seconds>& earlier, std::chrono::sys_seconds now,
                const reply_rate_limit& limit) {
    int recent = 0;
    for (const auto t : earlier) {
        if (t > now - limit.window && t <= now) {
            ++recent;
        }
    }
    return recent < limit.max_answers;
}

}  // namespace kv::email
