#pragma once
// How often the bot may write back to one sender on its own initiative (help texts, refusals,
// "not understood"): a sliding window, so a mail loop or a flood gets a few answers, not one per
// message. Pure: the caller keeps the times of earlier answers.

#include <chrono>
#include <vector>

namespace kv::email {

struct reply_rate_limit {
    int max_answers = 5;                   // per sender within `window`; 0 answers nobody
    std::chrono::seconds window{60 * 60};  // one hour
};

// True when one more answer at `now` keeps the sender within the limit, given the times of the
// earlier answers to that sender (any order; those outside the window are ignored).
bool may_answer(const std::vector<std::chrono::sys_seconds>& earlier, std::chrono::sys_seconds now,
                const reply_rate_limit& limit);

}  // namespace kv::email
