#pragma once
// How our cards name things, shared by the renderer (card.cpp) and the parser (activity.cpp):
// every button carries its verb and slot in its data, and every input id names its button's slot,
// so ids stay unique card-wide (reference 4.1) and a press returns only its own inputs.

#include <string>
#include <string_view>

namespace kv::teams::card_protocol {

inline constexpr std::string_view verb_key = "kv.verb";  // the Action.Submit fallback has no verb
inline constexpr std::string_view slot_key = "kv.slot";
inline constexpr std::string_view refresh_verb = "kv.refresh";
inline constexpr std::string_view subject_key = "kv.subject";

// "i<slot>.<name>"
inline std::string input_id(std::size_t slot, std::string_view name) {
    return "i" + std::to_string(slot) + "." + std::string(name);
}

}  // namespace kv::teams::card_protocol
