#include "daemon/store/message_json.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <utility>

#include "daemon/store/sqlite.hpp"

namespace kv::daemon {
namespace {

using nlohmann::json;

// Explicit functions rather than to_json/from_json found by ADL: adapters map the same bot
// types to their own wire formats, and nlohmann's serializer templates would merge them at link.

using input_kind = bot::action_input::input_kind;

constexpr std::array<std::pair<input_kind, std::string_view>, 4> input_kind_names{
    {{input_kind::text, "text"},
     {input_kind::choice, "choice"},
     {input_kind::date, "date"},
     {input_kind::person, "person"}}};

std::string_view input_kind_name(input_kind k) {
    for (const auto& [kind, name] : input_kind_names) {
        if (kind == k) {
            return name;
        }
    }
    return "text";
}

input_kind parse_input_kind(const std::string& s) {
    for (const auto& [kind, name] : input_kind_names) {
        if (name == s) {
            return kind;
        }
    }
    throw std::invalid_argument("unknown input kind '" + s + "'");
}

json encode(const bot::action_input& in) {
    auto choices = json::array();
    for (const auto& [value, label] : in.choices) {
        choices.push_back(json{{"value", value}, {"label", label}});
    }
    return json{{"name", in.name},
                {"label", in.label},
                {"kind", input_kind_name(in.kind)},
                {"choices", std::move(choices)},
                {"required", in.required}};
}

bot::action_input decode_input(const json& j) {
    bot::action_input in;
    j.at("name").get_to(in.name);
    j.at("label").get_to(in.label);
    in.kind = parse_input_kind(j.at("kind").get<std::string>());
    for (const auto& c : j.at("choices")) {
        in.choices.emplace_back(c.at("value").get<std::string>(), c.at("label").get<std::string>());
    }
    j.at("required").get_to(in.required);
    return in;
}

json encode(const bot::action& a) {
    auto inputs = json::array();
    for (const auto& in : a.inputs) {
        inputs.push_back(encode(in));
    }
    return json{{"verb", a.verb}, {"label", a.label}, {"data", a.data}, {"inputs", inputs}};
}

bot::action decode_action(const json& j) {
    bot::action a;
    j.at("verb").get_to(a.verb);
    j.at("label").get_to(a.label);
    j.at("data").get_to(a.data);
    for (const auto& in : j.at("inputs")) {
        a.inputs.push_back(decode_input(in));
    }
    return a;
}

json encode(const bot::message& m) {
    auto facts = json::array();
    for (const auto& f : m.facts) {
        facts.push_back(json{{"label", f.label}, {"value", f.value}});
    }
    auto actions = json::array();
    for (const auto& a : m.actions) {
        actions.push_back(encode(a));
    }
    return json{{"title", m.title},
                {"facts", std::move(facts)},
                {"text", m.text},
                {"actions", std::move(actions)},
                {"subject_key", m.subject_key}};
}

bot::message decode_message(const json& j) {
    bot::message m;
    j.at("title").get_to(m.title);
    for (const auto& f : j.at("facts")) {
        m.facts.push_back(
            bot::fact{f.at("label").get<std::string>(), f.at("value").get<std::string>()});
    }
    j.at("text").get_to(m.text);
    for (const auto& a : j.at("actions")) {
        m.actions.push_back(decode_action(a));
    }
    j.at("subject_key").get_to(m.subject_key);
    return m;
}

}  // namespace

std::string message_to_json(const bot::message& m) {
    return encode(m).dump();
}

bot::message message_from_json(std::string_view text) {
    try {
        return decode_message(json::parse(text));
    } catch (const std::exception& e) {
        throw store_error(std::string{"stored message is not valid: "} + e.what(), 0, 0);
    }
}

std::string conversation_to_json(const bot::conversation_state& c) {
    return json{{"flow", c.flow}, {"fields", c.fields}}.dump();
}

bot::conversation_state conversation_from_json(std::string_view text) {
    try {
        const auto j = json::parse(text);
        bot::conversation_state c;
        j.at("flow").get_to(c.flow);
        j.at("fields").get_to(c.fields);
        return c;
    } catch (const std::exception& e) {
        throw store_error(std::string{"stored dialog state is not valid: "} + e.what(), 0, 0);
    }
}

}  // namespace kv::daemon
