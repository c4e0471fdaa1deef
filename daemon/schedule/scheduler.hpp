#pragma once
// The scheduler's decisions: what is due at an instant from every reminder source, which of it
// is new, and when the next thing falls due. A function of the stored state, the configuration
// and `now` only, so `remind --at T`, the daemon's timer and the tests ask the same question.
// It reads only the rows that can fall due (index ranges, and one seek per due date for the next
// instant), so its cost follows what is due rather than the size of the store. A run that
// enqueues records, per procedure and case, when its next step falls due, and the next run
// decides only those whose step has come, those changed since and the cases filed since
// (daemon/store/schedule_index.hpp); a run decides everything again when there is no record, the
// rules or the organisation changed, it is for an instant before the record's, or past the
// record's horizon. Messages are built only for reminders not yet in the outbox; a meeting's
// agenda is counted as the cases of the committee's units stream past, none loaded.
// Not thread-safe (it reads through the caller's store); construct once per configuration.

#include <chrono>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "bot/schedule/approval_reminders.hpp"
#include "bot/schedule/deviation_followup.hpp"
#include "bot/schedule/procedure_reviews.hpp"
#include "bot/schedule/reading_reminders.hpp"
#include "bot/schedule/reminder.hpp"
#include "bot/schedule/wheel.hpp"
#include "bot/schedule/work_calendar.hpp"
#include "bot/settings.hpp"
#include "daemon/config/organisation.hpp"
#include "daemon/config/settings.hpp"
#include "daemon/store/store.hpp"

namespace kv::daemon {

struct schedule_config {
    bot::annual_wheel wheel;
    bot::work_calendar calendar;
    bot::bot_settings rules;
    organisation org;
    bot::procedure_review_settings reviews;
    bot::deviation_followup_settings followup;
    bot::reading_settings reading;
    bot::approval_reminder_settings approvals;
};

// The wheel named by cfg.schedule (none when it names none) and the working calendar. Prints
// each error (file:line: key: message) to `err` and returns nullopt when the wheel is invalid.
std::optional<schedule_config> load_schedule_config(const settings& cfg, const organisation& org,
                                                    std::ostream& err);

// The bot's rules from cfg.bot, with the deviation follow-up numbers and the working calendar
// the scheduler uses, so what the chat shows (`frister`) matches what is reminded.
bot::bot_settings bot_rules(const settings& cfg);

class scheduler final : public bot::wheel_calendar {
  public:
    explicit scheduler(schedule_config config);

    const schedule_config& config() const { return config_; }

    // Every reminder due at `now`, from every source, ordered by delivery time, kind, subject,
    // step and recipient; including those enqueued before. Decisions only: no `body` is built.
    std::vector<bot::due_reminder> due_at(store& s, std::chrono::sys_seconds now) const;

    // Those of due_at(now) not enqueued before, with the non-urgent ones of people who chose the
    // daily digest replaced by their digests (bot/schedule/digest.hpp); their bodies built (only
    // theirs) and enqueued now, and the run recorded, unless `dry_run` (then no body is built and
    // nothing is written). Throws store_error; nothing of the failing delivery instant is
    // enqueued then, and the run is not recorded.
    std::vector<bot::due_reminder> run_once(store& s, std::chrono::sys_seconds now,
                                            bool dry_run) const;

    // The earliest instant after `now` at which any source has something fall due.
    std::optional<std::chrono::sys_seconds> next_due(store& s, std::chrono::sys_seconds now) const;

    // The wheel's occurrences starting in [from, to], in start order.
    std::vector<bot::wheel_occurrence> occurrences(std::chrono::sys_seconds from,
                                                   std::chrono::sys_seconds to) const override;

  private:
    struct run_plan;
    struct item_steps;

    run_plan plan_run(store& s, std::chrono::sys_seconds now) const;
    std::vector<bot::due_reminder> collect_candidates(store& s, std::chrono::sys_seconds now,
                                                      const bot::reminder_selection& select,
                                                      const run_plan& plan, item_steps* next) const;
    void index_everything(store& s, std::chrono::sys_seconds complete_until,
                          item_steps& next) const;
    void record_run(store& s, std::chrono::sys_seconds now, const run_plan& plan,
                    const std::vector<bot::due_reminder>& held, item_steps next) const;
    std::vector<bot::due_reminder> collect(store& s, std::chrono::sys_seconds now,
                                           const bot::reminder_selection& select) const;
    std::vector<bot::due_reminder> wheel_due(store& s, std::chrono::sys_seconds now,
                                             const bot::reminder_selection& select) const;
    std::vector<bot::due_reminder> review_due(store& s, std::chrono::sys_seconds now,
                                              const bot::reminder_selection& select) const;
    std::optional<std::chrono::sys_seconds> review_next_due(store& s,
                                                            std::chrono::sys_seconds now) const;
    std::vector<bot::due_reminder> reading_due(store& s, std::chrono::sys_seconds now) const;
    std::optional<std::chrono::sys_seconds> reading_next_due(store& s,
                                                             std::chrono::sys_seconds now) const;
    std::vector<bot::due_reminder> approval_due(store& s, std::chrono::sys_seconds now,
                                                const bot::reminder_selection& select) const;
    std::optional<std::chrono::sys_seconds> approval_next_due(store& s,
                                                              std::chrono::sys_seconds now) const;
    // The sources decided whole at every run, being few: the wheel, reading lists, approvals.
    std::vector<bot::due_reminder> decided_in_full(store& s, std::chrono::sys_seconds now,
                                                   const bot::reminder_selection& select) const;
    std::vector<bot::due_reminder> followup_due(store& s, std::chrono::sys_seconds now,
                                                const bot::reminder_selection& select) const;
    std::optional<std::chrono::sys_seconds> followup_next_due(store& s,
                                                              std::chrono::sys_seconds now) const;
    std::vector<std::string> recipients(const bot::wheel_item& item) const;
    std::vector<std::string> committee_units(const std::string& committee_id) const;

    schedule_config config_;
    int longest_lead_days_ = 0;
};

}  // namespace kv::daemon
