#pragma once
// Filing a deviation in conversation: the quick one-line form ("avvik: ...") and the guided
// form, asking one short question at a time for what is still missing, then a summary to confirm.

#include <optional>
#include <string>
#include <string_view>

#include "bot/dialog/context.hpp"

namespace kv::bot {

// Starts filing. `kind` is set when the person named it ("nestenuhell: ..."); `text` may be empty.
void start_filing(context& ctx, std::optional<case_kind> kind, std::string_view text);
// Continues a filing in progress (ctx.conv.flow == "file") with the person's text or button.
void continue_filing(context& ctx);
// Files the complete draft in ctx.conv.fields (kind, category, unit, occurred, description,
// immediate_action; texts already redacted): the case, its audit record and event, a notice to
// each leader of the unit, the end of the conversation, and the receipt (case id and status) as
// a reply.
void file_draft(context& ctx);

}  // namespace kv::bot
