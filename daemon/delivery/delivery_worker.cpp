#include "daemon/delivery/delivery_worker.hpp"

#include <algorithm>
#include <exception>
#include <future>
#include <optional>
#include <string>
#include <utility>

#include "daemon/log.hpp"

namespace kv::daemon {

namespace {

constexpr int batch_size = 100;
constexpr int max_handovers = 3;
// The wait runs on the steady clock while not_before is wall-clock time: a far instant is looked
// at again hourly, in case the wall clock was set meanwhile.
constexpr std::chrono::milliseconds longest_timed_wait = std::chrono::hours{1};

std::string describe(const outbox_item& item) {
    return "outbox " + std::to_string(item.id) + " (" + std::string{bot::to_string(item.via)} + ")";
}

}  // namespace

delivery_worker::delivery_worker(delivery_worker_options options,
                                 std::vector<std::unique_ptr<channel_sender>> senders)
    : options_(std::move(options)) {
    for (auto& s : senders) {
        const auto ch = s->channel();
        senders_[ch] = std::move(s);
    }
}

delivery_worker::~delivery_worker() {
    stop();
}

std::vector<bot::channel> delivery_worker::channels() const {
    std::vector<bot::channel> out;
    for (const auto& [ch, sender] : senders_) {
        out.push_back(ch);
    }
    return out;
}

std::chrono::sys_seconds delivery_worker::now() const {
    if (options_.now) {
        return options_.now();
    }
    return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

std::chrono::seconds delivery_worker::backoff(int attempts) const {
    // attempts counts the failures so far, this one included: base, 2 x base, 4 x base, ...
    long long delay = options_.delivery.retry_base_seconds;
    for (int i = 1; i < attempts && delay < options_.delivery.retry_max_seconds; ++i) {
        delay *= 2;
    }
    return std::chrono::seconds{std::min<long long>(delay, options_.delivery.retry_max_seconds)};
}

void delivery_worker::start() {
    if (thread_.joinable() || senders_.empty()) {
        return;
    }
    db_ = std::make_unique<store>(options_.store);
    thread_ = std::thread([this] { loop(); });
}

void delivery_worker::wake() {
    {
        const std::lock_guard lock{mutex_};
        woken_ = true;
    }
    cv_.notify_one();
}

void delivery_worker::stop() {
    {
        const std::lock_guard lock{mutex_};
        stopping_ = true;
    }
    cv_.notify_one();
    if (thread_.joinable()) {
        thread_.join();
    }
}

delivery_pass delivery_worker::run_once() {
    if (!db_) {
        db_ = std::make_unique<store>(options_.store);
    }
    return pass(*db_);
}

delivery_pass delivery_worker::pass(store& db) {
    delivery_pass counts;
    for (auto& [ch, sender] : senders_) {
        // Rows handed to the fallback in this pass are due at once: taken in the same pass
        // when the fallback comes later in the map, else in the next.
        const bool finished = sender->overlaps_store_work()
                                  ? deliver_overlapped(db, *sender, counts)
                                  : deliver_in_turn(db, *sender, counts);
        if (!finished) {
            return counts;  // stopping: the rows not taken stay in the outbox
        }
    }
    return counts;
}

std::vector<delivery_outcome> delivery_worker::send(channel_sender& sender,
                                                    const std::vector<outbox_item>& rows,
                                                    std::unique_ptr<prepared_batch> prepared) {
    try {
        return sender.send_prepared(rows, std::move(prepared), [this] {
            const std::lock_guard lock{mutex_};
            return stopping_;
        });
    } catch (const std::exception& e) {
        // Against the sender's contract; which rows went out is unknown, so every row is tried
        // again (with the same Message-ID, at least once).
        return std::vector<delivery_outcome>(rows.size(),
                                             {delivery_outcome::status::retry_later, std::nullopt,
                                              std::string{"sender failed: "} + e.what()});
    }
}

void delivery_worker::settle_batch(store& db, const std::vector<outbox_item>& rows,
                                   const std::vector<delivery_outcome>& outcomes,
                                   delivery_pass& counts) {
    // Rows sent in a batch are marked delivered together, in one transaction: one fsync per
    // batch instead of one per message. A crash before the mark sends them again (at least
    // once, with the same Message-ID), so nothing is lost.
    std::vector<std::pair<std::int64_t, std::chrono::sys_seconds>> sent;
    for (std::size_t i = 0; i < outcomes.size() && i < rows.size(); ++i) {
        settle(db, rows[i], outcomes[i], counts, sent);
    }
    if (sent.empty()) {
        return;
    }
    transaction tx{db.db(), transaction_mode::immediate};
    for (const auto& [id, at] : sent) {
        db.mark_delivered(id, at);
    }
    tx.commit();
}

bool delivery_worker::deliver_in_turn(store& db, channel_sender& sender, delivery_pass& counts) {
    for (;;) {
        const auto rows = db.due_outbox(now(), sender.channel(), std::nullopt, batch_size);
        const auto outcomes = send(sender, rows, sender.prepare_batch(rows));
        settle_batch(db, rows, outcomes, counts);
        if (outcomes.size() < rows.size()) {
            return false;
        }
        if (static_cast<int>(rows.size()) < batch_size) {
            return true;
        }
    }
}

std::vector<outbox_item> delivery_worker::due_besides(store& db, bot::channel ch,
                                                      const std::vector<outbox_item>& in_flight) {
    std::vector<std::int64_t> flying;
    flying.reserve(in_flight.size());
    for (const auto& item : in_flight) {
        flying.push_back(item.id);
    }
    return db.due_outbox_besides(now(), ch, flying, batch_size);
}

bool delivery_worker::deliver_overlapped(store& db, channel_sender& sender, delivery_pass& counts) {
    // While batch N is on the wire (on its own thread), this thread settles batch N - 1 and
    // marks what it delivered, then fetches batch N + 1 without N's rows and prepares it. The
    // store work so waits for no SMTP round trip, and no row is in two batches at once.
    auto rows = db.due_outbox(now(), sender.channel(), std::nullopt, batch_size);
    auto prepared = sender.prepare_batch(rows);
    std::vector<outbox_item> done;
    std::vector<delivery_outcome> outcomes;
    while (!rows.empty()) {
        const std::vector<outbox_item> flying = std::move(rows);
        rows.clear();
        // The future's destructor waits for the send, also when the store work throws: the
        // rows sent then stay pending and go again with the same Message-ID.
        auto wire = std::async(std::launch::async, [&, batch = std::move(prepared)]() mutable {
            return send(sender, flying, std::move(batch));
        });
        settle_batch(db, done, outcomes, counts);
        if (static_cast<int>(flying.size()) == batch_size) {
            rows = due_besides(db, sender.channel(), flying);
            prepared = sender.prepare_batch(rows);
        }
        outcomes = wire.get();
        done = flying;
        if (outcomes.size() < done.size()) {
            settle_batch(db, done, outcomes, counts);
            return false;
        }
    }
    settle_batch(db, done, outcomes, counts);
    return true;
}

void delivery_worker::settle(store& db, const outbox_item& item, const delivery_outcome& outcome,
                             delivery_pass& counts,
                             std::vector<std::pair<std::int64_t, std::chrono::sys_seconds>>& sent) {
    using status = delivery_outcome::status;
    const auto t = now();
    const bool can_fall_back = item.via != options_.fallback && senders_.count(options_.fallback);
    auto report = [&](std::string_view result) {
        if (options_.on_outcome) {
            options_.on_outcome(item.via, result);
        }
    };
    auto fall_back = [&](bot::channel to, const std::string& why) {
        db.reroute_outbox(item.id, to, why, t);
        log::warn(describe(item) + ": handed to " + std::string{bot::to_string(to)} + ": " + why);
        ++counts.rerouted;
        report("fallback");
    };
    auto give_up = [&](const std::string& why) {
        if (can_fall_back) {
            fall_back(options_.fallback, why);
            return;
        }
        db.mark_attempt_failed(item.id, why, t, true);
        log::error(describe(item) + ": given up: " + why);
        ++counts.failed;
        report("failed");
    };

    switch (outcome.result) {
        case status::delivered:
            handovers_.erase(item.id);
            sent.emplace_back(item.id, t);
            ++counts.delivered;
            report("delivered");
            return;
        case status::use_fallback: {
            auto to = outcome.fallback_to.value_or(options_.fallback);
            if (++handovers_[item.id] > max_handovers || to == bot::channel::console) {
                handovers_.erase(item.id);
                to = bot::channel::console;
            }
            if (to != item.via && (to == bot::channel::console || senders_.count(to) != 0)) {
                fall_back(to, outcome.error);
            } else {
                give_up(outcome.error);
            }
            return;
        }
        case status::failed_permanently:
            give_up(outcome.error);
            return;
        case status::retry_later: {
            const int attempts = item.attempts + 1;
            if (attempts >= options_.delivery.max_attempts) {
                give_up("after " + std::to_string(attempts) + " attempts: " + outcome.error);
                return;
            }
            auto delay = backoff(attempts);
            if (outcome.retry_after && *outcome.retry_after > delay) {
                delay = *outcome.retry_after;
            }
            db.mark_attempt_failed(item.id, outcome.error, t + delay, false);
            log::info(describe(item) + ": retry in " + std::to_string(delay.count()) +
                      " s: " + outcome.error);
            ++counts.retried;
            report("retry");
            return;
        }
    }
}

void delivery_worker::loop() {
    const auto watched = channels();
    for (;;) {
        // nullopt: nothing to wait for but wake() or stop().
        std::optional<std::chrono::milliseconds> wait;
        try {
            pass(*db_);
            if (const auto next = db_->next_outbox_due(watched)) {
                wait =
                    std::clamp(std::chrono::duration_cast<std::chrono::milliseconds>(*next - now()),
                               std::chrono::milliseconds{0}, longest_timed_wait);
            }
        } catch (const std::exception& e) {
            log::error(std::string{"delivery pass failed: "} + e.what());
            wait = options_.retry_after_error;
        }
        ++passes_;
        std::unique_lock lock{mutex_};
        const auto woken = [this] { return woken_ || stopping_; };
        if (wait) {
            cv_.wait_for(lock, *wait, woken);
        } else {
            cv_.wait(lock, woken);
        }
        if (stopping_) {
            return;
        }
        woken_ = false;
    }
}

}  // namespace kv::daemon
