#pragma once
// What the delivery worker asks of a channel: deliver one outbox row, and say what happened.
// Teams and email implement it (daemon/delivery/<channel>_sender.*) on top of their adapters.

#include <chrono>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bot/domain/model.hpp"
#include "bot/domain/names.hpp"
#include "daemon/store/store.hpp"

namespace kv::daemon {

struct delivery_outcome {
    enum class status {
        delivered,           // the channel accepted it; the row is done
        retry_later,         // transient (outage, 429, 5xx, rate limit): keep the row, try again
        failed_permanently,  // will never work on this channel (e.g. 400 bad payload)
        use_fallback,  // this person cannot be reached here (not installed, blocked, bounced):
                       // deliver the same message on the fallback channel instead
    };
    status result = status::delivered;
    // For retry_later: the earliest next attempt the channel asked for (Retry-After, a rate
    // limiter's next slot). Empty: the worker's exponential backoff decides.
    std::optional<std::chrono::seconds> retry_after;
    // Short and free of message content (it is logged and stored in outbox.last_error).
    std::string error;
    // For use_fallback: the channel that can reach this person, when the sender knows better
    // than the worker's configured fallback (email hands a bounced address to Teams or the
    // console). The console channel needs no sender: its rows wait for the person's `chat`.
    std::optional<bot::channel> fallback_to = std::nullopt;
};

// What a sender has made of a batch before sending it (e.g. email's recorded threads and
// links); only the sender that made it reads it.
struct prepared_batch {
    virtual ~prepared_batch() = default;
};

// One channel's delivery. deliver() runs on the delivery thread and may block on the network
// for a bounded time (a few seconds); it never throws: every failure is an outcome.
class channel_sender {
  public:
    virtual ~channel_sender() = default;
    virtual bot::channel channel() const = 0;
    virtual delivery_outcome deliver(const outbox_item& item) = 0;

    // The rows in order, each with the outcome deliver() would give it; a sender may share work
    // across them (one store transaction, one connection). Asks stop_requested() before each
    // row it has not started and stops when it says yes: the outcomes are for a prefix of
    // `items`. Never throws.
    virtual std::vector<delivery_outcome> deliver_batch(
        const std::vector<outbox_item>& items, const std::function<bool()>& stop_requested) {
        std::vector<delivery_outcome> out;
        for (const auto& item : items) {
            if (stop_requested()) {
                break;
            }
            try {
                out.push_back(deliver(item));
            } catch (const std::exception& e) {
                out.push_back({delivery_outcome::status::retry_later, std::nullopt,
                               std::string{"sender failed: "} + e.what()});
            }
        }
        return out;
    }

    // Whether prepare_batch() and send_prepared() may overlap: the worker then prepares the
    // next batch (and records the last one's outcomes) while this one is on the wire, with
    // send_prepared() on another thread. Only for a sender whose send_prepared() touches no
    // store connection that prepare_batch() uses.
    virtual bool overlaps_store_work() const { return false; }

    // deliver_batch() in two steps: the store work a batch needs before its first row is sent,
    // then the sending. prepare_batch() runs on the worker's thread; send_prepared() gets what
    // it returned and the same rows, and gives the outcomes as deliver_batch() does. Neither
    // throws.
    virtual std::unique_ptr<prepared_batch> prepare_batch(const std::vector<outbox_item>&) {
        return nullptr;
    }
    virtual std::vector<delivery_outcome> send_prepared(
        const std::vector<outbox_item>& items, std::unique_ptr<prepared_batch>,
        const std::function<bool()>& stop_requested) {
        return deliver_batch(items, stop_requested);
    }
};

}  // namespace kv::daemon
