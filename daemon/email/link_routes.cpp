#include "daemon/email/link_routes.hpp"

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "adapters/email/links/action_link.hpp"
#include "bot/dialog/case_rules.hpp"
#include "bot/dialog/case_view.hpp"
#include "bot/domain/oslo_time.hpp"
#include "daemon/log.hpp"
#include "daemon/store/email_links.hpp"

namespace kv::daemon {
namespace {

std::string escape(std::string_view text) {
    std::string out;
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
            default:
                out += c;
        }
    }
    return out;
}

std::string with_breaks(std::string_view text) {
    std::string out;
    for (const char c : escape(text)) {
        out += c == '\n' ? std::string("<br>") : std::string(1, c);
    }
    return out;
}

// A page that works without scripts, fonts or images, and that no cache, referrer or crawler
// keeps: the URL is a credential.
http_response page(int status, std::string_view title, const std::string& body) {
    http_response r;
    r.status = status;
    r.content_type = "text/html; charset=utf-8";
    r.headers.set("Cache-Control", "no-store");
    r.headers.set("Referrer-Policy", "no-referrer");
    r.headers.set("X-Robots-Tag", "noindex, nofollow");
    r.headers.set("X-Frame-Options", "DENY");
    r.headers.set("Content-Security-Policy",
                  "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'");
    r.body =
        "<!DOCTYPE html>\n<html lang=\"nb\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        "<title>" +
        escape(title) +
        " – Kvalitetsvakt</title></head>\n<body style=\"font-family:Arial,Helvetica,"
        "sans-serif;max-width:40em;margin:2em auto;padding:0 1em;color:#222;\">\n<h1 "
        "style=\"font-size:1.4em;\">" +
        escape(title) + "</h1>\n" + body + "</body></html>\n";
    return r;
}

http_response refusal(int status, std::string_view title, std::string_view why) {
    return page(status, title,
                "<p>" + escape(why) +
                    "</p>\n<p>Du kan fortsatt svare på e-posten med et av ordene i den, eller "
                    "gjøre det i Teams.</p>\n");
}

int hex_value(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

std::string url_decode(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '+') {
            out += ' ';
        } else if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 &&
                   hex_value(s[i + 2]) >= 0) {
            out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

std::map<std::string, std::string> form_fields(std::string_view body) {
    std::map<std::string, std::string> out;
    while (!body.empty()) {
        const auto amp = body.find('&');
        const auto pair = body.substr(0, amp);
        const auto eq = pair.find('=');
        if (eq != std::string_view::npos) {
            out.emplace(url_decode(pair.substr(0, eq)), url_decode(pair.substr(eq + 1)));
        }
        if (amp == std::string_view::npos) {
            break;
        }
        body.remove_prefix(amp + 1);
    }
    return out;
}

struct checked_link {
    email_link link;
    std::optional<http_response> refused;
};

class link_pages {
  public:
    explicit link_pages(app& a) : a_(a), secret_(a.cfg.email.link_secret) {}

    http_response show(const http_request& req) {
        auto checked = check(req.path_param);
        if (checked.refused) {
            return *checked.refused;
        }
        return confirmation(checked.link, "", {});
    }

    http_response act(const http_request& req) {
        auto checked = check(req.path_param);
        if (checked.refused) {
            return *checked.refused;
        }
        const auto& link = checked.link;
        const auto form = form_fields(req.body);
        const auto confirm = form.find("confirm");
        if (confirm == form.end() ||
            confirm->second != email::confirmation_value(secret_, link.nonce)) {
            return refusal(403, "Ikke bekreftet",
                           "Handlingen må bekreftes med knappen på siden lenken åpner. Åpne "
                           "lenken i e-posten på nytt.");
        }

        bot::inbound_event ev;
        ev.sender_email = link.person_email;
        ev.via = bot::channel::email;
        ev.conversation = "link";
        ev.dedupe_key = "email-link:" + link.nonce;
        ev.action_verb = link.verb;
        ev.action_data = link.data;
        std::string missing;
        for (const auto& in : inputs_for(link)) {
            const auto it = form.find("input." + in.name);
            const std::string value = it == form.end() ? "" : it->second;
            if (value.find_first_not_of(" \t\r\n") == std::string::npos) {
                if (in.required && missing.empty()) {
                    missing = in.label;
                }
                continue;
            }
            ev.action_data[in.name] = value;
        }
        if (!missing.empty()) {
            return confirmation(link, "Fyll ut: " + missing, form);
        }

        const auto now = now_seconds();
        bool already_used = false;
        auto result =
            a_.db->handle(ev, now, [&](const bot::directory& dir, const bot::repository& repo) {
                // In the same transaction as the decision: the link acts exactly once.
                if (!mark_email_link_used(a_.db->db(), link.nonce, now)) {
                    already_used = true;
                    return bot::decision{};
                }
                auto d = a_.brain.decide(ev, dir, repo, now);
                add_receipts(d, link, now);
                return d;
            });
        if (result.duplicate || already_used) {
            return refusal(410, "Lenken er allerede brukt",
                           "Denne lenken er allerede brukt, og kan bare brukes én gang.");
        }
        log::info("email link used for " + link.verb + " on " + link.target);
        std::string body;
        for (const auto& reply : result.decision.replies) {
            if (!reply.title.empty()) {
                body += "<h2 style=\"font-size:1.1em;\">" + escape(reply.title) + "</h2>\n";
            }
            if (!reply.facts.empty()) {
                body += "<table cellpadding=\"4\">\n";
                for (const auto& f : reply.facts) {
                    body += "<tr><td style=\"color:#555;\">" + escape(f.label) + "</td><td>" +
                            escape(f.value) + "</td></tr>\n";
                }
                body += "</table>\n";
            }
            if (!reply.text.empty()) {
                body += "<p>" + with_breaks(reply.text) + "</p>\n";
            }
        }
        return page(200, "Registrert", body + "<p>Du kan lukke denne siden.</p>\n");
    }

  private:
    checked_link check(const std::string& token) {
        checked_link out;
        if (secret_.empty()) {
            out.refused = refusal(404, "Lenker er slått av",
                                  "Denne installasjonen av Kvalitetsvakt bruker ikke lenker i "
                                  "e-post.");
            return out;
        }
        const auto invalid = refusal(400, "Ugyldig lenke",
                                     "Lenken er ikke gyldig. Den kan være endret eller "
                                     "kopiert ufullstendig.");
        const auto parts = email::parse_link_token(token);
        if (!parts) {
            out.refused = invalid;
            return out;
        }
        const auto stored = find_email_link(a_.db->db(), parts->nonce);
        if (!stored) {
            out.refused = invalid;
            return out;
        }
        const email::link_grant grant{stored->nonce, stored->verb,         stored->target,
                                      stored->data,  stored->person_email, stored->expires_at};
        switch (email::check_link(*parts, grant, secret_, now_seconds())) {
            case email::link_verdict::tampered:
                log::warn("refused a tampered email link");
                out.refused = invalid;
                return out;
            case email::link_verdict::expired:
                out.refused = refusal(
                    410, "Lenken er utløpt",
                    "Lenken gjaldt til " + bot::format_oslo(stored->expires_at) + " og er utløpt.");
                return out;
            case email::link_verdict::valid:
                break;
        }
        if (stored->used_at) {
            out.refused = refusal(410, "Lenken er allerede brukt",
                                  "Denne lenken ble brukt " + bot::format_oslo(*stored->used_at) +
                                      ", og kan bare brukes én gang.");
            return out;
        }
        out.link = *stored;
        return out;
    }

    // A link may have been used by someone who got hold of the mail: the person it was for is
    // told what was done in their name, on their usual channel, in the same transaction.
    static void add_receipts(bot::decision& d, const email_link& link,
                             std::chrono::sys_seconds now) {
        for (std::size_t i = 0; i < d.replies.size(); ++i) {
            bot::message receipt = d.replies[i];
            receipt.actions.clear();
            receipt.text += std::string(receipt.text.empty() ? "" : "\n\n") +
                            "Dette ble gjort med en lenke i e-post " + bot::format_oslo(now) +
                            ". Var det ikke deg, si fra til kvalitetskoordinatoren.";
            d.notifications.push_back(
                {link.person_email, std::move(receipt), false,
                 "email-link-receipt:" + link.nonce + ":" + std::to_string(i)});
        }
    }

    std::vector<bot::action_input> inputs_for(const email_link& link) {
        std::vector<bot::action_input> inputs;
        const auto* spec = bot::find_case_action(link.verb);
        if (spec == nullptr) {
            return inputs;
        }
        a_.db->with_read([&](const bot::directory& dir, const bot::repository& repo) {
            if (const auto c = repo.find_case(link.target)) {
                inputs = spec->inputs(*c, dir, bot::language::nb);
            }
        });
        return inputs;
    }

    std::string action_label(const email_link& link) {
        if (const auto* spec = bot::find_case_action(link.verb)) {
            return std::string(spec->label_nb);
        }
        if (link.verb == "approval.approve")
            return "Godkjenn";
        if (link.verb == "approval.reject")
            return "Avvis";
        return link.verb;
    }

    http_response confirmation(const email_link& link, const std::string& problem,
                               const std::map<std::string, std::string>& previous) {
        std::string summary;
        a_.db->with_read([&](const bot::directory& dir, const bot::repository& repo) {
            const auto c = repo.find_case(link.target);
            if (!c) {
                summary = "<p>Gjelder: " + escape(link.target) + "</p>\n";
                return;
            }
            std::string description = c->description;
            if (description.size() > 400) {
                auto cut = std::size_t{400};
                while (cut > 0 && (static_cast<unsigned char>(description[cut]) & 0xC0) == 0x80) {
                    --cut;
                }
                description = description.substr(0, cut) + " …";
            }
            summary = "<table cellpadding=\"4\">\n<tr><td style=\"color:#555;\">Sak</td><td>" +
                      escape(c->human_id) + " · " + escape(bot::case_line(*c, bot::language::nb)) +
                      "</td></tr>\n<tr><td style=\"color:#555;\">Enhet</td><td>" +
                      escape(bot::unit_label(dir, c->unit_id)) +
                      "</td></tr>\n<tr><td style=\"color:#555;\">Meldt</td><td>" +
                      escape(bot::format_oslo(c->created_at)) +
                      "</td></tr>\n<tr><td style=\"color:#555;vertical-align:top;\">"
                      "Beskrivelse</td><td>" +
                      with_breaks(description) + "</td></tr>\n</table>\n";
        });
        const auto label = action_label(link);
        std::string form =
            "<form method=\"post\">\n<input type=\"hidden\" name=\"confirm\" value=\"" +
            email::confirmation_value(secret_, link.nonce) + "\">\n";
        for (const auto& in : inputs_for(link)) {
            const auto prev = previous.find("input." + in.name);
            const std::string value = prev == previous.end() ? "" : prev->second;
            const std::string name = "input." + in.name;
            form += "<p><label for=\"" + escape(name) + "\">" + escape(in.label) + "</label><br>\n";
            if (in.kind == bot::action_input::input_kind::choice) {
                form += "<select id=\"" + escape(name) + "\" name=\"" + escape(name) + "\"" +
                        (in.required ? " required" : "") + ">\n<option value=\"\"></option>\n";
                for (const auto& [v, l] : in.choices) {
                    form += "<option value=\"" + escape(v) + "\"" +
                            (v == value ? " selected" : "") + ">" + escape(l) + "</option>\n";
                }
                form += "</select></p>\n";
            } else {
                form += "<textarea id=\"" + escape(name) + "\" name=\"" + escape(name) +
                        "\" rows=\"3\" cols=\"50\"" + (in.required ? " required" : "") + ">" +
                        escape(value) + "</textarea></p>\n";
            }
        }
        form +=
            "<p><button type=\"submit\" style=\"padding:0.6em 1.4em;font-size:1em;"
            "background:#1f5c99;color:#fff;border:0;border-radius:4px;\">" +
            escape(label) + "</button></p>\n</form>\n";
        const std::string note =
            problem.empty() ? "" : "<p style=\"color:#a00;\">" + escape(problem) + "</p>\n";
        return page(problem.empty() ? 200 : 422, label + " – " + link.target,
                    "<p>Du er i ferd med å gjøre dette som " + escape(link.person_email) +
                        ". Ingenting skjer før du trykker på knappen.</p>\n" + summary + note +
                        form);
    }

    app& a_;
    std::string secret_;
};

}  // namespace

void append_email_link_routes(std::vector<route>& table, app& a) {
    auto pages = std::make_shared<link_pages>(a);
    table.push_back({"GET", "/a/*", [pages](const http_request& r) { return pages->show(r); }});
    table.push_back({"POST", "/a/*", [pages](const http_request& r) { return pages->act(r); }});
}

}  // namespace kv::daemon
