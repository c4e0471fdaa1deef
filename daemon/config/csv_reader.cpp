#include "daemon/config/csv_reader.hpp"

#include <algorithm>

namespace kv::daemon {
namespace {

char detect_separator(std::string_view text) {
    std::size_t semicolons = 0;
    std::size_t commas = 0;
    bool quoted = false;
    for (char c : text) {
        if (c == '"') {
            quoted = !quoted;
        } else if (!quoted && (c == '\n' || c == '\r')) {
            break;
        } else if (!quoted && c == ';') {
            ++semicolons;
        } else if (!quoted && c == ',') {
            ++commas;
        }
    }
    return semicolons > commas ? ';' : ',';
}

bool ends_field(std::string_view text, std::size_t i, char separator) {
    return i >= text.size() || text[i] == separator || text[i] == '\r' || text[i] == '\n';
}

}  // namespace

std::vector<csv_record> read_csv_records(std::string_view text) {
    constexpr std::string_view bom = "\xEF\xBB\xBF";
    if (text.starts_with(bom)) {
        text.remove_prefix(bom.size());
    }
    const char separator = detect_separator(text);
    std::vector<csv_record> out;
    std::size_t i = 0;
    int row = 0;
    while (i < text.size()) {
        csv_record r{++row, {}, {}};
        std::string field;
        for (;;) {
            if (i < text.size() && text[i] == '"') {
                ++i;
                bool closed = false;
                while (i < text.size()) {
                    if (text[i] == '"' && i + 1 < text.size() && text[i + 1] == '"') {
                        field += '"';
                        i += 2;
                    } else if (text[i] == '"') {
                        ++i;
                        closed = true;
                        break;
                    } else {
                        field += text[i++];
                    }
                }
                if (!closed) {
                    r.error = "a quoted field is not closed";
                } else if (!ends_field(text, i, separator)) {
                    r.error = "text after the closing quote of a field";
                }
            }
            // A quote inside an unquoted field is kept as text (Ola "Olly" Nordmann).
            while (!ends_field(text, i, separator)) {
                field += text[i++];
            }
            r.fields.push_back(std::move(field));
            field.clear();
            if (i < text.size() && text[i] == separator) {
                ++i;
                continue;
            }
            if (i < text.size() && text[i] == '\r') {
                ++i;
            }
            if (i < text.size() && text[i] == '\n') {
                ++i;
            }
            break;
        }
        out.push_back(std::move(r));
    }
    return out;
}

std::string trim_field(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
        s.remove_suffix(1);
    }
    return std::string(s);
}

std::string ascii_lower(std::string s) {
    for (char& c : s) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return s;
}

csv_columns map_csv_header(const csv_record& header, const std::vector<std::string_view>& required,
                           const std::vector<std::string_view>& optional) {
    csv_columns out;
    if (!header.error.empty()) {
        out.problems.push_back(header.error);
    }
    const auto named = [](const std::vector<std::string_view>& names, const std::string& name) {
        return std::find(names.begin(), names.end(), name) != names.end();
    };
    for (std::size_t c = 0; c < header.fields.size(); ++c) {
        const std::string name = ascii_lower(trim_field(header.fields[c]));
        if (!named(required, name) && !named(optional, name)) {
            continue;
        }
        if (!out.column_of.emplace(name, c).second) {
            out.problems.push_back("column '" + name + "' appears twice");
        }
    }
    for (const auto name : required) {
        if (!out.column_of.contains(std::string(name))) {
            out.problems.push_back("missing column '" + std::string(name) + "'");
        }
    }
    return out;
}

}  // namespace kv::daemon
