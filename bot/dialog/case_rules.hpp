#pragma once
// The actions a leader (or reporter) can take on a case: who may take each, in which states,
// what it asks for, and what it changes. One table, used to offer buttons, to ask for missing
// inputs and to carry out a press.

#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "bot/dialog/context.hpp"
#include "bot/message/message.hpp"

namespace kv::bot {

using action_values = std::map<std::string, std::string>;

struct case_action_spec {
    std::string_view verb;
    std::string_view label_nb;
    std::string_view label_en;
    bool per_measure = false;  // offered once per measure, with data "measure" = its number
    bool (*permitted)(const deviation_case&, const directory&, const std::string& who,
                      const action_values& data) = nullptr;
    // Why the action does not fit the case now (nb, en), or empty when it does.
    std::pair<std::string_view, std::string_view> (*state_problem)(
        const deviation_case&, const action_values& data) = nullptr;
    std::vector<action_input> (*inputs)(const deviation_case&, const directory&,
                                        language) = nullptr;
    // Carries the action out on `c` (already validated), writing to ctx.out.
    void (*apply)(context& ctx, deviation_case& c, const action_values& values) = nullptr;

    std::vector<action> offer(const deviation_case& c, const directory& dir,
                              const std::string& viewer, language lang) const;
};

std::span<const case_action_spec> case_action_specs();
const case_action_spec* find_case_action(std::string_view verb);

// Handles a button press or a completed input flow for a case action: checks the person and
// the case's state again, asks for what is missing, then applies it.
void run_case_action(context& ctx, const std::string& verb, action_values values);

// Validates one answer to an input question; nullopt when it does not fit (ask again).
std::optional<std::string> accept_input(context& ctx, const action_input& in,
                                        std::string_view answer);

}  // namespace kv::bot
