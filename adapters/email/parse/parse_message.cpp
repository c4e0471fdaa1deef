#include "adapters/email/parse/parse_message.hpp"

#include <gmime/gmime.h>

#include <algorithm>
#include <memory>
#include <mutex>

#include "adapters/email/ascii_text.hpp"
#include "adapters/email/parse/flowed_text.hpp"
#include "adapters/email/parse/html_text.hpp"

namespace kv::email {
namespace {

constexpr std::size_t max_header_block = 256 * 1024;

struct gobject_unref {
    void operator()(void* p) const noexcept {
        if (p != nullptr) {
            g_object_unref(p);
        }
    }
};
template <class T>
using gptr = std::unique_ptr<T, gobject_unref>;

struct options_free {
    void operator()(GMimeParserOptions* p) const noexcept { g_mime_parser_options_free(p); }
};

void init_gmime() {
    static std::once_flag once;
    std::call_once(once, [] { g_mime_init(); });
}

std::string unfold(const char* raw) {
    std::string out;
    if (raw == nullptr) {
        return out;
    }
    for (const char* p = raw; *p != '\0'; ++p) {
        if (*p == '\r' || *p == '\n') {
            continue;
        }
        out += *p == '\t' ? ' ' : *p;
    }
    const auto first = out.find_first_not_of(' ');
    const auto last = out.find_last_not_of(' ');
    return first == std::string::npos ? std::string{} : out.substr(first, last - first + 1);
}

std::string valid_utf8(std::string s) {
    if (g_utf8_validate(s.data(), static_cast<gssize>(s.size()), nullptr)) {
        return s;
    }
    gchar* fixed = g_utf8_make_valid(s.data(), static_cast<gssize>(s.size()));
    std::string out(fixed);
    g_free(fixed);
    return out;
}

std::string decoded_bytes(GMimePart* part) {
    GMimeDataWrapper* content = g_mime_part_get_content(part);
    if (content == nullptr) {
        return {};
    }
    gptr<GMimeStream> mem(g_mime_stream_mem_new());
    g_mime_data_wrapper_write_to_stream(content, mem.get());
    GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem.get()));
    return std::string(reinterpret_cast<const char*>(bytes->data), bytes->len);
}

std::size_t decoded_size(GMimePart* part) {
    GMimeDataWrapper* content = g_mime_part_get_content(part);
    if (content == nullptr) {
        return 0;
    }
    gptr<GMimeStream> null_stream(g_mime_stream_null_new());
    const auto n = g_mime_data_wrapper_write_to_stream(content, null_stream.get());
    return n < 0 ? 0 : static_cast<std::size_t>(n);
}

std::string convert(const std::string& bytes, const char* charset) {
    gsize written = 0;
    GError* err = nullptr;
    gchar* out = g_convert(bytes.data(), static_cast<gssize>(bytes.size()), "UTF-8", charset,
                           nullptr, &written, &err);
    if (out == nullptr) {
        g_clear_error(&err);
        return {};
    }
    std::string s(out, written);
    g_free(out);
    return s;
}

// The part's text in UTF-8. Latin-1 labels are read as windows-1252, as browsers do: Outlook
// labels windows-1252 text (– ’ €) as iso-8859-1.
std::string part_text(GMimePart* part) {
    const std::string bytes = decoded_bytes(part);
    const char* declared = g_mime_object_get_content_type_parameter(GMIME_OBJECT(part), "charset");
    std::string charset = declared != nullptr ? ascii_lower(declared) : std::string{};
    if (charset == "iso-8859-1" || charset == "latin1" || charset == "iso_8859-1" ||
        charset == "us-ascii" || charset == "ascii" || charset == "cp1252") {
        charset = "windows-1252";
    }
    const bool is_utf8 =
        g_utf8_validate(bytes.data(), static_cast<gssize>(bytes.size()), nullptr) != 0;
    if (charset.empty() || charset == "utf-8" || charset == "utf8") {
        return is_utf8 ? bytes : convert(bytes, "WINDOWS-1252");
    }
    if (charset == "windows-1252" && is_utf8) {
        bool ascii = std::all_of(bytes.begin(), bytes.end(),
                                 [](char c) { return static_cast<unsigned char>(c) < 0x80; });
        if (ascii) {
            return bytes;
        }
    }
    std::string text = convert(bytes, g_mime_charset_iconv_name(charset.c_str()));
    if (text.empty() && !bytes.empty()) {
        text = is_utf8 ? bytes : convert(bytes, "WINDOWS-1252");
    }
    return valid_utf8(std::move(text));
}

std::string normalise_newlines(std::string s) {
    if (s.find('\r') == std::string::npos) {
        return s;
    }
    std::string out;
    out.reserve(s.size());
    std::size_t pos = 0;
    while (pos < s.size()) {
        const std::size_t cr = s.find('\r', pos);
        if (cr == std::string::npos) {
            out.append(s, pos, std::string::npos);
            break;
        }
        out.append(s, pos, cr - pos);
        out += '\n';
        pos = cr + 1 < s.size() && s[cr + 1] == '\n' ? cr + 2 : cr + 1;
    }
    return out;
}

// Encoded-words labelled Latin-1 are read as windows-1252, like body parts.
std::string latin1_words_as_cp1252(std::string raw) {
    static constexpr std::string_view labels[] = {"=?iso-8859-1?", "=?latin1?", "=?us-ascii?"};
    for (const auto label : labels) {
        for (std::size_t at = ascii_lower(raw).find(label); at != std::string::npos;
             at = ascii_lower(raw).find(label, at + 1)) {
            raw.replace(at, label.size(), "=?windows-1252?");
        }
    }
    return raw;
}

std::string decoded_header(GMimeParserOptions* opts, GMimeObject* obj, const char* name) {
    GMimeHeaderList* list = g_mime_object_get_header_list(obj);
    GMimeHeader* h = g_mime_header_list_get_header(list, name);
    if (h == nullptr) {
        return {};
    }
    const std::string raw = latin1_words_as_cp1252(unfold(g_mime_header_get_raw_value(h)));
    gchar* text = g_mime_utils_header_decode_text(opts, raw.c_str());
    std::string out = text != nullptr ? valid_utf8(text) : std::string{};
    g_free(text);
    return out;
}

std::string mime_type_of(GMimeObject* obj) {
    GMimeContentType* ct = g_mime_object_get_content_type(obj);
    if (ct == nullptr) {
        return "text/plain";
    }
    const char* type = g_mime_content_type_get_media_type(ct);
    const char* sub = g_mime_content_type_get_media_subtype(ct);
    return ascii_lower(std::string(type != nullptr ? type : "text") + "/" +
                       (sub != nullptr ? sub : "plain"));
}

std::string header_block_text(GMimeObject* obj) {
    GMimeHeaderList* list = g_mime_object_get_header_list(obj);
    std::string out;
    const int n = g_mime_header_list_get_count(list);
    for (int i = 0; i < n; ++i) {
        GMimeHeader* h = g_mime_header_list_get_header_at(list, i);
        out += g_mime_header_get_name(h);
        out += ": ";
        out += unfold(g_mime_header_get_raw_value(h));
        out += '\n';
    }
    return out;
}

struct walker {
    parsed_message& msg;
    int depth = 0;

    void note_attachment(GMimePart* part, const std::string& type) {
        const char* name = g_mime_part_get_filename(part);
        msg.attachments.push_back(
            {name != nullptr ? valid_utf8(name) : std::string{}, type, decoded_size(part)});
    }

    void walk(GMimeObject* obj) {
        if (obj == nullptr || depth > 32) {
            return;  // deeper nesting than any client writes: the rest is ignored
        }
        ++depth;
        const std::string type = mime_type_of(obj);
        if (GMIME_IS_MULTIPART(obj)) {
            if (type == "multipart/encrypted") {
                msg.encrypted = true;
            }
            GMimeMultipart* mp = GMIME_MULTIPART(obj);
            const int n = g_mime_multipart_get_count(mp);
            for (int i = 0; i < n; ++i) {
                walk(g_mime_multipart_get_part(mp, i));
            }
        } else if (GMIME_IS_MESSAGE_PART(obj)) {
            // A forwarded or returned message: its headers matter for bounces, its text is not
            // the sender's own words.
            GMimeMessage* inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));
            if (inner != nullptr && msg.returned_headers.empty()) {
                msg.returned_headers = header_block_text(GMIME_OBJECT(inner));
            }
            msg.attachments.push_back({"", type, 0});
        } else if (GMIME_IS_PART(obj)) {
            GMimePart* part = GMIME_PART(obj);
            const char* disposition = g_mime_object_get_disposition(obj);
            const bool attached =
                disposition != nullptr && ascii_lower(disposition) == "attachment";
            if (type == "application/ms-tnef") {
                msg.has_tnef = true;
                note_attachment(part, type);
            } else if (type == "application/pkcs7-mime" || type == "application/x-pkcs7-mime") {
                msg.encrypted = true;
            } else if (type == "message/delivery-status" ||
                       type == "message/global-delivery-status") {
                msg.delivery_status = normalise_newlines(part_text(part));
            } else if (type == "text/rfc822-headers") {
                if (msg.returned_headers.empty()) {
                    msg.returned_headers = normalise_newlines(part_text(part));
                }
            } else if (type == "text/plain" && !attached && msg.plain_text.empty()) {
                std::string text = normalise_newlines(part_text(part));
                const char* format = g_mime_object_get_content_type_parameter(obj, "format");
                if (format != nullptr && ascii_lower(format) == "flowed") {
                    const char* delsp = g_mime_object_get_content_type_parameter(obj, "delsp");
                    text = unflow(text, delsp != nullptr && ascii_lower(delsp) == "yes");
                }
                msg.plain_text = std::move(text);
            } else if (type == "text/html" && !attached) {
                // After a plain part with text the HTML alternative is not needed: not decoded.
                if (msg.html.empty() &&
                    msg.plain_text.find_first_not_of(" \t\n") == std::string::npos) {
                    msg.html = normalise_newlines(part_text(part));
                }
            } else if (type != "application/pkcs7-signature" &&
                       type != "application/x-pkcs7-signature" &&
                       type != "application/pgp-signature") {
                note_attachment(part, type);
            }
        }
        --depth;
    }
};

std::vector<std::string> references_of(GMimeParserOptions* opts, const char* text) {
    std::vector<std::string> out;
    if (text == nullptr) {
        return out;
    }
    GMimeReferences* refs = g_mime_references_parse(opts, text);
    if (refs == nullptr) {
        return out;
    }
    const int n = g_mime_references_length(refs);
    for (int i = 0; i < n; ++i) {
        out.emplace_back(g_mime_references_get_message_id(refs, i));
    }
    g_mime_references_free(refs);
    return out;
}

void add_addresses(InternetAddressList* list, std::vector<std::string>& out) {
    if (list == nullptr) {
        return;
    }
    const int n = internet_address_list_length(list);
    for (int i = 0; i < n; ++i) {
        InternetAddress* a = internet_address_list_get_address(list, i);
        if (INTERNET_ADDRESS_IS_MAILBOX(a)) {
            const char* addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a));
            if (addr != nullptr && *addr != '\0') {
                out.push_back(ascii_lower(addr));
            }
        } else if (INTERNET_ADDRESS_IS_GROUP(a)) {
            add_addresses(internet_address_group_get_members(INTERNET_ADDRESS_GROUP(a)), out);
        }
    }
}

void add_header_addresses(GMimeParserOptions* opts, GMimeObject* obj, const char* name,
                          std::vector<std::string>& out) {
    GMimeHeaderList* list = g_mime_object_get_header_list(obj);
    const int n = g_mime_header_list_get_count(list);
    for (int i = 0; i < n; ++i) {
        GMimeHeader* h = g_mime_header_list_get_header_at(list, i);
        if (g_ascii_strcasecmp(g_mime_header_get_name(h), name) != 0) {
            continue;
        }
        gptr<InternetAddressList> parsed(
            internet_address_list_parse(opts, g_mime_header_get_raw_value(h)));
        add_addresses(parsed.get(), out);
    }
}

std::optional<parsed_message> construct(std::string_view raw, GMimeParserOptions* opts) {
    gptr<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(raw.data(), raw.size()));
    gptr<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
    g_mime_parser_set_format(parser.get(), GMIME_FORMAT_MESSAGE);
    gptr<GMimeMessage> m(g_mime_parser_construct_message(parser.get(), opts));
    if (!m) {
        return std::nullopt;
    }
    GMimeObject* obj = GMIME_OBJECT(m.get());
    parsed_message msg;
    GMimeHeaderList* list = g_mime_object_get_header_list(obj);
    const int n = g_mime_header_list_get_count(list);
    for (int i = 0; i < n; ++i) {
        GMimeHeader* h = g_mime_header_list_get_header_at(list, i);
        msg.headers.push_back({g_mime_header_get_name(h), unfold(g_mime_header_get_raw_value(h))});
    }
    if (const char* id = g_mime_message_get_message_id(m.get())) {
        msg.message_id = valid_utf8(id);
    }
    GMimeHeader* from_header = g_mime_header_list_get_header(list, "From");
    gptr<InternetAddressList> from(
        from_header == nullptr
            ? nullptr
            : internet_address_list_parse(
                  opts, latin1_words_as_cp1252(unfold(g_mime_header_get_raw_value(from_header)))
                            .c_str()));
    if (from && internet_address_list_length(from.get()) > 0) {
        InternetAddress* a = internet_address_list_get_address(from.get(), 0);
        if (INTERNET_ADDRESS_IS_MAILBOX(a)) {
            const char* addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a));
            msg.from_address = addr != nullptr ? valid_utf8(ascii_lower(addr)) : std::string{};
            const char* name = internet_address_get_name(a);
            msg.from_name = name != nullptr ? valid_utf8(name) : std::string{};
        }
    }
    add_addresses(g_mime_message_get_to(m.get()), msg.recipients);
    add_addresses(g_mime_message_get_cc(m.get()), msg.recipients);
    add_header_addresses(opts, obj, "Delivered-To", msg.recipients);
    add_header_addresses(opts, obj, "X-Original-To", msg.recipients);
    msg.subject = decoded_header(opts, obj, "Subject");
    if (GDateTime* date = g_mime_message_get_date(m.get())) {
        msg.date = std::chrono::sys_seconds{std::chrono::seconds{g_date_time_to_unix(date)}};
    }
    const auto in_reply_to = references_of(opts, g_mime_object_get_header(obj, "In-Reply-To"));
    if (!in_reply_to.empty()) {
        msg.in_reply_to = valid_utf8(in_reply_to.front());
    }
    for (auto& r : references_of(opts, g_mime_object_get_header(obj, "References"))) {
        msg.references.push_back(valid_utf8(std::move(r)));
    }
    GMimeObject* body = g_mime_message_get_mime_part(m.get());
    msg.mime_type = body != nullptr ? mime_type_of(body) : "text/plain";
    if (const char* report = body != nullptr
                                 ? g_mime_object_get_content_type_parameter(body, "report-type")
                                 : nullptr) {
        msg.report_type = ascii_lower(report);
    }
    walker{msg}.walk(body);
    return msg;
}

std::size_t header_end(std::string_view raw) {
    const std::size_t crlf = raw.find("\r\n\r\n");
    const std::size_t lf = raw.find("\n\n");
    std::size_t end = std::min(crlf == std::string_view::npos ? raw.size() : crlf + 4,
                               lf == std::string_view::npos ? raw.size() : lf + 2);
    return std::min(end, max_header_block);
}

}  // namespace

std::optional<std::string_view> parsed_message::header(std::string_view name) const {
    for (const auto& h : headers) {
        if (ascii_lower(h.name) == ascii_lower(name)) {
            return h.value;
        }
    }
    return std::nullopt;
}

std::vector<std::string_view> parsed_message::headers_named(std::string_view name) const {
    std::vector<std::string_view> out;
    for (const auto& h : headers) {
        if (ascii_lower(h.name) == ascii_lower(name)) {
            out.push_back(h.value);
        }
    }
    return out;
}

bool parsed_message::body_is_html() const {
    return plain_text.find_first_not_of(" \t\n") == std::string::npos && !html.empty();
}

std::string parsed_message::body_text() const {
    return body_is_html() ? html_to_text(html) : plain_text;
}

parse_result parse_message(std::string_view raw, std::size_t max_bytes) {
    init_gmime();
    std::unique_ptr<GMimeParserOptions, options_free> opts(g_mime_parser_options_new());
    const char* fallback[] = {"utf-8", "windows-1252", nullptr};
    g_mime_parser_options_set_fallback_charsets(opts.get(), fallback);
    g_mime_parser_options_set_rfc2047_compliance_mode(opts.get(), GMIME_RFC_COMPLIANCE_LOOSE);
    g_mime_parser_options_set_address_compliance_mode(opts.get(), GMIME_RFC_COMPLIANCE_LOOSE);
    g_mime_parser_options_set_parameter_compliance_mode(opts.get(), GMIME_RFC_COMPLIANCE_LOOSE);

    parse_result result;
    const bool too_large = raw.size() > max_bytes;
    const std::string_view input = too_large ? raw.substr(0, header_end(raw)) : raw;
    result.message = construct(input, opts.get());
    if (too_large) {
        result.error = parse_error::too_large;
        result.detail = "message is over the limit of " + std::to_string(max_bytes) + " bytes";
        return result;
    }
    if (!result.message || result.message->headers.empty()) {
        result.error = parse_error::malformed;
        result.detail = "not a mail message (no header block)";
        result.message.reset();
    } else if (result.message->from_address.empty()) {
        result.error = parse_error::malformed;
        result.detail = "no sender address in From";
    }
    return result;
}

}  // namespace kv::email
