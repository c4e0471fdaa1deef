#include "adapters/teams/activity.hpp"

#include <cctype>
#include <cstdint>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "adapters/teams/card_protocol.hpp"

namespace kv::teams {
namespace {

using json = nlohmann::json;

std::string str(const json& j, std::string_view key) {
    const auto it = j.find(key);
    if (it != j.end() && it->is_string()) {
        return it->get<std::string>();
    }
    return {};
}

const json& obj(const json& j, std::string_view key) {
    static const json empty = json::object();
    const auto it = j.find(key);
    return it != j.end() && it->is_object() ? *it : empty;
}

const json& arr(const json& j, std::string_view key) {
    static const json empty = json::array();
    const auto it = j.find(key);
    return it != j.end() && it->is_array() ? *it : empty;
}

channel_account account(const json& j) {
    channel_account a;
    a.id = str(j, "id");
    a.name = str(j, "name");
    a.aad_object_id = str(j, "aadObjectId");
    return a;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() &&
           (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n')) {
        s.remove_prefix(1);
    }
    while (!s.empty() &&
           (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
        s.remove_suffix(1);
    }
    return s;
}

std::string scalar_text(const json& v) {
    if (v.is_string()) {
        return v.get<std::string>();
    }
    if (v.is_boolean()) {
        return v.get<bool>() ? "true" : "false";
    }
    if (v.is_number()) {
        return v.dump();
    }
    return {};
}

// Reads a card's data object (Action.Execute data or an Action.Submit value): our kv.* keys
// give verb and slot; inputs named "i<slot>.<name>" belong to the pressed button when the slot
// matches, and inputs of other buttons are dropped.
void read_card_data(const json& data, inbound_activity& a) {
    if (!data.is_object()) {
        return;
    }
    if (a.verb.empty()) {
        a.verb = str(data, card_protocol::verb_key);
    }
    const std::string slot = str(data, card_protocol::slot_key);
    const std::string own_prefix = "i" + slot + ".";
    for (const auto& [key, value] : data.items()) {
        if (key.rfind("kv.", 0) == 0 || key == "msteams" || value.is_null() || value.is_object() ||
            value.is_array()) {
            continue;
        }
        const bool is_input = key.size() > 2 && key[0] == 'i' &&
                              key.find('.') != std::string::npos &&
                              std::isdigit(static_cast<unsigned char>(key[1]));
        if (is_input) {
            if (!slot.empty() && key.rfind(own_prefix, 0) == 0) {
                a.data[key.substr(own_prefix.size())] = scalar_text(value);
            }
            continue;
        }
        a.data[key] = scalar_text(value);
    }
    const std::string subject = str(data, card_protocol::subject_key);
    if (!subject.empty()) {
        a.data[std::string(card_protocol::subject_key)] = subject;
    }
}

void read_message(const json& j, inbound_activity& a) {
    const auto value = j.find("value");
    if (value != j.end() && value->is_object() && !value->empty()) {
        a.kind = activity_kind::card_submit;
        read_card_data(*value, a);
        return;
    }
    std::vector<std::string> mentions;
    for (const auto& e : arr(j, "entities")) {
        if (e.is_object() && str(e, "type") == "mention" &&
            str(obj(e, "mentioned"), "id") == a.reference.bot.id && !a.reference.bot.id.empty()) {
            const std::string t = str(e, "text");
            if (!t.empty()) {
                mentions.push_back(t);
            }
        }
    }
    a.kind = activity_kind::message;
    a.text = strip_bot_mentions(str(j, "text"), mentions);
}

void read_invoke(const json& j, inbound_activity& a) {
    if (a.name.empty()) {
        a.kind = activity_kind::legacy_invoke;
        read_card_data(j.contains("value") ? j["value"] : json(), a);
        return;
    }
    if (a.name != "adaptiveCard/action") {
        a.kind = activity_kind::other_invoke;
        return;
    }
    a.kind = activity_kind::card_action;
    const auto value = j.find("value");
    if (value == j.end() || !value->is_object()) {
        a.invoke_error_code = "BadRequest";
        return;
    }
    const json& action = obj(*value, "action");
    if (str(action, "type") != "Action.Execute") {
        a.invoke_error_code = "NotSupported";
        return;
    }
    if (str(*value, "trigger") == "automatic") {
        a.kind = activity_kind::card_refresh;
    }
    a.verb = str(action, "verb");
    const auto data = action.find("data");
    if (data != action.end()) {
        read_card_data(*data, a);
    }
}

bool lists_bot(const json& members, const std::string& bot_id) {
    if (!members.is_array() || bot_id.empty()) {
        return false;
    }
    for (const auto& m : members) {
        if (m.is_object() && str(m, "id") == bot_id) {
            return true;
        }
    }
    return false;
}

}  // namespace

std::string strip_bot_mentions(std::string_view text,
                               const std::vector<std::string>& mention_texts) {
    std::string out(text);
    for (const auto& m : mention_texts) {
        if (m.rfind("<at>", 0) != 0) {
            continue;  // only <at> markup is a mention in the text
        }
        for (auto pos = out.find(m); pos != std::string::npos; pos = out.find(m, pos)) {
            out.erase(pos, m.size());
        }
    }
    // Collapse the double space a removed mention leaves in the middle of a sentence.
    std::string collapsed;
    collapsed.reserve(out.size());
    for (char c : out) {
        if (c == ' ' && !collapsed.empty() && collapsed.back() == ' ') {
            continue;
        }
        collapsed += c;
    }
    return std::string(trim(collapsed));
}

parse_result parse_activity(std::string_view body) {
    parse_result r;
    json j = json::parse(body, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
        r.failure.reason = "body is not a JSON object";
        return r;
    }
    const auto type = j.find("type");
    if (type == j.end() || !type->is_string() || type->get<std::string>().empty()) {
        r.failure.reason = "activity has no type";
        return r;
    }
    inbound_activity a;
    a.type = type->get<std::string>();
    a.name = str(j, "name");
    a.id = str(j, "id");
    a.reply_to_id = str(j, "replyToId");
    a.from = account(obj(j, "from"));

    const json& conversation = obj(j, "conversation");
    const json& channel_data = obj(j, "channelData");
    auto& ref = a.reference;
    ref.service_url = str(j, "serviceUrl");
    ref.channel_id = str(j, "channelId");
    ref.conversation_id = str(conversation, "id");
    ref.conversation_type = str(conversation, "conversationType");
    ref.tenant_id = str(conversation, "tenantId");
    if (ref.tenant_id.empty()) {
        ref.tenant_id = str(obj(channel_data, "tenant"), "id");
    }
    const auto is_group = conversation.find("isGroup");
    ref.is_group =
        is_group != conversation.end() && is_group->is_boolean() && is_group->get<bool>();
    ref.bot = account(obj(j, "recipient"));
    ref.user = a.from;
    ref.activity_id = a.id;
    ref.locale = str(j, "locale");
    ref.team_id = str(obj(channel_data, "team"), "id");
    ref.team_channel_id = str(obj(channel_data, "channel"), "id");
    a.tenant_id = ref.tenant_id;

    if (a.type == "message") {
        read_message(j, a);
    } else if (a.type == "invoke") {
        read_invoke(j, a);
    } else if (a.type == "conversationUpdate") {
        if (lists_bot(j.value("membersAdded", json()), ref.bot.id)) {
            a.kind = activity_kind::installed;
        } else if (lists_bot(j.value("membersRemoved", json()), ref.bot.id)) {
            a.kind = activity_kind::uninstalled;
        } else {
            a.kind = activity_kind::roster_changed;
        }
    } else if (a.type == "installationUpdate") {
        const std::string action = str(j, "action");
        if (action == "add" || action == "add-upgrade") {
            a.kind = activity_kind::installed;
        } else if (action == "remove" || action == "remove-upgrade") {
            a.kind = activity_kind::uninstalled;
        }
    }
    r.activity = std::move(a);
    return r;
}

std::string activity_dedupe_key(const inbound_activity& a) {
    std::string key = "teams:" + a.reference.conversation_id + "|" + a.id;
    if (a.kind == activity_kind::card_action || a.kind == activity_kind::card_submit ||
        a.kind == activity_kind::legacy_invoke) {
        // FNV-1a over the data in key order: short, stable, and independent of JSON spacing.
        std::uint64_t h = 1469598103934665603ULL;
        auto mix = [&h](std::string_view s) {
            for (const char c : s) {
                h ^= static_cast<unsigned char>(c);
                h *= 1099511628211ULL;
            }
            h ^= 0xFF;
            h *= 1099511628211ULL;
        };
        for (const auto& [k, v] : a.data) {
            mix(k);
            mix(v);
        }
        char hex[17];
        std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
        key += "|" + a.verb + "|" + hex;
    }
    return key;
}

}  // namespace kv::teams
