#pragma once
// The text commands a person can type, in Norwegian and English, and the help generated from
// them for the person's roles.

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "bot/dialog/context.hpp"

namespace kv::bot {

enum class audience { everyone, leaders };

struct command_spec {
    std::vector<std::string_view> words_nb;  // the first is shown in help
    std::vector<std::string_view> words_en;
    std::string_view usage_nb;  // e.g. "avvik: <hva skjedde>"
    std::string_view usage_en;
    std::string_view help_nb;
    std::string_view help_en;
    audience who = audience::everyone;
    // Runs the command; `rest` is what followed the command word (trimmed).
    void (*run)(context& ctx, std::string_view rest) = nullptr;
};

std::span<const command_spec> command_specs();

// Handles free text when no flow is in progress: finds the command and runs it, or answers
// with help when nothing matches.
void run_command(context& ctx, std::string_view text);

// The help text for `ctx.me`, generated from the command table.
message help_message(const context& ctx);

}  // namespace kv::bot
