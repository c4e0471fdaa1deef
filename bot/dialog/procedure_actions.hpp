#pragma once
// What people do with procedures in chat: the review buttons a revision owner gets (Ingen
// endring / Ny versjon til godkjenning / Foreslå sletting), what an owner's approval does to the
// procedure, the Lest button of the reading list, and `lesestatus <procedure>` for leaders.

#include <string>
#include <string_view>
#include <vector>

#include "bot/dialog/case_rules.hpp"
#include "bot/dialog/context.hpp"
#include "bot/domain/approval.hpp"
#include "bot/domain/procedure.hpp"

namespace kv::bot {

// The three review buttons for `p` (verbs review.keep, review.new_version, review.propose_delete,
// data {"procedure": id}), with the inputs each asks for.
std::vector<action> review_actions(const procedure& p, language lang);

// The Lest button for one procedure version (verb reading.confirm).
action reading_action(const procedure& p, language lang);

// Handles a press of a review.* or reading.* button, or a completed input flow for one. Only the
// revision owner (or the owner) may review; only a person on the version's reading list confirms.
void run_procedure_action(context& ctx, const std::string& verb, action_values values);

// Carries out what a decided approval means for its procedure: an approved new version is
// stored (version, link, reviewed today) and put on the reading list of every active person in
// the procedure's unit and the units below it; an approved deletion retires the procedure.
// A rejection changes nothing.
void carry_out_approval(context& ctx, const approval& a);

// Handles the typed command `lesestatus <procedure>`; false when `text` is not that command.
bool run_procedure_command(context& ctx, std::string_view text);

// The procedure's unit and every unit below it.
std::vector<std::string> units_concerned(const directory& dir, const std::string& unit_id);

}  // namespace kv::bot
