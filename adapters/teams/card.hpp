#pragma once
// Renders the bot's channel-neutral message as a Teams Adaptive Card 1.5 (reference 4.1-4.3),
// the outbound message activity that carries it within the size rule of 5.3, and the invoke
// response bodies of 4.3. Pure functions; thread-safe; throw only std::bad_alloc.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "bot/message/message.hpp"

namespace kv::teams {

struct card_options {
    // Teams user ids (29:...) of the people allowed to act on the card. When the message has
    // actions and a subject_key, the card gets a refresh action for these users (the first 60,
    // reference 5.4); empty: no refresh.
    std::vector<std::string> actor_user_ids;
    // Links the card offers after its buttons, each an Action.OpenUrl, e.g. "Legg i kalender"
    // to a meeting's .ics. Only http and https URLs are rendered.
    struct link {
        std::string title;
        std::string url;
    };
    std::vector<link> links;
};

inline constexpr std::size_t max_refresh_user_ids = 60;
// Project rule (5.3): 2 x UTF-16 code units of the serialized activity, with a 10% margin on
// Teams' 40 KB.
inline constexpr std::size_t teams_payload_budget = 36000;

// The Adaptive Card JSON object, serialized. Facts become a FactSet; each action an
// Action.Execute (verb, data) with an Action.Submit fallback carrying the same data, inside an
// ActionSet; an action with inputs opens (Action.ShowCard) its own inputs with unique ids, except
// a form action, whose inputs (with their preset values) stand in the card body above the
// buttons so that one press submits them.
std::string render_card(const bot::message& m, const card_options& options = {});

// 2 x the UTF-16 code units of `utf8`: what Teams counts against its message size limit.
std::size_t teams_payload_bytes(std::string_view utf8);

// A copy of `m` whose long texts (text, then fact values, longest first) are shortened with a
// marker until render_card's activity fits `budget`. Nothing is dropped: title, every fact and
// every action stay. Returns `m` unchanged when it fits.
bot::message fit_to_size(const bot::message& m, const card_options& options,
                         std::size_t budget = teams_payload_budget);

struct outbound_activity_options {
    std::string bot_id;           // "28:{appId}"
    std::string conversation_id;  // where it goes
    std::string activity_id;      // set for an update (PUT): the id of the activity replaced
};

// The message activity (JSON) carrying `m` as a card, already shortened by fit_to_size with
// `budget`. The text summary (title) is set too, for notifications and clients without cards.
std::string render_message_activity(const bot::message& m, const card_options& card,
                                    const outbound_activity_options& where,
                                    std::size_t budget = teams_payload_budget);

// Invoke response bodies for adaptiveCard/action (reference 4.3); the HTTP status is 200.
std::string invoke_card_response(const bot::message& m, const card_options& options = {});
std::string invoke_message_response(std::string_view text);
// `status_code` 400 or 500; `code` e.g. "BadRequest", "NotSupported".
std::string invoke_error_response(int status_code, std::string_view code, std::string_view message);

// The greeting sent when the app is installed for a person or in a team (Norwegian).
bot::message welcome_message();

}  // namespace kv::teams
