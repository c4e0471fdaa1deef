#pragma once
// Test helper: reads a raw message back with GMime, the way a mail client decodes it, so tests
// compare what a person would see (decoded subject, names and bodies) with what was sent.

#include <gmime/gmime.h>

#include <mutex>
#include <string>
#include <vector>

namespace kv::email::testing {

struct decoded_mail {
    bool parsed = false;
    std::string subject;
    std::string from_name, from_address;
    std::string to_name, to_address;
    std::string reply_to_address;
    std::string content_type;             // of the top level, e.g. "multipart/alternative"
    std::vector<std::string> part_types;  // "text/plain", "text/html"
    std::vector<std::string> part_charsets;
    std::vector<std::string> part_encodings;  // "quoted-printable"
    std::string plain, html;                  // decoded text, CRLF turned into LF
};

inline std::string header_of(GMimeObject* o, const char* name) {
    const char* v = g_mime_object_get_header(o, name);
    return v != nullptr ? v : "";
}

inline std::string lf(std::string s) {
    std::string out;
    for (const char c : s) {
        if (c != '\r') {
            out += c;
        }
    }
    return out;
}

inline void first_mailbox(InternetAddressList* list, std::string& name, std::string& address) {
    if (list == nullptr || internet_address_list_length(list) == 0) {
        return;
    }
    InternetAddress* ia = internet_address_list_get_address(list, 0);
    name = internet_address_get_name(ia) != nullptr ? internet_address_get_name(ia) : "";
    if (INTERNET_ADDRESS_IS_MAILBOX(ia)) {
        address = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia));
    }
}

inline decoded_mail decode(const std::string& raw) {
    static std::once_flag once;
    std::call_once(once, [] { g_mime_init(); });
    decoded_mail out;
    GMimeStream* stream = g_mime_stream_mem_new_with_buffer(raw.data(), raw.size());
    GMimeParser* parser = g_mime_parser_new_with_stream(stream);
    GMimeMessage* m = g_mime_parser_construct_message(parser, nullptr);
    if (m != nullptr) {
        out.parsed = true;
        out.subject = g_mime_message_get_subject(m) != nullptr ? g_mime_message_get_subject(m) : "";
        first_mailbox(g_mime_message_get_from(m), out.from_name, out.from_address);
        first_mailbox(g_mime_message_get_to(m), out.to_name, out.to_address);
        std::string ignored;
        first_mailbox(g_mime_message_get_reply_to(m), ignored, out.reply_to_address);
        GMimeObject* top = g_mime_message_get_mime_part(m);
        if (top != nullptr) {
            GMimeContentType* ct = g_mime_object_get_content_type(top);
            out.content_type = std::string(g_mime_content_type_get_media_type(ct)) + "/" +
                               g_mime_content_type_get_media_subtype(ct);
            if (GMIME_IS_MULTIPART(top)) {
                auto* mp = GMIME_MULTIPART(top);
                for (int i = 0; i < g_mime_multipart_get_count(mp); ++i) {
                    GMimeObject* part = g_mime_multipart_get_part(mp, i);
                    GMimeContentType* pct = g_mime_object_get_content_type(part);
                    const std::string type = std::string(g_mime_content_type_get_media_type(pct)) +
                                             "/" + g_mime_content_type_get_media_subtype(pct);
                    out.part_types.push_back(type);
                    const char* cs = g_mime_content_type_get_parameter(pct, "charset");
                    out.part_charsets.push_back(cs != nullptr ? cs : "");
                    out.part_encodings.push_back(header_of(part, "Content-Transfer-Encoding"));
                    if (GMIME_IS_TEXT_PART(part)) {
                        char* text = g_mime_text_part_get_text(GMIME_TEXT_PART(part));
                        (type == "text/html" ? out.html : out.plain) =
                            lf(text != nullptr ? text : "");
                        g_free(text);
                    }
                }
            }
        }
        g_object_unref(m);
    }
    g_object_unref(parser);
    g_object_unref(stream);
    return out;
}

// The header block (up to the first empty line), unfolded, as "Name: value" lines.
inline std::vector<std::string> unfolded_headers(const std::string& raw) {
    const auto end = raw.find("\r\n\r\n");
    const std::string block = raw.substr(0, end);
    std::vector<std::string> lines;
    std::size_t pos = 0;
    while (pos <= block.size()) {
        auto next = block.find("\r\n", pos);
        if (next == std::string::npos) {
            next = block.size();
        }
        std::string line = block.substr(pos, next - pos);
        if (!line.empty() && (line[0] == ' ' || line[0] == '\t') && !lines.empty()) {
            lines.back() += line;
        } else {
            lines.push_back(line);
        }
        pos = next + 2;
    }
    return lines;
}

inline std::string raw_header(const std::string& raw, const std::string& name) {
    for (const auto& line : unfolded_headers(raw)) {
        if (line.size() > name.size() && line[name.size()] == ':' &&
            g_ascii_strncasecmp(line.c_str(), name.c_str(), name.size()) == 0) {
            auto v = line.substr(name.size() + 1);
            while (!v.empty() && v[0] == ' ') {
                v.erase(0, 1);
            }
            return v;
        }
    }
    return "";
}

}  // namespace kv::email::testing
