#pragma once
// The channel-neutral message: what the bot says, rendered by each adapter for its channel
// (an Adaptive Card in Teams, an email, numbered lines on the console).

#include <map>
#include <string>
#include <vector>

namespace kv::bot {

// A value the person supplies when pressing an action: a card input, an email reply field, or
// a console prompt.
struct action_input {
    // person: an email address; date "YYYY-MM-DD"; time "HH:MM" (local time)
    enum class input_kind { text, choice, date, person, time };
    std::string name;
    std::string label;
    input_kind kind = input_kind::text;
    std::vector<std::pair<std::string, std::string>> choices;  // (value, label), for choice
    bool required = true;
    std::string value{};  // shown filled in: a preset, or what the person typed before

    bool operator==(const action_input&) const = default;
};

// A button. Pressing it sends an action event with `verb`, `data` and the inputs' values.
struct action {
    std::string verb;  // "case.receive", "case.assess", "draft.confirm", ...
    std::string label;
    std::map<std::string, std::string> data;
    std::vector<action_input> inputs;
    // A form: the inputs are shown with the message itself and one press submits them all.
    // Otherwise a channel may ask for the inputs after the press.
    bool form = false;

    bool operator==(const action&) const = default;
};

struct fact {
    std::string label;
    std::string value;

    bool operator==(const fact&) const = default;
};

struct message {
    std::string title;
    std::vector<fact> facts;
    std::string text;
    std::vector<action> actions;
    // Identifies what the message is about (e.g. a case id), so a channel that can update a
    // message in place (a Teams card) knows which earlier copies to replace.
    std::string subject_key;

    bool operator==(const message&) const = default;
};

}  // namespace kv::bot
