// scheduler::run_once: what is new at an instant, decided over the items that may have something
// new (or over everything, when the record of the last run cannot say), enqueued and recorded.

#include <algorithm>
#include <map>
#include <set>
#include <sstream>
#include <utility>

#include "bot/schedule/digest.hpp"
#include "daemon/schedule/scheduler.hpp"
#include "daemon/schedule/scheduler_detail.hpp"
#include "daemon/store/memo_directory.hpp"
#include "daemon/store/procedure_store.hpp"
#include "daemon/store/schedule_index.hpp"
#include "daemon/store/schedule_store.hpp"
#include "daemon/store/store_view.hpp"
#include "daemon/version.hpp"

namespace kv::daemon {
namespace {

using namespace std::chrono;
using detail::local_date;
using detail::plus_days;

// How far ahead a run that decides everything indexes the items' next steps; the first run after
// that decides everything again. Items whose next step lies further ahead are not indexed.
constexpr days index_horizon{35};

// Raised whenever a change of code moves when a rule's steps fall due, so that a store indexed by
// the earlier code is decided again in full.
constexpr int rules_revision = 1;

// Everything of the configuration that decides when a procedure's or a case's steps fall due and
// to whom they go.
std::string rules_fingerprint(const schedule_config& c) {
    std::ostringstream out;
    out << version << '/' << rules_revision;
    const auto& h = c.calendar.hours();
    out << "|hours " << h.start.count() << '-' << h.end.count() << " on";
    for (const auto d : h.weekdays) {
        out << ' ' << d;
    }
    out << " off";
    for (const auto d : h.extra_days_off) {
        out << ' ' << d.time_since_epoch().count();
    }
    out << "|risk " << c.rules.risk.yellow_from << ' ' << c.rules.risk.red_from << " serious "
        << static_cast<int>(c.rules.serious.cat) << ' ' << c.rules.serious.min_consequence;
    const auto& r = c.reviews;
    out << "|reviews";
    for (const int lead : r.lead_days) {
        out << ' ' << lead;
    }
    out << " every " << r.overdue_every_days << " escalate " << r.escalate_owner_after_days << ' '
        << r.escalate_superior_after_days;
    const auto& f = c.followup;
    out << "|followup " << f.receive_within_working_days << ' ' << f.escalate_after_working_days
        << ' ' << f.serious_receive_within_working_days << ' '
        << f.serious_escalate_after_working_days << ' ' << f.measure_escalate_after_working_days;
    for (const auto& [kind, own] : f.by_kind) {
        out << " kind " << static_cast<int>(kind) << ' ' << own.receive_within_working_days << ' '
            << own.escalate_after_working_days;
    }
    for (const auto& [level, own] : f.by_level) {
        out << " level " << static_cast<int>(level) << ' ' << own.receive_within_working_days << ' '
            << own.escalate_after_working_days;
    }
    return out.str();
}

// The case a follow-up or measure reminder is about, by store id.
std::optional<std::int64_t> case_id_of(const bot::due_reminder& r) {
    const auto number = detail::parse_case_number(r.subject.substr(0, r.subject.find('/')));
    if (!number) {
        return std::nullopt;
    }
    return detail::case_rowid(number->year, number->seq);
}

template <typename Key>
void keep_earliest(std::map<Key, std::optional<sys_seconds>>& next, const Key& key,
                   sys_seconds at) {
    auto& slot = next[key];
    if (!slot || at < *slot) {
        slot = at;
    }
}

template <typename Key, typename Name>
std::vector<schedule_item_next> as_items(const std::map<Key, std::optional<sys_seconds>>& next,
                                         Name&& name) {
    std::vector<schedule_item_next> out;
    out.reserve(next.size());
    for (const auto& [key, at] : next) {
        out.push_back({name(key), at});
    }
    return out;
}

}  // namespace

// What a run decides over: the items `candidates` names (a run after a recorded one), or
// everything (no candidates).
struct scheduler::run_plan {
    std::string fingerprint;
    std::optional<schedule_progress> recorded;
    std::optional<schedule_candidates> candidates;
    std::int64_t last_change = 0;   // the changes this run takes into account
    std::int64_t last_case_id = 0;  // the highest case id it saw
};

// Per item, when its next step falls due after the run (nullopt: it has none).
struct scheduler::item_steps {
    std::map<std::string, std::optional<sys_seconds>> procedures;
    std::map<std::int64_t, std::optional<sys_seconds>> cases;
};

scheduler::run_plan scheduler::plan_run(store& s, sys_seconds now) const {
    run_plan plan;
    s.with_read([&](const bot::directory&, const bot::repository&) {
        database& db = s.db();
        plan.fingerprint =
            rules_fingerprint(config_) + "|organisation " + organisation_fingerprint(db);
        plan.recorded = load_schedule_progress(db);
        const bool incremental = plan.recorded && plan.recorded->fingerprint == plan.fingerprint &&
                                 now >= plan.recorded->evaluated_at &&
                                 now <= plan.recorded->complete_until;
        // The changes and cases are read before anything is decided, so whatever is written
        // after this read is left for the next run.
        auto candidates = incremental
                              ? load_schedule_candidates(db, now, plan.recorded->last_case_id)
                              : schedule_watermarks(db);
        plan.last_change = candidates.last_change;
        plan.last_case_id = candidates.last_case_id;
        if (incremental) {
            plan.candidates = std::move(candidates);
        }
    });
    return plan;
}

std::vector<bot::due_reminder> scheduler::collect_candidates(store& s, sys_seconds now,
                                                             const bot::reminder_selection& select,
                                                             const run_plan& plan,
                                                             item_steps* next) const {
    std::vector<bot::due_reminder> out = decided_in_full(s, now, select);
    const schedule_candidates& c = *plan.candidates;
    s.with_read([&](const bot::directory& people, const bot::repository&) {
        database& db = s.db();
        const memo_directory org{people};

        bot::procedure_review_snapshot reviews;
        reviews.procedures = active_procedures_with_ids(db, c.procedure_ids);
        reviews.awaiting_approval = procedures_awaiting_approval(db);
        reviews.org = &org;
        for (auto& r : bot::procedure_review_reminders(reviews, now, config_.calendar,
                                                       config_.reviews, select)) {
            out.push_back(std::move(r));
        }

        bot::deviation_followup_snapshot followup;
        followup.open_cases = open_cases_with_ids(db, c.case_ids);
        followup.rules = config_.rules;
        followup.org = &org;
        for (auto& r : bot::deviation_followup_reminders(followup, now, config_.calendar,
                                                         config_.followup, select)) {
            out.push_back(std::move(r));
        }

        if (next == nullptr) {
            return;
        }
        // Every candidate gets its next step, none when it was not loaded (retired, closed,
        // gone): it leaves the index.
        for (const auto& id : c.procedure_ids) {
            next->procedures[id] = std::nullopt;
        }
        const auto review_next = bot::procedure_review_next_due_each(reviews, now, config_.reviews);
        for (std::size_t i = 0; i < reviews.procedures.size(); ++i) {
            next->procedures[reviews.procedures[i].id] = review_next[i];
        }
        for (const auto id : c.case_ids) {
            next->cases[id] = std::nullopt;
        }
        const auto case_next = bot::deviation_followup_next_due_each(
            followup, now, config_.calendar, config_.followup);
        for (std::size_t i = 0; i < followup.open_cases.size(); ++i) {
            next->cases[followup.open_cases[i].id] = case_next[i];
        }
    });
    detail::sort_reminders(out);
    return out;
}

void scheduler::index_everything(store& s, sys_seconds complete_until, item_steps& next) const {
    const sys_seconds after = complete_until - index_horizon;
    s.with_read([&](const bot::directory& people, const bot::repository&) {
        database& db = s.db();
        const memo_directory org{people};

        // A review's first step comes the longest lead before its due date.
        bot::procedure_review_snapshot reviews;
        reviews.procedures = procedures_due_by(
            db,
            plus_days(local_date(complete_until), detail::longest_review_lead(config_.reviews)));
        reviews.awaiting_approval = procedures_awaiting_approval(db);
        reviews.org = &org;
        const auto review_next =
            bot::procedure_review_next_due_each(reviews, after, config_.reviews);
        for (std::size_t i = 0; i < reviews.procedures.size(); ++i) {
            if (review_next[i] && *review_next[i] <= complete_until) {
                next.procedures[reviews.procedures[i].id] = review_next[i];
            }
        }

        // Every case still new, and those with an open measure due by the horizon: a measure's
        // first step is the day after its due date.
        bot::deviation_followup_snapshot followup;
        followup.open_cases = followup_cases_to_decide(db, sys_seconds::max(),
                                                       plus_days(local_date(complete_until), 1));
        followup.rules = config_.rules;
        followup.org = &org;
        const auto case_next = bot::deviation_followup_next_due_each(
            followup, after, config_.calendar, config_.followup);
        for (std::size_t i = 0; i < followup.open_cases.size(); ++i) {
            if (case_next[i] && *case_next[i] <= complete_until) {
                next.cases[followup.open_cases[i].id] = case_next[i];
            }
        }
    });
}

void scheduler::record_run(store& s, sys_seconds now, const run_plan& plan,
                           const std::vector<bot::due_reminder>& held, item_steps next) const {
    const bool rebuild = !plan.candidates;
    schedule_progress progress{now, plan.recorded ? plan.recorded->complete_until : now,
                               plan.fingerprint, plan.last_case_id};
    if (rebuild) {
        progress.complete_until = now + index_horizon;
        index_everything(s, progress.complete_until, next);
    }
    // A reminder held for a person's digest is decided again when the digest falls due.
    for (const auto& r : held) {
        const sys_seconds digest_due = bot::work_calendar::at_local(
            bot::digest_day(r.deliver_at, config_.calendar), seconds{0});
        if (r.kind == bot::reminder_kind::procedure_review) {
            keep_earliest(next.procedures, r.subject, digest_due);
        } else if (const auto id = case_id_of(r)) {
            keep_earliest(next.cases, *id, digest_due);
        }
    }
    record_schedule_run(s.db(), progress, rebuild,
                        as_items(next.procedures, [](const std::string& id) { return id; }),
                        as_items(next.cases, [](std::int64_t id) { return std::to_string(id); }),
                        plan.last_change);
}

std::vector<bot::due_reminder> scheduler::run_once(store& s, sys_seconds now, bool dry_run) const {
    const enqueued_keys enqueued{s};
    const bot::reminder_selection select{
        [&](const bot::due_reminder& r) { return !enqueued.contains(r); }, !dry_run};
    const run_plan plan = plan_run(s, now);
    item_steps next;
    auto decided = plan.candidates
                       ? collect_candidates(s, now, select, plan, dry_run ? nullptr : &next)
                       : collect(s, now, select);
    std::vector<bot::due_reminder> fresh;
    std::vector<bot::due_reminder> digest_bound;  // what a digest may hold back, for the record
    s.with_read([&](const bot::directory& people, const bot::repository&) {
        const auto digest_people = load_daily_digest_people(s.db());
        if (!dry_run) {
            for (const auto& r : decided) {
                if (!r.urgent && digest_people.contains(r.recipient_email)) {
                    digest_bound.push_back(r);
                }
            }
        }
        fresh = bot::apply_daily_digest(std::move(decided), digest_people, now, config_.calendar,
                                        &people);
    });
    detail::sort_reminders(fresh);
    // A digest already enqueued (its carried keys not yet recorded, after a crash) is enqueued
    // again, which records them, but not reported as new. Nothing else of `fresh` is enqueued.
    std::vector<bool> digest_seen(fresh.size(), false);
    for (std::size_t i = 0; i < fresh.size(); ++i) {
        digest_seen[i] = fresh[i].kind == bot::reminder_kind::digest && enqueued.contains(fresh[i]);
    }
    // A run that found nothing to decide and nothing to send has nothing to record either: the
    // index already says when each item falls due next.
    const bool nothing_happened = plan.candidates && plan.candidates->procedure_ids.empty() &&
                                  plan.candidates->case_ids.empty() && fresh.empty();
    if (!dry_run && !nothing_happened) {
        enqueue_reminders(s, fresh);
        // Held for a later digest: decided, but neither offered nor carried by a digest.
        std::set<std::pair<std::string, std::string>> offered;
        for (const auto& r : fresh) {
            offered.emplace(r.recipient_email, r.dedupe_key);
            for (const auto& key : r.covers) {
                offered.emplace(r.recipient_email, key);
            }
        }
        std::erase_if(digest_bound, [&](const bot::due_reminder& r) {
            return offered.contains({r.recipient_email, r.dedupe_key});
        });
        record_run(s, now, plan, digest_bound, std::move(next));
    }
    std::vector<bot::due_reminder> out;
    for (std::size_t i = 0; i < fresh.size(); ++i) {
        if (!digest_seen[i]) {
            out.push_back(std::move(fresh[i]));
        }
    }
    return out;
}

}  // namespace kv::daemon
