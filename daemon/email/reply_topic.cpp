#include "daemon/email/reply_topic.hpp"

#include <charconv>

namespace kv::daemon {
namespace {

bool starts_with(const std::string& s, std::string_view prefix) {
    return s.rfind(prefix, 0) == 0;
}

}  // namespace

reply_topic topic_of(database& db, const email_thread& thread) {
    using kind = reply_topic::kind;
    const std::string& key = thread.subject_key;
    reply_topic t;
    if (starts_with(key, "approval:")) {
        t.what = kind::approval;
        t.id = key.substr(9);
        return t;
    }
    if (starts_with(key, "procedure:")) {
        t.what = kind::procedure_review;
        t.id = key.substr(10);
        return t;
    }
    if (starts_with(key, "outbox:")) {
        // A mail without a subject key of its own: its actions say what it asked for.
        std::int64_t row = 0;
        const auto digits = std::string_view(key).substr(7);
        const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), row);
        if (ec != std::errc{} || end != digits.data() + digits.size()) {
            return t;
        }
        if (const auto message = outbox_message(db, row)) {
            for (const auto& a : message->actions) {
                const auto procedure = a.data.find("procedure");
                const auto version = a.data.find("version");
                if (a.verb == "reading.confirm" && procedure != a.data.end() &&
                    version != a.data.end()) {
                    t.readings.push_back({procedure->second, version->second});
                }
            }
        }
        if (!t.readings.empty()) {
            t.what = kind::reading_list;
        }
        return t;
    }
    // Case ids ("AV-2026-0001") have no colon; every other subject key names its kind first.
    if (!key.empty() && key.find(':') == std::string::npos) {
        t.what = kind::deviation_case;
        t.id = key;
    }
    return t;
}

}  // namespace kv::daemon
