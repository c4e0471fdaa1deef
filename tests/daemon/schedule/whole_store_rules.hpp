#pragma once
// The reference the scheduler's tests compare with: the reminder rules over everything in the
// store (every active procedure, every open case, every pending approval), read in one snapshot,
// with no index, no record of earlier runs and no outbox consulted. Messages are built.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "bot/schedule/approval_reminders.hpp"
#include "bot/schedule/deviation_followup.hpp"
#include "bot/schedule/procedure_reviews.hpp"
#include "daemon/schedule/scheduler.hpp"
#include "daemon/store/procedure_store.hpp"
#include "daemon/store/schedule_store.hpp"

namespace kv::daemon::testing {

struct whole_store_answer {
    std::vector<bot::due_reminder> due;            // procedure reviews, follow-up, approvals
    std::optional<std::chrono::sys_seconds> next;  // the earliest step after `now`
};

inline whole_store_answer whole_store_rules(store& s, const schedule_config& cfg,
                                            std::chrono::sys_seconds now) {
    whole_store_answer out;
    s.with_read([&](const bot::directory& people, const bot::repository& repo) {
        bot::procedure_review_snapshot reviews;
        reviews.procedures = load_procedures(s.db());
        reviews.awaiting_approval = procedures_awaiting_approval(s.db());
        reviews.org = &people;
        std::vector<std::string> unit_ids;
        for (const auto& u : people.all_units()) {
            unit_ids.push_back(u.id);
        }
        bot::deviation_followup_snapshot followup;
        followup.open_cases = repo.open_cases_in(unit_ids);
        followup.rules = cfg.rules;
        followup.org = &people;
        const bot::approval_snapshot approvals{load_pending_approvals(s.db()), &people};
        out.due = bot::procedure_review_reminders(reviews, now, cfg.calendar, cfg.reviews);
        for (auto& r :
             bot::deviation_followup_reminders(followup, now, cfg.calendar, cfg.followup)) {
            out.due.push_back(std::move(r));
        }
        for (auto& r : bot::approval_reminders(approvals, now, cfg.calendar, cfg.approvals)) {
            out.due.push_back(std::move(r));
        }
        for (const auto at :
             {bot::procedure_review_next_due(reviews, now, cfg.reviews),
              bot::deviation_followup_next_due(followup, now, cfg.calendar, cfg.followup),
              bot::approval_next_due(approvals, now, cfg.calendar, cfg.approvals)}) {
            if (at && (!out.next || *at < *out.next)) {
                out.next = at;
            }
        }
    });
    return out;
}

}  // namespace kv::daemon::testing
