#pragma once
// Filing a deviation with one form, on channels that show forms (Teams): kind, category, unit
// (preset from the person's membership), when (date and time, preset to now), what happened and
// the immediate action, submitted in one press into the same filing path as the quick form.
// A submission with a missing or wrong field brings the form back with the error and the typed
// values kept; nothing is stored until it is complete.

#include <optional>

#include "bot/dialog/context.hpp"

namespace kv::bot {

// The verb of the form's submit button.
inline constexpr std::string_view form_submit_verb = "draft.form_submit";

// True for channels that render a form's inputs with the message (Teams cards).
bool shows_forms(channel via);

// Replies with the empty form; `kind` preselects the kind (default: avvik).
void open_filing_form(context& ctx, std::optional<case_kind> kind);

// Handles a press of the form's submit button: files the case and answers with the receipt
// first, or answers with the form again, with what was wrong.
void submit_filing_form(context& ctx);

}  // namespace kv::bot
