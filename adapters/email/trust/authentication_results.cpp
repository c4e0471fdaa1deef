#include "adapters/email/trust/authentication_results.hpp"

#include "adapters/email/ascii_text.hpp"

namespace kv::email {
namespace {

// Removes (comments), which may nest, and unquotes "strings"; semicolons inside either are
// kept out of the result so that splitting stays correct.
std::string without_comments(std::string_view v) {
    std::string out;
    int depth = 0;
    bool quoted = false;
    for (std::size_t i = 0; i < v.size(); ++i) {
        const char c = v[i];
        if (quoted) {
            if (c == '\\' && i + 1 < v.size()) {
                out += v[++i] == ';' ? ' ' : v[i];
            } else if (c == '"') {
                quoted = false;
            } else {
                out += c == ';' ? ' ' : c;
            }
        } else if (depth > 0) {
            if (c == '\\') {
                ++i;
            } else if (c == '(') {
                ++depth;
            } else if (c == ')') {
                --depth;
            }
        } else if (c == '(') {
            ++depth;
            out += ' ';
        } else if (c == '"') {
            quoted = true;
        } else {
            out += c;
        }
    }
    return out;
}

std::vector<std::string> split(std::string_view s, char sep) {
    std::vector<std::string> out;
    std::size_t pos = 0;
    while (true) {
        const std::size_t end = s.find(sep, pos);
        out.emplace_back(s.substr(pos, end == std::string_view::npos ? end : end - pos));
        if (end == std::string_view::npos) {
            return out;
        }
        pos = end + 1;
    }
}

std::vector<std::string> words(std::string_view s) {
    std::vector<std::string> out;
    std::string w;
    for (const char c : s) {
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            if (!w.empty()) {
                out.push_back(std::move(w));
                w.clear();
            }
        } else {
            w += c;
        }
    }
    if (!w.empty()) {
        out.push_back(std::move(w));
    }
    return out;
}

std::optional<auth_method_result> method_result(const std::vector<std::string>& tokens) {
    if (tokens.empty()) {
        return std::nullopt;
    }
    auth_method_result r;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        const auto eq = tokens[i].find('=');
        if (eq == std::string::npos) {
            continue;
        }
        std::string key = ascii_lower(tokens[i].substr(0, eq));
        std::string value = tokens[i].substr(eq + 1);
        if (i == 0) {
            const auto slash = key.find('/');  // "dkim/1=pass": method version
            r.method = slash == std::string::npos ? key : key.substr(0, slash);
            r.result = ascii_lower(value);
        } else {
            r.properties[std::move(key)] = std::move(value);
        }
    }
    if (r.method.empty()) {
        return std::nullopt;
    }
    return r;
}

}  // namespace

std::optional<authentication_results> parse_authentication_results(std::string_view value) {
    const auto parts = split(without_comments(value), ';');
    authentication_results out;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        const auto tokens = words(parts[i]);
        if (tokens.empty()) {
            continue;
        }
        if (i == 0 && tokens[0].find('=') == std::string::npos) {
            out.authserv_id = ascii_lower(tokens[0]);  // a version number may follow; "none" too
            continue;
        }
        if (auto r = method_result(tokens)) {
            out.results.push_back(std::move(*r));
        }
    }
    if (out.authserv_id.empty() && out.results.empty()) {
        return std::nullopt;
    }
    return out;
}

}  // namespace kv::email
