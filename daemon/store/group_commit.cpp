#include "daemon/store/group_commit.hpp"

#include <algorithm>
#include <iterator>
#include <utility>

namespace kv::daemon {

group_commit::group_commit(store& db, post_fn post, clock_fn now, std::size_t max_batch)
    : db_(db),
      post_(std::move(post)),
      now_(std::move(now)),
      max_batch_(std::max<std::size_t>(1, max_batch)) {}

void group_commit::submit(bot::inbound_event ev, store::decide_fn decide, done_fn done) {
    bool post_drain = false;
    {
        const std::lock_guard lock{mutex_};
        queue_.push_back({std::move(ev), std::move(decide), std::move(done)});
        post_drain = !std::exchange(scheduled_, true);
    }
    if (post_drain) {
        post_([this] { drain(); });
    }
}

void group_commit::drain() {
    std::vector<job> batch;
    {
        const std::lock_guard lock{mutex_};
        const auto n = static_cast<std::ptrdiff_t>(std::min(queue_.size(), max_batch_));
        batch.assign(std::make_move_iterator(queue_.begin()),
                     std::make_move_iterator(queue_.begin() + n));
        queue_.erase(queue_.begin(), queue_.begin() + n);
    }
    if (!batch.empty()) {
        std::vector<store::batch_item> items;
        items.reserve(batch.size());
        for (const auto& j : batch) {
            items.push_back({&j.ev, &j.decide});
        }
        auto outcomes = db_.handle_many(items, now_());
        commits_.fetch_add(1);
        events_.fetch_add(batch.size());
        for (std::size_t i = 0; i < batch.size(); ++i) {
            try {
                batch[i].done(std::move(outcomes[i].result), outcomes[i].error);
            } catch (...) {
                // A completion that throws loses only its own follow-up; the commit stands.
            }
        }
    }
    bool again = false;
    {
        const std::lock_guard lock{mutex_};
        again = scheduled_ = !queue_.empty();
    }
    if (again) {
        post_([this] { drain(); });
    }
}

}  // namespace kv::daemon
