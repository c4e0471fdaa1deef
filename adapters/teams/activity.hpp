#pragma once
// Inbound Bot Framework activities (reference 1.2/1.3) turned into a channel-neutral form the
// daemon can act on, and the conversation reference every authenticated activity carries (3.6).
// Pure functions over strings; no I/O.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kv::teams {

struct channel_account {
    std::string id;  // "29:..." for people, "28:{appId}" for the bot
    std::string name;
    std::string aad_object_id;  // people only; the identity we map to staff records
};

// Everything needed to write into a conversation later, with no inbound turn (3.6).
struct conversation_reference {
    std::string service_url;  // verbatim, trailing slash included
    std::string channel_id;   // "msteams"
    std::string conversation_id;
    std::string conversation_type;  // "personal", "groupChat", "channel"
    std::string tenant_id;
    bool is_group = false;
    channel_account bot;
    channel_account user;
    std::string activity_id;  // the last inbound activity's id
    std::string locale;
    std::string team_id;
    std::string team_channel_id;
};

// What the adapter understood one activity to be.
enum class activity_kind {
    message,         // text typed by a person (mentions of the bot stripped)
    card_submit,     // Action.Submit (or its fallback) from one of our cards: a message with value
    card_action,     // invoke adaptiveCard/action, manual trigger: a button press
    card_refresh,    // invoke adaptiveCard/action, automatic trigger: the client asks for a card
    legacy_invoke,   // invoke with empty name (msteams.type "invoke")
    other_invoke,    // any other invoke name: not used by us
    installed,       // conversationUpdate with the bot added, installationUpdate add/add-upgrade
    uninstalled,     // conversationUpdate with the bot removed, installationUpdate remove*
    roster_changed,  // conversationUpdate about other members or team/channel events
    ignored,         // reactions, edits, deletes, typing, events, unknown types
};

struct inbound_activity {
    activity_kind kind = activity_kind::ignored;
    std::string type;  // as sent
    std::string name;  // invoke name, as sent
    std::string id;
    std::string reply_to_id;
    std::string tenant_id;  // conversation.tenantId, else channelData.tenant.id
    channel_account from;
    conversation_reference reference;
    std::string text;  // message: trimmed, bot mentions removed
    // card_submit / card_action / card_refresh / legacy_invoke: the button's verb and data, with
    // the values of the inputs that belong to that button under the inputs' own names.
    std::string verb;
    std::map<std::string, std::string> data;
    // Set when an adaptiveCard/action invoke is malformed; answer it with a 400 invoke response
    // (reference 4.3): "BadRequest" (no value) or "NotSupported" (action.type not Action.Execute).
    std::string invoke_error_code;
};

struct parse_failure {
    std::string reason;  // for the log; never contains activity content
};

// Parses one activity body. Fails only when the body is not a JSON object or has no string
// `type` (HTTP 400 per reference 1.1); any other oddity yields a usable activity (unknown types
// become `ignored`). Never throws except std::bad_alloc.
struct parse_result {
    std::optional<inbound_activity> activity;
    parse_failure failure;
};
parse_result parse_activity(std::string_view body);

// Removes every <at>...</at> that an entities[] mention of `bot_id` names, then trims. Exposed
// for tests; parse_activity applies it to messages.
std::string strip_bot_mentions(std::string_view text,
                               const std::vector<std::string>& mention_texts);

// The dedupe key of an activity (reference 5.5): conversation id and activity id, plus for card
// actions the verb and a hash of the data. A redelivery (same id) maps to the same key; a retry
// with a new id is caught by the domain's own idempotency, not here.
std::string activity_dedupe_key(const inbound_activity& a);

}  // namespace kv::teams
