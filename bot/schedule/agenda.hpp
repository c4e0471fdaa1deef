#pragma once
// A meeting reminder's agenda, built from live data for the committee's part of the
// organisation: the standing items, then each source's count with its first items by id.

#include <array>
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "bot/domain/model.hpp"
#include "bot/message/message.hpp"
#include "bot/schedule/wheel.hpp"
#include "bot/settings.hpp"

namespace kv::bot {

// How many ids an agenda line names before "…".
inline constexpr std::size_t agenda_top_items = 5;

// One counted line from another source (procedure reviews overdue, read confirmations
// outstanding, ...): its label, how many, and the ids to name first.
struct agenda_count {
    std::string label;
    std::size_t count = 0;
    std::vector<std::string> top_ids;
};

struct agenda_input {
    std::string committee_name;                     // empty for an item owned by a role
    std::vector<deviation_case> open_cases;         // not closed, in the committee's units
    std::optional<std::chrono::sys_seconds> since;  // the previous occurrence's start
    std::vector<agenda_count> more;                 // further sources, shown in this order
};

// The counts a meeting's agenda shows, in order: new deviations, open deviations by risk level
// (red, yellow, green, not assessed), serious events since the previous meeting, measures past
// due on `today`, then `more`. Cases are named by human id in id order.
std::vector<agenda_count> agenda_counts(const agenda_input& in, const bot_settings& rules,
                                        std::chrono::year_month_day today);

// What agenda_counts tallies before it labels them, for a caller that counts the cases elsewhere
// (the store, without loading them): new, red, yellow, green, not assessed, serious (since the
// previous meeting when there is one), measures past due; each count with its first ids.
using agenda_tallies = std::array<agenda_count, 7>;

// The counts agenda_counts would give for these tallies: labelled, followed by `more`.
std::vector<agenda_count> labelled_agenda_counts(agenda_tallies tallies, bool since_previous,
                                                 const std::vector<agenda_count>& more);

// The message: title, time and place facts, the standing items, and one fact per count
// ("3: AV-2027-0001, AV-2027-0004, AV-2027-0009").
message build_agenda(const wheel_occurrence& o, const agenda_input& in, const bot_settings& rules,
                     std::chrono::year_month_day today);
// The same from counts already made (a meeting's; other kinds show none).
message build_agenda(const wheel_occurrence& o, const std::string& committee_name,
                     const std::vector<agenda_count>& counts);

}  // namespace kv::bot
