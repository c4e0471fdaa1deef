#pragma once
// A deviation reminder with a receive button, about case AV-2026-<1000 + n>: what the email
// delivery tests send in bulk.

#include <string>

#include "bot/message/message.hpp"

namespace kv::daemon::test {

inline kv::bot::message case_reminder(int n) {
    const std::string id = "AV-2026-" + std::to_string(1000 + n);
    kv::bot::message m;
    m.title = "Påminnelse: avviket venter på mottak";
    m.subject_key = id;
    m.text = "Avviket er ikke mottatt ennå.";
    m.actions = {{"case.receive", "Motta", {{"case", id}}, {}}};
    return m;
}

}  // namespace kv::daemon::test
