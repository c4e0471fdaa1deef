#pragma once
// How a case looks to one person: its facts, its history in short, and the buttons that person
// may press in the case's current state.

#include <string>
#include <vector>

#include "bot/domain/model.hpp"
#include "bot/message/message.hpp"
#include "bot/ports.hpp"
#include "bot/settings.hpp"

namespace kv::bot {

std::string person_label(const directory& dir, const std::string& email);
std::string unit_label(const directory& dir, const std::string& unit_id);

// The actions `viewer` may take on `c` now. The server checks each again when pressed.
std::vector<action> case_actions_for(const deviation_case& c, const directory& dir,
                                     const std::string& viewer, language lang);

// The case as a card for `viewer`, with `headline` as its title.
message case_card(const deviation_case& c, const directory& dir, const std::string& viewer,
                  language lang, const bot_settings& cfg, std::string headline);

// One line after the case id: "Avvik · Tjeneste/bruker · Mottatt".
std::string case_line(const deviation_case& c, language lang);

}  // namespace kv::bot
