#include "daemon/config/csv_reader.hpp"

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

}  // namespace kv::daemon
