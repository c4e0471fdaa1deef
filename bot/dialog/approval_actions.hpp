#pragma once
// Deciding approvals: the "approval.approve" and "approval.reject" buttons (data {"approval": id};
// reject asks for a comment), who may press them, and what a decision tells whom. The
// consequences for what was approved (a procedure's new version, its deletion) are carried out
// by bot/dialog/procedure_actions.

#include <string>

#include "bot/dialog/case_rules.hpp"
#include "bot/dialog/context.hpp"
#include "bot/domain/approval.hpp"

namespace kv::bot {

// The approval as a card for `viewer`: what is asked, by whom, the details, and either the
// buttons (when `viewer` may decide it now) or who decided it and when, in Oslo local time.
message approval_card(const approval& a, const directory& dir, const std::string& viewer,
                      language lang);

// Handles a press of approval.approve / approval.reject, or a completed comment. Only the
// approver may decide (anyone else is refused politely and the attempt audited); deciding a
// decided approval again answers with its current state and notifies nobody.
void run_approval_action(context& ctx, const std::string& verb, action_values values);

// Asks `ctx.me` for one input of a button they pressed, keeping what they gave so far, so the
// answer comes back through the same verb. `again`: the previous answer did not fit.
void ask_for_input(context& ctx, const action_input& in, const std::string& verb,
                   const action_values& values, bool again);

}  // namespace kv::bot
