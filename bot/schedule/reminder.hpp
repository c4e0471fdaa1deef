#pragma once
// What every reminder source (the annual wheel, procedure reviews, reading lists, deviation
// follow-up, measures, approvals, digests) produces: one reminder due for one person. Sources are
// pure functions of stored state and `now`; the scheduler enqueues their results through the
// store, which drops any whose dedupe key it has already seen.

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/message/message.hpp"

namespace kv::bot {

enum class reminder_kind {
    wheel,
    procedure_review,
    reading,
    deviation_followup,
    measure,
    approval,
    digest
};

// "wheel", "procedure_review", ... as in the `remind --at` JSON lines.
std::string_view to_string(reminder_kind kind);
// nullopt for anything but the exact names to_string gives.
std::optional<reminder_kind> parse_reminder_kind(std::string_view text);

// What a digest says of one reminder it carries: the reminder's title under its kind's heading,
// and its buttons.
struct digest_line {
    std::string dedupe_key;  // of the reminder carried
    reminder_kind kind = reminder_kind::wheel;
    std::string title;
    std::vector<action> actions;
};

struct due_reminder {
    std::chrono::sys_seconds deliver_at;  // after working-hours shifting (urgent: not shifted)
    std::string recipient_email;
    reminder_kind kind = reminder_kind::wheel;
    std::string subject;     // wheel item id, procedure id, AV-2026-0001, ...
    std::string step;        // "T-14d", "T-2d", "T-0", "overdue-1w", "escalate-1", ...
    std::string dedupe_key;  // stable: same item+step+recipient -> same key, across restarts
    std::string title;
    bool urgent = false;
    message body;  // what the person gets (buttons included)
    // A digest: the dedupe keys of the reminders it carries, recorded with it so none of them
    // is sent again, alone or in a later digest. Empty for every other kind.
    std::vector<std::string> covers;
    // A digest: its line for each reminder it carries, in the order it shows them, so it can be
    // said again without one cancelled after the digest was enqueued. Empty for other kinds.
    std::vector<digest_line> lines;
};

// What a source returns of the reminders it decides. `keep` sees each one with every field but
// `body` (and `covers`) set, and says whether to return it (empty: return all); `bodies` says
// whether the returned ones get their message built. Building a message is what costs: the
// scheduler decides everything due without bodies and builds them only for what it enqueues.
struct reminder_selection {
    std::function<bool(const due_reminder&)> keep;
    bool bodies = true;
};

// The conventional dedupe key "<kind>:<subject>:<occurrence>:<step>:<recipient>"; `occurrence`
// tells repeated rounds of the same item apart (a wheel date, a review due date) and may be empty.
std::string make_dedupe_key(reminder_kind kind, std::string_view subject,
                            std::string_view occurrence, std::string_view step,
                            std::string_view recipient_email);

}  // namespace kv::bot
