#include "daemon/store/message_json.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <optional>
#include <utility>

#include "daemon/store/sqlite.hpp"

namespace kv::daemon {
namespace {

using nlohmann::json;

// Explicit functions rather than to_json/from_json found by ADL: adapters map the same bot
// types to their own wire formats, and nlohmann's serializer templates would merge them at link.

using input_kind = bot::action_input::input_kind;

constexpr std::array<std::pair<input_kind, std::string_view>, 5> input_kind_names{
    {{input_kind::text, "text"},
     {input_kind::choice, "choice"},
     {input_kind::date, "date"},
     {input_kind::person, "person"},
     {input_kind::time, "time"}}};

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

bot::action_input decode_input(const json& j) {
    bot::action_input in;
    j.at("name").get_to(in.name);
    j.at("label").get_to(in.label);
    in.kind = parse_input_kind(j.at("kind").get<std::string>());
    for (const auto& c : j.at("choices")) {
        in.choices.emplace_back(c.at("value").get<std::string>(), c.at("label").get<std::string>());
    }
    j.at("required").get_to(in.required);
    in.value = j.value("value", std::string{});  // rows written before forms have none
    return in;
}

bot::action decode_action(const json& j) {
    bot::action a;
    j.at("verb").get_to(a.verb);
    j.at("label").get_to(a.label);
    j.at("data").get_to(a.data);
    a.form = j.value("form", false);
    for (const auto& in : j.at("inputs")) {
        a.inputs.push_back(decode_input(in));
    }
    return a;
}

// The length of the well-formed UTF-8 sequence starting at s[i] (2 to 4), or 0.
std::size_t utf8_sequence_length(std::string_view s, std::size_t i) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // the allowed range of the second byte
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        n = 2;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        n = 3;
        if (b0 == 0xE0)
            lo = 0xA0;
        if (b0 == 0xED)
            hi = 0x9F;  // no surrogates
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        n = 4;
        if (b0 == 0xF0)
            lo = 0x90;
        if (b0 == 0xF4)
            hi = 0x8F;
    } else {
        return 0;
    }
    if (i + n > s.size()) {
        return 0;
    }
    for (std::size_t k = 1; k < n; ++k) {
        const auto b = static_cast<unsigned char>(s[i + k]);
        const auto min = k == 1 ? lo : static_cast<unsigned char>(0x80);
        const auto max = k == 1 ? hi : static_cast<unsigned char>(0xBF);
        if (b < min || b > max) {
            return 0;
        }
    }
    return n;
}

// Messages are written on every filing and every notification, so they are serialised straight
// into one string rather than through a json tree (a third of a filing's CPU time otherwise).
class json_writer {
  public:
    explicit json_writer(std::string& out) : out_(out) {}

    // A JSON string; invalid UTF-8 becomes U+FFFD, as nlohmann's "replace" error handler does.
    void string(std::string_view s) {
        out_ += '"';
        std::size_t i = 0;
        while (i < s.size()) {
            // Copy the longest run that needs no escaping in one go.
            std::size_t run = i;
            while (run < s.size()) {
                const auto c = static_cast<unsigned char>(s[run]);
                if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80) {
                    break;
                }
                ++run;
            }
            out_.append(s.substr(i, run - i));
            i = run;
            if (i == s.size()) {
                break;
            }
            const auto c = static_cast<unsigned char>(s[i]);
            if (c < 0x80) {
                escape_ascii(static_cast<char>(c));
                ++i;
                continue;
            }
            const std::size_t n = utf8_sequence_length(s, i);
            if (n == 0) {
                out_ += "\xEF\xBF\xBD";
                ++i;
            } else {
                out_.append(s.substr(i, n));
                i += n;
            }
        }
        out_ += '"';
    }
    // An object key; `name` is one of this file's literals, which need no escaping.
    void key(std::string_view name) {
        out_ += '"';
        out_ += name;
        out_ += "\":";
    }
    void escaped_key(std::string_view k) {
        string(k);
        out_ += ':';
    }
    void raw(std::string_view text) { out_ += text; }

  private:
    void escape_ascii(char c) {
        switch (c) {
            case '"':
                out_ += "\\\"";
                return;
            case '\\':
                out_ += "\\\\";
                return;
            case '\n':
                out_ += "\\n";
                return;
            case '\r':
                out_ += "\\r";
                return;
            case '\t':
                out_ += "\\t";
                return;
            case '\b':
                out_ += "\\b";
                return;
            case '\f':
                out_ += "\\f";
                return;
            default:
                break;
        }
        if (static_cast<unsigned char>(c) < 0x20) {
            constexpr char hex[] = "0123456789abcdef";
            out_ += "\\u00";
            out_ += hex[(c >> 4) & 0x0F];
            out_ += hex[c & 0x0F];
        } else {
            out_ += c;
        }
    }

    std::string& out_;
};

void write_input(json_writer& w, const bot::action_input& in) {
    w.raw("{");
    w.key("choices");
    w.raw("[");
    bool first = true;
    for (const auto& [value, label] : in.choices) {
        w.raw(first ? "{" : ",{");
        first = false;
        w.key("label");
        w.string(label);
        w.raw(",");
        w.key("value");
        w.string(value);
        w.raw("}");
    }
    w.raw("],");
    w.key("kind");
    w.string(input_kind_name(in.kind));
    w.raw(",");
    w.key("label");
    w.string(in.label);
    w.raw(",");
    w.key("name");
    w.string(in.name);
    w.raw(",");
    w.key("required");
    w.raw(in.required ? "true," : "false,");
    w.key("value");
    w.string(in.value);
    w.raw("}");
}

void write_action(json_writer& w, const bot::action& a) {
    w.raw("{");
    w.key("data");
    w.raw("{");
    bool first = true;
    for (const auto& [k, v] : a.data) {  // std::map: sorted, as nlohmann writes objects
        if (!first) {
            w.raw(",");
        }
        first = false;
        w.escaped_key(k);
        w.string(v);
    }
    w.raw("},");
    w.key("form");
    w.raw(a.form ? "true," : "false,");
    w.key("inputs");
    w.raw("[");
    first = true;
    for (const auto& in : a.inputs) {
        if (!first) {
            w.raw(",");
        }
        first = false;
        write_input(w, in);
    }
    w.raw("],");
    w.key("label");
    w.string(a.label);
    w.raw(",");
    w.key("verb");
    w.string(a.verb);
    w.raw("}");
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
    std::string out;
    write_message_json(m, out);
    return out;
}

void write_message_json(const bot::message& m, std::string& out) {
    out.clear();
    json_writer w{out};
    w.raw("{");
    w.key("actions");
    w.raw("[");
    bool first = true;
    for (const auto& a : m.actions) {
        if (!first) {
            w.raw(",");
        }
        first = false;
        write_action(w, a);
    }
    w.raw("],");
    w.key("facts");
    w.raw("[");
    first = true;
    for (const auto& f : m.facts) {
        w.raw(first ? "{" : ",{");
        first = false;
        w.key("label");
        w.string(f.label);
        w.raw(",");
        w.key("value");
        w.string(f.value);
        w.raw("}");
    }
    w.raw("],");
    w.key("subject_key");
    w.string(m.subject_key);
    w.raw(",");
    w.key("text");
    w.string(m.text);
    w.raw(",");
    w.key("title");
    w.string(m.title);
    w.raw("}");
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

namespace {

// Reads the dialog state as conversation_to_json writes it (nlohmann's compact dump, keys in
// order: {"fields":{"k":"v",...},"flow":"..."}) without building a JSON tree: every turn of a
// dialog reads it. Returns nullopt on anything else, which the full parser then reads or refuses.
class dialog_state_reader {
  public:
    explicit dialog_state_reader(std::string_view text) : s_(text) {}

    std::optional<bot::conversation_state> read() {
        bot::conversation_state c;
        if (!literal("{\"fields\":{")) {
            return std::nullopt;
        }
        if (!literal("}")) {
            do {
                auto key = string();
                if (!key || !literal(":")) {
                    return std::nullopt;
                }
                auto value = string();
                if (!value) {
                    return std::nullopt;
                }
                c.fields.insert_or_assign(std::move(*key), std::move(*value));
            } while (literal(","));
            if (!literal("}")) {
                return std::nullopt;
            }
        }
        if (!literal(",\"flow\":")) {
            return std::nullopt;
        }
        auto flow = string();
        if (!flow || !literal("}") || i_ != s_.size()) {
            return std::nullopt;
        }
        c.flow = std::move(*flow);
        return c;
    }

  private:
    bool literal(std::string_view text) {
        if (s_.substr(i_, text.size()) != text) {
            return false;
        }
        i_ += text.size();
        return true;
    }

    std::optional<std::string> string() {
        if (!literal("\"")) {
            return std::nullopt;
        }
        std::string out;
        while (i_ < s_.size()) {
            const auto c = static_cast<unsigned char>(s_[i_]);
            if (c == '"') {
                ++i_;
                return out;
            }
            if (c < 0x20) {
                return std::nullopt;
            }
            if (c == '\\') {
                if (!escape(out)) {
                    return std::nullopt;
                }
                continue;
            }
            if (c >= 0x80) {
                const auto n = utf8_sequence_length(s_, i_);
                if (n == 0) {
                    return std::nullopt;
                }
                out.append(s_.substr(i_, n));
                i_ += n;
                continue;
            }
            out += static_cast<char>(c);
            ++i_;
        }
        return std::nullopt;
    }

    // An escape at s_[i_] (the backslash), appended to `out`; false when malformed or when it
    // stands for a character beyond ASCII.
    bool escape(std::string& out) {
        if (i_ + 1 >= s_.size()) {
            return false;
        }
        const char e = s_[i_ + 1];
        i_ += 2;
        switch (e) {
            case '"':
            case '\\':
            case '/':
                out += e;
                return true;
            case 'b':
                out += '\b';
                return true;
            case 'f':
                out += '\f';
                return true;
            case 'n':
                out += '\n';
                return true;
            case 'r':
                out += '\r';
                return true;
            case 't':
                out += '\t';
                return true;
            case 'u':
                break;
            default:
                return false;
        }
        // conversation_to_json escapes only control characters this way; other code points
        // are left to the full parser.
        const auto code = hex4();
        if (!code || *code >= 0x80) {
            return false;
        }
        out += static_cast<char>(*code);
        return true;
    }

    std::optional<char32_t> hex4() {
        if (i_ + 4 > s_.size()) {
            return std::nullopt;
        }
        char32_t v = 0;
        for (int k = 0; k < 4; ++k) {
            const char h = s_[i_++];
            v <<= 4;
            if (h >= '0' && h <= '9') {
                v |= static_cast<char32_t>(h - '0');
            } else if (h >= 'a' && h <= 'f') {
                v |= static_cast<char32_t>(h - 'a' + 10);
            } else if (h >= 'A' && h <= 'F') {
                v |= static_cast<char32_t>(h - 'A' + 10);
            } else {
                return std::nullopt;
            }
        }
        return v;
    }

    std::string_view s_;
    std::size_t i_ = 0;
};

}  // namespace

bot::conversation_state conversation_from_json(std::string_view text) {
    if (auto plain = dialog_state_reader{text}.read()) {
        return std::move(*plain);
    }
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
