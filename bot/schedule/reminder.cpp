#include "bot/schedule/reminder.hpp"

#include <array>
#include <utility>

namespace kv::bot {
namespace {

constexpr std::array<std::pair<reminder_kind, std::string_view>, 7> kind_names{{
    {reminder_kind::wheel, "wheel"},
    {reminder_kind::procedure_review, "procedure_review"},
    {reminder_kind::reading, "reading"},
    {reminder_kind::deviation_followup, "deviation_followup"},
    {reminder_kind::measure, "measure"},
    {reminder_kind::approval, "approval"},
    {reminder_kind::digest, "digest"},
}};

}  // namespace

std::string_view to_string(reminder_kind kind) {
    for (const auto& [k, name] : kind_names) {
        if (k == kind) {
            return name;
        }
    }
    return "unknown";
}

std::optional<reminder_kind> parse_reminder_kind(std::string_view text) {
    for (const auto& [k, name] : kind_names) {
        if (name == text) {
            return k;
        }
    }
    return std::nullopt;
}

std::string make_dedupe_key(reminder_kind kind, std::string_view subject,
                            std::string_view occurrence, std::string_view step,
                            std::string_view recipient_email) {
    std::string key{to_string(kind)};
    for (const std::string_view part : {subject, occurrence, step, recipient_email}) {
        key += ':';
        key += part;
    }
    return key;
}

}  // namespace kv::bot
