#include "adapters/teams/card.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "adapters/teams/card_protocol.hpp"

namespace kv::teams {
namespace {

using json = nlohmann::json;

constexpr std::string_view card_content_type = "application/vnd.microsoft.card.adaptive";
constexpr std::size_t max_actions_per_set = 5;
constexpr std::string_view shortened_marker = " … (forkortet – se hele saken i Kvalitetsvakt)";

json action_data(const bot::message& m, const bot::action& a, std::size_t slot) {
    json data = json::object();
    for (const auto& [k, v] : a.data) {
        data[k] = v;
    }
    data[std::string(card_protocol::slot_key)] = std::to_string(slot);
    if (!m.subject_key.empty()) {
        data[std::string(card_protocol::subject_key)] = m.subject_key;
    }
    return data;
}

json execute_action(const bot::message& m, const bot::action& a, std::size_t slot,
                    std::string_view title) {
    const json data = action_data(m, a, slot);
    json submit_data = data;
    submit_data[std::string(card_protocol::verb_key)] = a.verb;
    return {{"type", "Action.Execute"},
            {"title", title},
            {"verb", a.verb},
            {"data", data},
            {"fallback", {{"type", "Action.Submit"}, {"title", title}, {"data", submit_data}}}};
}

json input_element(const bot::action_input& in, std::size_t slot) {
    json e = {{"id", card_protocol::input_id(slot, in.name)},
              {"label", in.label},
              {"isRequired", in.required}};
    if (in.required) {
        e["errorMessage"] = "Må fylles ut: " + in.label;
    }
    switch (in.kind) {
        case bot::action_input::input_kind::choice: {
            e["type"] = "Input.ChoiceSet";
            e["style"] = "compact";
            json choices = json::array();
            for (const auto& [value, label] : in.choices) {
                choices.push_back({{"title", label}, {"value", value}});
            }
            e["choices"] = std::move(choices);
            if (in.value.empty()) {
                // Without one, some clients show the first choice as if chosen, and submit none.
                e["placeholder"] = "Velg …";
            }
            break;
        }
        case bot::action_input::input_kind::date:
            e["type"] = "Input.Date";
            break;
        case bot::action_input::input_kind::time:
            e["type"] = "Input.Time";
            break;
        case bot::action_input::input_kind::person:
            e["type"] = "Input.Text";
            e["style"] = "Email";
            break;
        case bot::action_input::input_kind::text:
            e["type"] = "Input.Text";
            e["isMultiline"] = true;
            e["maxLength"] = 4000;
            break;
    }
    if (!in.value.empty()) {
        e["value"] = in.value;
    }
    return e;
}

json card_json(const bot::message& m, const card_options& options) {
    json body = json::array();
    if (!m.title.empty()) {
        body.push_back({{"type", "TextBlock"},
                        {"text", m.title},
                        {"weight", "Bolder"},
                        {"size", "Medium"},
                        {"wrap", true}});
    }
    if (!m.facts.empty()) {
        json facts = json::array();
        for (const auto& f : m.facts) {
            facts.push_back({{"title", f.label}, {"value", f.value}});
        }
        body.push_back({{"type", "FactSet"}, {"facts", std::move(facts)}});
    }
    if (!m.text.empty()) {
        body.push_back({{"type", "TextBlock"}, {"text", m.text}, {"wrap", true}});
    }
    // A form's inputs stand in the body, so its button submits them in one press.
    for (std::size_t slot = 0; slot < m.actions.size(); ++slot) {
        if (m.actions[slot].form) {
            for (const auto& in : m.actions[slot].inputs) {
                body.push_back(input_element(in, slot));
            }
        }
    }
    if (!m.actions.empty()) {
        json actions = json::array();
        for (std::size_t slot = 0; slot < m.actions.size(); ++slot) {
            const auto& a = m.actions[slot];
            if (a.inputs.empty() || a.form) {
                actions.push_back(execute_action(m, a, slot, a.label));
                continue;
            }
            json inner = json::array();
            for (const auto& in : a.inputs) {
                inner.push_back(input_element(in, slot));
            }
            inner.push_back({{"type", "ActionSet"},
                             {"actions", json::array({execute_action(m, a, slot, "Send")})}});
            actions.push_back({{"type", "Action.ShowCard"},
                               {"title", a.label},
                               {"card", {{"type", "AdaptiveCard"}, {"body", std::move(inner)}}}});
        }
        // An ActionSet holds at most max_actions_per_set actions (the host config's maxActions);
        // clients drop the rest, so longer lists continue in the next ActionSet.
        for (std::size_t first = 0; first < actions.size(); first += max_actions_per_set) {
            const auto last = std::min(actions.size(), first + max_actions_per_set);
            json row = json::array();
            for (std::size_t i = first; i < last; ++i) {
                row.push_back(std::move(actions[i]));
            }
            body.push_back({{"type", "ActionSet"}, {"actions", std::move(row)}});
        }
    }
    json links = json::array();
    for (const auto& l : options.links) {
        if (l.url.starts_with("https://") || l.url.starts_with("http://")) {
            links.push_back({{"type", "Action.OpenUrl"}, {"title", l.title}, {"url", l.url}});
        }
    }
    if (!links.empty()) {
        body.push_back({{"type", "ActionSet"}, {"actions", std::move(links)}});
    }
    if (body.empty()) {
        body.push_back({{"type", "TextBlock"}, {"text", " "}, {"wrap", true}});
    }
    json card = {{"type", "AdaptiveCard"},
                 {"$schema", "http://adaptivecards.io/schemas/adaptive-card.json"},
                 {"version", "1.5"},
                 {"body", std::move(body)}};
    if (!m.actions.empty() && !m.subject_key.empty() && !options.actor_user_ids.empty()) {
        json ids = json::array();
        for (std::size_t i = 0; i < options.actor_user_ids.size() && i < max_refresh_user_ids;
             ++i) {
            ids.push_back(options.actor_user_ids[i]);
        }
        card["refresh"] = {{"action",
                            {{"type", "Action.Execute"},
                             {"verb", card_protocol::refresh_verb},
                             {"data", {{std::string(card_protocol::subject_key), m.subject_key}}}}},
                           {"userIds", std::move(ids)}};
    }
    return card;
}

json activity_json(const bot::message& m, const card_options& card,
                   const outbound_activity_options& where) {
    json a = {
        {"type", "message"},
        {"from", {{"id", where.bot_id}}},
        {"conversation", {{"id", where.conversation_id}}},
        {"textFormat", "plain"},
        {"text", m.title},
        {"attachments",
         json::array({{{"contentType", card_content_type}, {"content", card_json(m, card)}}})}};
    if (!where.activity_id.empty()) {
        a["id"] = where.activity_id;
    }
    return a;
}

// Cuts a UTF-8 string to at most `keep` bytes at a character boundary and appends the marker.
void shorten(std::string& s, std::size_t keep) {
    if (s.size() <= keep) {
        return;
    }
    while (keep > 0 && (static_cast<unsigned char>(s[keep]) & 0xC0) == 0x80) {
        --keep;
    }
    s.resize(keep);
    s += shortened_marker;
}

std::size_t activity_size(const bot::message& m, const card_options& card) {
    return teams_payload_bytes(activity_json(m, card, {"28:x", "a:x", ""}).dump());
}

}  // namespace

std::string render_card(const bot::message& m, const card_options& options) {
    return card_json(m, options).dump();
}

std::size_t teams_payload_bytes(std::string_view utf8) {
    std::size_t units = 0;
    for (const char ch : utf8) {
        const auto c = static_cast<unsigned char>(ch);
        if ((c & 0xC0) == 0x80) {
            continue;  // continuation byte
        }
        units += c >= 0xF0 ? 2 : 1;  // four-byte sequences are surrogate pairs in UTF-16
    }
    return 2 * units;
}

bot::message fit_to_size(const bot::message& m, const card_options& options, std::size_t budget) {
    bot::message out = m;
    // The ids and framing the caller adds later are short; keep room for them.
    constexpr std::size_t framing_reserve = 600;
    const std::size_t limit = budget > framing_reserve ? budget - framing_reserve : budget;
    constexpr std::size_t min_keep = 80;
    while (activity_size(out, options) > limit) {
        std::string* longest = &out.text;
        for (auto& f : out.facts) {
            if (f.value.size() > longest->size()) {
                longest = &f.value;
            }
        }
        if (longest->size() <= min_keep + shortened_marker.size()) {
            break;  // nothing long is left to shorten; send it as small as it gets
        }
        shorten(*longest, std::max(min_keep, longest->size() / 2));
    }
    return out;
}

std::string render_message_activity(const bot::message& m, const card_options& card,
                                    const outbound_activity_options& where, std::size_t budget) {
    return activity_json(fit_to_size(m, card, budget), card, where).dump();
}

std::string invoke_card_response(const bot::message& m, const card_options& options) {
    return json{{"statusCode", 200},
                {"type", card_content_type},
                {"value", card_json(fit_to_size(m, options), options)}}
        .dump();
}

std::string invoke_message_response(std::string_view text) {
    return json{{"statusCode", 200},
                {"type", "application/vnd.microsoft.activity.message"},
                {"value", text}}
        .dump();
}

std::string invoke_error_response(int status_code, std::string_view code,
                                  std::string_view message) {
    return json{{"statusCode", status_code},
                {"type", "application/vnd.microsoft.error"},
                {"value", {{"code", code}, {"message", message}}}}
        .dump();
}

bot::message welcome_message() {
    bot::message m;
    m.title = "Hei! Jeg er Kvalitetsvakt";
    m.text =
        "Jeg hjelper deg å melde avvik og følge dem opp.\n\n"
        "- Skriv «avvik: hva som skjedde» for å melde et avvik med én linje.\n"
        "- Skriv «meld avvik» for å fylle ut et skjema.\n"
        "- Skriv «mine saker» for å se sakene du har meldt.\n"
        "- Ledere får nye saker som kort med knapper, og påminnelser om frister her.\n\n"
        "Skriv «hjelp» når som helst for å se alt du kan gjøre.";
    m.subject_key = "welcome";
    return m;
}

}  // namespace kv::teams
