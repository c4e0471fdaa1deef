#include "adapters/email/compose/compose.hpp"

#include <gmime/gmime.h>

#include <array>
#include <cstdio>
#include <memory>
#include <mutex>

#include "adapters/email/links/signing.hpp"
#include "bot/domain/oslo_time.hpp"

namespace kv::email {
namespace {

void init_gmime_once() {
    static std::once_flag once;
    std::call_once(once, [] { g_mime_init(); });
}

// GObject references released at scope exit.
struct gobject_unref {
    void operator()(gpointer p) const noexcept {
        if (p != nullptr) {
            g_object_unref(p);
        }
    }
};
template <typename T>
using gobject_ptr = std::unique_ptr<T, gobject_unref>;

struct format_options_free {
    void operator()(GMimeFormatOptions* p) const noexcept { g_mime_format_options_free(p); }
};

bool is_case_id(std::string_view key) {
    // PREFIX-YYYY-NNNN, as bot/domain/case_id formats it.
    const auto dash = key.find('-');
    if (dash == 0 || dash == std::string_view::npos || dash > 8) {
        return false;
    }
    for (std::size_t i = 0; i < dash; ++i) {
        if (key[i] < 'A' || key[i] > 'Z') {
            return false;
        }
    }
    const auto rest = key.substr(dash + 1);
    if (rest.size() < 9 || rest[4] != '-') {
        return false;
    }
    for (std::size_t i = 0; i < rest.size(); ++i) {
        if (i != 4 && (rest[i] < '0' || rest[i] > '9')) {
            return false;
        }
    }
    return true;
}

// Addresses stay ASCII (no SMTPUTF8); a domain with æøå must arrive already in IDNA form.
void require_address(std::string_view address, std::string_view field) {
    const auto at = address.find('@');
    bool ok = !address.empty() && address.size() <= 254 && at != std::string_view::npos && at > 0 &&
              at + 1 < address.size() && address.find('@', at + 1) == address.npos;
    for (const char c : address) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u >= 0x7f || std::string_view("<>()[]\\,;:\"").find(c) != address.npos) {
            ok = false;
        }
    }
    if (!ok) {
        throw compose_error(std::string(field) +
                            ": not a plain ASCII address of the form local@domain");
    }
}

void require_message_id(std::string_view id, std::string_view field) {
    bool ok = id.find('@') != std::string_view::npos && id.size() <= 250;
    for (const char c : id) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u >= 0x7f || c == '<' || c == '>') {
            ok = false;
        }
    }
    if (!ok) {
        throw compose_error(std::string(field) + ": not a Message-ID of the form left@right");
    }
}

// Header text (subject, display names) on one line: a line break in a title must never start a
// new header field.
std::string one_line(std::string_view text) {
    std::string out;
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        out += (u < 0x20 || u == 0x7f) ? ' ' : c;
    }
    return out;
}

std::string crlf(std::string_view text) {
    std::string out;
    out.reserve(text.size() + text.size() / 40);
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\r') {
            continue;  // normalised below; a lone CR is not a line end in mail
        }
        if (text[i] == '\n') {
            out += "\r\n";
        } else {
            out += text[i];
        }
    }
    return out;
}

std::string html_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 16);
    for (const char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            case '\n':
                out += "<br>\n";
                break;
            case '\r':
                break;
            default:
                out += c;
        }
    }
    return out;
}

// A UTF-8 text part, labelled utf-8 and quoted-printable (GMime would otherwise pick
// iso-8859-1 and 8bit for Latin-only text).
gobject_ptr<GMimeTextPart> utf8_part(const char* subtype, const std::string& text) {
    gobject_ptr<GMimeTextPart> part{g_mime_text_part_new_with_subtype(subtype)};
    gobject_ptr<GMimeStream> stream{g_mime_stream_mem_new_with_buffer(text.data(), text.size())};
    gobject_ptr<GMimeDataWrapper> wrapper{
        g_mime_data_wrapper_new_with_stream(stream.get(), GMIME_CONTENT_ENCODING_DEFAULT)};
    g_mime_part_set_content(GMIME_PART(part.get()), wrapper.get());
    g_mime_text_part_set_charset(part.get(), "utf-8");
    g_mime_part_set_content_encoding(GMIME_PART(part.get()),
                                     GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
    return part;
}

// The invitation as the file invitasjon.ics, base64 so no transport can change a byte of it.
gobject_ptr<GMimePart> invitation_attachment(const std::string& ics) {
    gobject_ptr<GMimePart> part{g_mime_part_new_with_type("application", "ics")};
    gobject_ptr<GMimeStream> stream{g_mime_stream_mem_new_with_buffer(ics.data(), ics.size())};
    gobject_ptr<GMimeDataWrapper> wrapper{
        g_mime_data_wrapper_new_with_stream(stream.get(), GMIME_CONTENT_ENCODING_DEFAULT)};
    g_mime_part_set_content(part.get(), wrapper.get());
    g_mime_part_set_filename(part.get(), "invitasjon.ics");
    g_mime_object_set_disposition(GMIME_OBJECT(part.get()), GMIME_DISPOSITION_ATTACHMENT);
    g_mime_part_set_content_encoding(part.get(), GMIME_CONTENT_ENCODING_BASE64);
    return part;
}

void add_mailbox(GMimeMessage* m, GMimeAddressType type, const mailbox& box) {
    InternetAddress* ia =
        internet_address_mailbox_new(one_line(box.name).c_str(), box.address.c_str());
    internet_address_set_charset(ia, "utf-8");
    internet_address_list_add(g_mime_message_get_addresses(m, type), ia);
    g_object_unref(ia);
}

bool any_keyword(const outgoing_mail& mail) {
    for (const auto& w : mail.ways) {
        if (!w.keyword.empty()) {
            return true;
        }
    }
    return false;
}

bool any_link(const outgoing_mail& mail) {
    for (const auto& w : mail.ways) {
        if (!w.url.empty()) {
            return true;
        }
    }
    return false;
}

constexpr std::string_view keywords_intro =
    "Svar på denne e-posten med ett av disse ordene øverst i svaret:";
constexpr std::string_view links_intro =
    "Eller åpne en lenke. Du ser først hva som skjer, og bekrefter med én knapp:";
constexpr std::string_view sent_by = "Denne e-posten er sendt automatisk av Kvalitetsvakt.";

std::string links_validity(const outgoing_mail& mail) {
    return "Lenkene gjelder i " + std::to_string(mail.link_valid_days) +
           " dager og kan brukes én gang. Del dem ikke med andre.";
}

}  // namespace

std::optional<std::string> reply_keyword(std::string_view verb) {
    if (verb == "case.receive") {
        return "MOTTATT";
    }
    if (verb == "case.close") {
        return "LUKK <konklusjon>";
    }
    if (verb == "approval.approve") {
        return "GODKJENN";
    }
    if (verb == "approval.reject") {
        return "AVVIS <begrunnelse>";
    }
    if (verb == "review.keep") {
        return "INGEN ENDRING";
    }
    if (verb == "reading.confirm") {
        return "LEST";
    }
    return std::nullopt;
}

std::string subject_line(const bot::message& m) {
    std::string subject = m.title.empty() ? std::string("Melding fra Kvalitetsvakt") : m.title;
    if (is_case_id(m.subject_key) && subject.find(m.subject_key) == std::string::npos) {
        subject += " [" + m.subject_key + "]";
    }
    return subject;
}

std::string rfc5322_date(std::chrono::sys_seconds t) {
    static constexpr std::array<const char*, 7> days{"Sun", "Mon", "Tue", "Wed",
                                                     "Thu", "Fri", "Sat"};
    static constexpr std::array<const char*, 12> months{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const auto offset = bot::oslo_offset(t);
    const auto local = std::chrono::local_seconds{(t + offset).time_since_epoch()};
    const auto day_point = std::chrono::floor<std::chrono::days>(local);
    const std::chrono::year_month_day ymd{day_point};
    const std::chrono::weekday wd{day_point};
    const std::chrono::hh_mm_ss hms{local - day_point};
    const auto offset_minutes = std::chrono::duration_cast<std::chrono::minutes>(offset).count();
    const long off_abs = offset_minutes < 0 ? -offset_minutes : offset_minutes;
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s, %u %s %d %02ld:%02ld:%02ld %c%02ld%02ld",
                  days[wd.c_encoding()], static_cast<unsigned>(ymd.day()),
                  months[static_cast<unsigned>(ymd.month()) - 1], static_cast<int>(ymd.year()),
                  static_cast<long>(hms.hours().count()), static_cast<long>(hms.minutes().count()),
                  static_cast<long>(hms.seconds().count()), offset_minutes < 0 ? '-' : '+',
                  off_abs / 60, off_abs % 60);
    return buf;
}

std::string plain_body(const outgoing_mail& mail) {
    const auto& m = mail.body;
    std::string out;
    if (!m.title.empty()) {
        out += m.title + "\n\n";
    }
    for (const auto& f : m.facts) {
        out += f.label + ": " + f.value + "\n";
    }
    if (!m.facts.empty()) {
        out += "\n";
    }
    if (!m.text.empty()) {
        out += m.text + "\n\n";
    }
    out += "-- \n";
    if (any_keyword(mail) || any_link(mail)) {
        out += "Slik svarer du\n";
    }
    if (any_keyword(mail)) {
        out += std::string(keywords_intro) + "\n";
        for (const auto& w : mail.ways) {
            if (!w.keyword.empty()) {
                out += "  " + w.keyword + "  (" + w.label + ")\n";
            }
        }
    }
    if (any_link(mail)) {
        out += std::string(links_intro) + "\n";
        for (const auto& w : mail.ways) {
            if (!w.url.empty()) {
                out += "  " + w.label + ": " + w.url + "\n";
            }
        }
        out += links_validity(mail) + "\n";
    }
    out += std::string(sent_by) + "\n";
    return out;
}

std::string html_body(const outgoing_mail& mail) {
    const auto& m = mail.body;
    std::string out =
        "<!DOCTYPE html>\n<html lang=\"nb\"><head><meta charset=\"utf-8\"><title>" +
        html_escape(subject_line(m)) +
        "</title></head>\n<body style=\"font-family:Arial,Helvetica,sans-serif;font-size:14px;"
        "color:#222222;\">\n";
    if (!m.title.empty()) {
        out +=
            "<h2 style=\"font-size:18px;margin:0 0 12px 0;\">" + html_escape(m.title) + "</h2>\n";
    }
    if (!m.facts.empty()) {
        out += "<table cellpadding=\"4\" cellspacing=\"0\" border=\"0\">\n";
        for (const auto& f : m.facts) {
            out += "<tr><td style=\"color:#555555;vertical-align:top;\">" + html_escape(f.label) +
                   "</td><td>" + html_escape(f.value) + "</td></tr>\n";
        }
        out += "</table>\n";
    }
    if (!m.text.empty()) {
        out += "<p>" + html_escape(m.text) + "</p>\n";
    }
    out += "<hr style=\"border:0;border-top:1px solid #cccccc;\">\n";
    if (any_keyword(mail) || any_link(mail)) {
        out += "<p><b>Slik svarer du</b></p>\n";
    }
    if (any_keyword(mail)) {
        out += "<p>" + html_escape(keywords_intro) + "</p>\n<ul>\n";
        for (const auto& w : mail.ways) {
            if (!w.keyword.empty()) {
                out += "<li><b>" + html_escape(w.keyword) + "</b> (" + html_escape(w.label) +
                       ")</li>\n";
            }
        }
        out += "</ul>\n";
    }
    if (any_link(mail)) {
        out += "<p>" + html_escape(links_intro) + "</p>\n<p>\n";
        for (const auto& w : mail.ways) {
            if (!w.url.empty()) {
                out += "<a href=\"" + html_escape(w.url) +
                       "\" style=\"display:inline-block;padding:8px 16px;margin:0 8px 8px 0;"
                       "background:#1f5c99;color:#ffffff;text-decoration:none;"
                       "border-radius:4px;\">" +
                       html_escape(w.label) + "</a>\n";
            }
        }
        out += "</p>\n<p style=\"color:#666666;font-size:12px;\">" +
               html_escape(links_validity(mail)) + "</p>\n";
    }
    out += "<p style=\"color:#666666;font-size:12px;\">" + html_escape(sent_by) +
           "</p>\n</body></html>\n";
    return out;
}

std::string compose_message(const outgoing_mail& mail) {
    require_address(mail.from.address, "from");
    require_address(mail.to.address, "to");
    if (!mail.reply_to.address.empty()) {
        require_address(mail.reply_to.address, "reply_to");
    }
    require_message_id(mail.message_id, "message_id");
    for (const auto& r : mail.references) {
        require_message_id(r, "references");
    }
    init_gmime_once();

    gobject_ptr<GMimeMessage> msg{g_mime_message_new(TRUE)};
    GMimeObject* obj = GMIME_OBJECT(msg.get());
    add_mailbox(msg.get(), GMIME_ADDRESS_TYPE_FROM, mail.from);
    if (!mail.reply_to.address.empty()) {
        add_mailbox(msg.get(), GMIME_ADDRESS_TYPE_REPLY_TO, mail.reply_to);
    }
    add_mailbox(msg.get(), GMIME_ADDRESS_TYPE_TO, mail.to);
    g_mime_message_set_subject(msg.get(), one_line(subject_line(mail.body)).c_str(), "utf-8");
    g_mime_object_set_header(obj, "Date", rfc5322_date(mail.date).c_str(), nullptr);
    g_mime_message_set_message_id(msg.get(), mail.message_id.c_str());
    if (!mail.references.empty()) {
        // Long threads: the first and the latest ids are what clients need (RFC 5322 3.6.4).
        std::vector<std::string> refs;
        refs.push_back(mail.references.front());
        const std::size_t from = mail.references.size() > 10 ? mail.references.size() - 9 : 1;
        for (std::size_t i = from; i < mail.references.size(); ++i) {
            refs.push_back(mail.references[i]);
        }
        std::string joined;
        for (const auto& r : refs) {
            joined += (joined.empty() ? "<" : " <") + r + ">";
        }
        g_mime_object_set_header(obj, "In-Reply-To", ("<" + mail.references.back() + ">").c_str(),
                                 nullptr);
        g_mime_object_set_header(obj, "References", joined.c_str(), nullptr);
    }
    g_mime_object_set_header(obj, "Auto-Submitted",
                             mail.answers_a_person ? "auto-replied" : "auto-generated", nullptr);
    g_mime_object_set_header(obj, "X-Auto-Response-Suppress", "OOF, AutoReply", nullptr);
    g_mime_object_set_header(obj, "X-QM-Kind", mail.kind.c_str(), nullptr);
    if (!mail.body.subject_key.empty() && is_case_id(mail.body.subject_key)) {
        g_mime_object_set_header(obj, "X-QM-Ref", mail.body.subject_key.c_str(), nullptr);
    }

    gobject_ptr<GMimeMultipart> alternative{g_mime_multipart_new_with_subtype("alternative")};
    // Our own boundary: GMime would read /dev/urandom for each message. Base32 never occurs in
    // quoted-printable output next to "=_", so the boundary cannot appear in a body.
    std::string boundary = "=_kv_";
    boundary += base32_lower(random_bytes(15));
    g_mime_multipart_set_boundary(alternative.get(), boundary.c_str());
    const auto text = utf8_part("plain", crlf(plain_body(mail)));
    const auto html = utf8_part("html", crlf(html_body(mail)));
    g_mime_multipart_add(alternative.get(), GMIME_OBJECT(text.get()));  // least preferred first
    g_mime_multipart_add(alternative.get(), GMIME_OBJECT(html.get()));
    if (mail.calendar_invitation.empty()) {
        g_mime_message_set_mime_part(msg.get(), GMIME_OBJECT(alternative.get()));
    } else {
        // As Outlook and Google send invitations: the calendar as the last, most preferred
        // alternative (what makes a client show the invitation), and once more as an attachment
        // for clients that only show the text.
        const auto invitation = utf8_part("calendar", mail.calendar_invitation);
        g_mime_object_set_content_type_parameter(GMIME_OBJECT(invitation.get()), "method",
                                                 "REQUEST");
        g_mime_multipart_add(alternative.get(), GMIME_OBJECT(invitation.get()));
        const auto attachment = invitation_attachment(mail.calendar_invitation);
        gobject_ptr<GMimeMultipart> mixed{g_mime_multipart_new_with_subtype("mixed")};
        std::string outer = "=_kv_";
        outer += base32_lower(random_bytes(15));
        g_mime_multipart_set_boundary(mixed.get(), outer.c_str());
        g_mime_multipart_add(mixed.get(), GMIME_OBJECT(alternative.get()));
        g_mime_multipart_add(mixed.get(), GMIME_OBJECT(attachment.get()));
        g_mime_message_set_mime_part(msg.get(), GMIME_OBJECT(mixed.get()));
    }

    std::unique_ptr<GMimeFormatOptions, format_options_free> options{
        g_mime_format_options_clone(nullptr)};
    g_mime_format_options_set_newline_format(options.get(), GMIME_NEWLINE_FORMAT_DOS);
    char* raw = g_mime_object_to_string(obj, options.get());
    std::string out = raw != nullptr ? raw : "";
    g_free(raw);
    return out;
}

}  // namespace kv::email
