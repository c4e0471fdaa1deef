#pragma once
// The JSON form of values the store keeps as text: an outbox row's message body and a person's
// dialog state. The format is stable across releases (rows outlive the process that wrote them).

#include <string>
#include <string_view>

#include "bot/decision.hpp"
#include "bot/message/message.hpp"

namespace kv::daemon {

// Compact JSON with keys in a fixed order. Never throws except std::bad_alloc.
std::string message_to_json(const bot::message& m);
// The same into `out`, replacing what it held: a buffer kept between calls writes without
// allocating once it has grown to the size of the messages it holds.
void write_message_json(const bot::message& m, std::string& out);
// Throws store_error (code 0) naming the offending field when `json` is not a message.
bot::message message_from_json(std::string_view json);

std::string conversation_to_json(const bot::conversation_state& c);
// Throws store_error (code 0) naming the offending field when `json` is not a dialog state.
bot::conversation_state conversation_from_json(std::string_view json);

}  // namespace kv::daemon
