// Inbound parsing benchmark: 10,000 typical replies (about 30 KB each: a short answer on top,
// a quoted history, a quoted-printable plain part and an HTML part) through the whole parsing
// path of the inbound adapter on one thread: MIME parse, quote stripping, keyword reading and
// sender checks. Prints messages per second; the goal is at least 2,000/s on one core.

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "adapters/email/parse/parse_message.hpp"
#include "adapters/email/reply/reply_command.hpp"
#include "adapters/email/reply/reply_text.hpp"
#include "adapters/email/trust/automatic_mail.hpp"
#include "adapters/email/trust/sender_trust.hpp"

namespace {

std::string quoted_printable(const std::string& text) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    std::size_t column = 0;
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        std::string piece;
        if (c == '\n') {
            out += "\r\n";
            column = 0;
            continue;
        }
        if (c >= 0x80 || c == '=') {
            piece = {'=', hex[c >> 4], hex[c & 0xF]};
        } else {
            piece = std::string(1, ch);
        }
        if (column + piece.size() > 75) {
            out += "=\r\n";
            column = 0;
        }
        out += piece;
        column += piece.size();
    }
    return out;
}

std::string typical_reply(int n) {
    const std::string line =
        "Hei, det er meldt et avvik ved Solbakken sykehjem: glatt gulv ved kjøkkenet på "
        "avdeling 2, og en beboer skled i går kveld.\n";
    std::string history;
    for (int i = 0; i < 118; ++i) {
        history += "> " + line;
    }
    const std::string plain = (n % 2 == 0 ? "Mottatt.\n" : "LUKK Gulvet er tørket og skiltet.\n") +
                              std::string(
                                  "\nMvh\nPer Hansen\n\nFra: Kvalitetsvakt "
                                  "<kvalitetsvakt+k7q2mx9ftzab4ceq@eksempel.kommune.no>\n"
                                  "Sendt: mandag 23. november 2026 09:30\nTil: Per "
                                  "Hansen\nEmne: Ny sak AV-2026-0001\n\n") +
                              history;
    std::string html = "<html><head><style>p{margin:0}</style></head><body><div dir=\"ltr\">" +
                       std::string(n % 2 == 0 ? "Mottatt." : "LUKK Gulvet er tørket og skiltet.") +
                       "</div><div class=\"gmail_quote\"><blockquote>";
    for (int i = 0; i < 118; ++i) {
        html +=
            "<p>Hei, det er meldt et avvik ved Solbakken sykehjem: glatt gulv ved "
            "kj&oslash;kkenet p&aring; avdeling 2.</p>";
    }
    html += "</blockquote></div></body></html>\n";
    return "Authentication-Results: mx.eksempel.kommune.no; spf=pass "
           "smtp.mailfrom=eksempel.kommune.no; dkim=pass header.d=eksempel.kommune.no; "
           "dmarc=pass header.from=eksempel.kommune.no\r\n"
           "From: Per Hansen <per.hansen@eksempel.kommune.no>\r\n"
           "To: Kvalitetsvakt <kvalitetsvakt+k7q2mx9ftzab4ceq@eksempel.kommune.no>\r\n"
           "Subject: SV: =?utf-8?Q?Ny_sak_AV-2026-0001_=E2=80=93_Solbakken?=\r\n"
           "Date: Mon, 23 Nov 2026 09:41:02 +0000\r\n"
           "Message-ID: <bench." +
           std::to_string(n) +
           "@eksempel.kommune.no>\r\n"
           "In-Reply-To: <av.k7q2mx9ftzab4ceq.1@kvalitetsvakt.eksempel.kommune.no>\r\n"
           "MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=\"b1\"\r\n\r\n"
           "--b1\r\nContent-Type: text/plain; charset=\"utf-8\"\r\n"
           "Content-Transfer-Encoding: quoted-printable\r\n\r\n" +
           quoted_printable(plain) +
           "\r\n--b1\r\nContent-Type: text/html; charset=\"utf-8\"\r\n"
           "Content-Transfer-Encoding: quoted-printable\r\n\r\n" +
           quoted_printable(html) + "\r\n--b1--\r\n";
}

}  // namespace

int main() {
    constexpr int count = 10000;
    std::vector<std::string> messages;
    messages.reserve(count);
    std::size_t bytes = 0;
    for (int i = 0; i < count; ++i) {
        messages.push_back(typical_reply(i));
        bytes += messages.back().size();
    }
    const kv::email::trust_settings trust{"mx.eksempel.kommune.no", false};
    int commands = 0;
    int verified = 0;
    const auto start = std::chrono::steady_clock::now();
    for (const auto& raw : messages) {
        const auto parsed = kv::email::parse_message(raw);
        if (!parsed.message) {
            std::fprintf(stderr, "a benchmark message did not parse\n");
            return 1;
        }
        const auto& m = *parsed.message;
        verified += kv::email::verify_sender(m, trust).verified ? 1 : 0;
        if (kv::email::classify_automatic(m, {}).kind == kv::email::automatic_kind::none &&
            kv::email::read_reply(kv::email::new_text(m)).what ==
                kv::email::reply_reading::kind::command) {
            ++commands;
        }
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (commands != count || verified != count) {
        std::fprintf(stderr, "wrong results: %d commands, %d verified of %d\n", commands, verified,
                     count);
        return 1;
    }
    const double rate = count / seconds;
    std::printf(
        "inbound parse: %d messages, %.1f KB average, %.2f s, %.0f messages/s "
        "(goal >= 2000/s on one core)\nverdict: %s\n",
        count, static_cast<double>(bytes) / count / 1024.0, seconds, rate,
        rate >= 2000 ? "met" : "NOT met");
    return 0;
}
