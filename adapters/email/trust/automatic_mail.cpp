#include "adapters/email/trust/automatic_mail.hpp"

#include <algorithm>
#include <array>
#include <string_view>

#include "adapters/email/ascii_text.hpp"

namespace kv::email {
namespace {

bool starts_with(std::string_view s, std::string_view p) {
    return s.substr(0, p.size()) == p;
}

std::string local_part(const std::string& address) {
    return address.substr(0, address.find('@'));
}

std::string subject_without_tags(const std::string& subject) {
    std::string s = ascii_lower(trim_blanks(subject));
    while (starts_with(s, "[")) {  // "[EKSTERN] Automatisk svar: ..."
        const auto end = s.find(']');
        if (end == std::string::npos) {
            break;
        }
        s = ascii_lower(trim_blanks(s.substr(end + 1)));
    }
    return s;
}

}  // namespace

automatic_verdict classify_automatic(const parsed_message& m, const automatic_settings& s) {
    const std::string from_local = ascii_lower(local_part(m.from_address));
    const std::string subject = subject_without_tags(m.subject);
    if (const auto rp = m.header("Return-Path"); rp && trim_blanks(*rp) == "<>") {
        return {automatic_kind::bounce, "Return-Path: <>"};
    }
    const std::string& report = m.report_type;
    if (m.mime_type == "multipart/report" && report == "delivery-status") {
        return {automatic_kind::bounce, "multipart/report delivery-status"};
    }
    if (from_local == "mailer-daemon" || from_local == "postmaster") {
        return {automatic_kind::bounce, "From " + from_local};
    }
    static constexpr std::array<std::string_view, 6> bounce_subjects{
        "undeliverable:",
        "ikke levert:",
        "kan ikke leveres:",
        "undelivered mail",
        "delivery status notification (failure)",
        "returned mail:"};
    for (const auto b : bounce_subjects) {
        if (starts_with(subject, b)) {
            return {automatic_kind::bounce, "subject starts with \"" + std::string(b) + "\""};
        }
    }
    if (m.mime_type == "multipart/report") {
        return {automatic_kind::auto_reply, "multipart/report " + report};
    }
    if (const auto as = m.header("Auto-Submitted"); as && ascii_lower(trim_blanks(*as)) != "no") {
        return {automatic_kind::auto_reply, "Auto-Submitted: " + ascii_lower(trim_blanks(*as))};
    }
    for (const char* h : {"X-Autoreply", "X-Autorespond", "X-MS-Exchange-Inbox-Rules-Loop",
                          "X-Auto-Response-Suppress", "List-Id", "List-Unsubscribe"}) {
        if (m.header(h)) {
            return {automatic_kind::auto_reply, std::string(h) + " header"};
        }
    }
    if (const auto p = m.header("Precedence")) {
        const std::string v = ascii_lower(trim_blanks(*p));
        if (v == "bulk" || v == "junk" || v == "list" || v == "auto_reply") {
            return {automatic_kind::auto_reply, "Precedence: " + v};
        }
    }
    if (from_local == "noreply" || from_local == "no-reply" || from_local == "donotreply") {
        return {automatic_kind::auto_reply, "From " + from_local};
    }
    if (std::find(s.own_addresses.begin(), s.own_addresses.end(), m.from_address) !=
        s.own_addresses.end()) {
        return {automatic_kind::auto_reply, "From our own address"};
    }
    static constexpr std::array<std::string_view, 7> subjects{
        "automatisk svar:", "autosvar",   "fraværsmelding", "automatic reply:",
        "out of office",    "autoreply:", "auto-reply:"};
    for (const auto a : subjects) {
        if (starts_with(subject, a)) {
            return {automatic_kind::auto_reply, "subject starts with \"" + std::string(a) + "\""};
        }
    }
    for (const auto& a : s.extra_auto_reply_subjects) {
        if (!a.empty() && starts_with(subject, ascii_lower(a))) {
            return {automatic_kind::auto_reply, "subject starts with \"" + a + "\""};
        }
    }
    return {};
}

bounce_details read_bounce(const parsed_message& m) {
    bounce_details out;
    // Per-recipient blocks are separated by empty lines; a block counts when its Action fails.
    std::string recipient;
    bool failed = false;
    const auto flush = [&] {
        if (!recipient.empty() && failed &&
            std::find(out.failed_recipients.begin(), out.failed_recipients.end(), recipient) ==
                out.failed_recipients.end()) {
            out.failed_recipients.push_back(recipient);
        }
        recipient.clear();
        failed = false;
    };
    std::size_t pos = 0;
    const std::string& ds = m.delivery_status;
    while (pos <= ds.size()) {
        std::size_t end = ds.find('\n', pos);
        if (end == std::string::npos) {
            end = ds.size();
        }
        const std::string line = trim_blanks(std::string_view(ds).substr(pos, end - pos));
        const std::string l = ascii_lower(line);
        if (line.empty()) {
            flush();
        } else if (starts_with(l, "final-recipient:")) {
            std::string v = trim_blanks(line.substr(16));
            if (const auto semi = v.find(';'); semi != std::string::npos) {
                v = trim_blanks(v.substr(semi + 1));
            }
            recipient = ascii_lower(v);
        } else if (starts_with(l, "action:")) {
            failed = trim_blanks(l.substr(7)) == "failed";
        } else if (starts_with(l, "status:") && out.status.empty()) {
            out.status = trim_blanks(line.substr(7));
        }
        if (end == ds.size()) {
            break;
        }
        pos = end + 1;
    }
    flush();
    const std::string h = m.returned_headers;
    const std::string hl = ascii_lower(h);
    if (const auto at = hl.find("message-id:"); at != std::string::npos) {
        const auto open = h.find('<', at);
        const auto close = h.find('>', open);
        const auto eol = h.find('\n', at);
        if (open != std::string::npos && close != std::string::npos && open < eol) {
            out.original_message_id = h.substr(open + 1, close - open - 1);
        }
    }
    return out;
}

}  // namespace kv::email
