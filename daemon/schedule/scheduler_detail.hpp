#pragma once
// Small date and ordering helpers the scheduler's source files share.

#include <algorithm>
#include <chrono>
#include <tuple>
#include <vector>

#include "bot/domain/oslo_time.hpp"
#include "bot/schedule/procedure_reviews.hpp"
#include "bot/schedule/reminder.hpp"

namespace kv::daemon::detail {

// The order reminders are reported and enqueued in.
inline bool reminder_order(const bot::due_reminder& a, const bot::due_reminder& b) {
    return std::tie(a.deliver_at, a.kind, a.subject, a.step, a.recipient_email) <
           std::tie(b.deliver_at, b.kind, b.subject, b.step, b.recipient_email);
}

// Sorts by reminder_order, moving each reminder once (they are large): the order is found over
// pointers. Already sorted input (the usual case) costs one pass.
inline void sort_reminders(std::vector<bot::due_reminder>& reminders) {
    if (std::is_sorted(reminders.begin(), reminders.end(), reminder_order)) {
        return;
    }
    std::vector<bot::due_reminder*> order;
    order.reserve(reminders.size());
    for (auto& r : reminders) {
        order.push_back(&r);
    }
    std::sort(order.begin(), order.end(),
              [](const bot::due_reminder* a, const bot::due_reminder* b) {
                  return reminder_order(*a, *b);
              });
    std::vector<bot::due_reminder> sorted;
    sorted.reserve(reminders.size());
    for (auto* r : order) {
        sorted.push_back(std::move(*r));
    }
    reminders = std::move(sorted);
}

inline std::chrono::year_month_day local_date(std::chrono::sys_seconds t) {
    return bot::to_oslo(t).date;
}

inline std::chrono::year_month_day plus_days(std::chrono::year_month_day d, int n) {
    return std::chrono::year_month_day{std::chrono::sys_days{d} + std::chrono::days{n}};
}

// How many days before its due date a review's first reminder comes.
inline int longest_review_lead(const bot::procedure_review_settings& reviews) {
    int longest = 0;
    for (const int lead : reviews.lead_days) {
        longest = std::max(longest, lead);
    }
    return longest;
}

}  // namespace kv::daemon::detail
