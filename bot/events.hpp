#pragma once
// What arrives at the bot from any channel, after the adapter has resolved who sent it.

#include <map>
#include <string>

#include "bot/domain/model.hpp"

namespace kv::bot {

struct inbound_event {
    std::string sender_email;  // resolved and verified by the adapter
    channel via = channel::console;
    std::string conversation;  // channel's reference to answer in (opaque to the bot)
    std::string dedupe_key;    // e.g. "console:<session>:<n>", a Teams activity id, a Message-ID
    // Either free text, or an action (a button press) with its data and input values.
    std::string text;
    std::string action_verb;
    std::map<std::string, std::string> action_data;
    bool is_action() const { return !action_verb.empty(); }
};

}  // namespace kv::bot
