#include "adapters/console/console_session.hpp"

#include <poll.h>
#include <unistd.h>

#include <exception>
#include <istream>
#include <ostream>

#include "adapters/console/render.hpp"
#include "bot/domain/redaction.hpp"

namespace kv::console {
namespace {

bool all_digits(const std::string& s) {
    if (s.empty() || s.size() > 4) {
        return false;
    }
    for (const char c : s) {
        if (c < '0' || c > '9') {
            return false;
        }
    }
    return true;
}

std::string strip(const std::string& s) {
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) {
        return {};
    }
    const auto e = s.find_last_not_of(" \t\r\n");
    return s.substr(b, e - b + 1);
}

}  // namespace

console_session::console_session(std::string email, std::string session_id, session_hooks hooks)
    : email_(std::move(email)), session_id_(std::move(session_id)), hooks_(std::move(hooks)) {}

bot::inbound_event console_session::event_for(const std::string& line) {
    bot::inbound_event ev;
    ev.sender_email = email_;
    ev.via = bot::channel::console;
    ev.conversation = "console:" + email_;
    ev.dedupe_key = "console:" + session_id_ + ":" + std::to_string(++line_no_);
    const std::string s = strip(line);
    if (all_digits(s)) {
        const auto n = std::stoul(s);
        if (n >= 1 && n <= numbered_.size()) {
            const auto& a = numbered_[n - 1];
            ev.action_verb = a.verb;
            ev.action_data = a.data;
            return ev;
        }
    }
    ev.text = line;
    return ev;
}

std::string console_session::handle_line(const std::string& line) {
    const bot::inbound_event ev = event_for(line);
    std::vector<bot::message> replies = hooks_.handle(ev);
    std::string out;
    std::vector<bot::action> numbered;
    for (const auto& m : replies) {
        render(m, out, numbered);
    }
    // Only the buttons of the latest reply are pressable, so a number typed as an answer to a
    // question never presses a button shown earlier.
    if (!replies.empty()) {
        numbered_ = std::move(numbered);
    }
    return out;
}

std::string console_session::show_notifications() {
    std::string out;
    const auto notes = hooks_.take_notifications();
    if (notes.empty()) {
        return out;
    }
    std::vector<bot::action> numbered;
    for (const auto& m : notes) {
        out += "-- varsel / notification --\n";
        render(m, out, numbered);
    }
    if (!numbered.empty()) {
        numbered_ = std::move(numbered);
    }
    return out;
}

int console_session::run(std::istream& in, std::ostream& out, bool interactive, int poll_ms) {
    int failures = 0;
    const auto safe_notifications = [&] {
        try {
            out << show_notifications() << std::flush;
        } catch (const std::exception& e) {
            out << "! Kunne ikke hente varsler: " << e.what() << "\n" << std::flush;
            ++failures;
        }
    };
    safe_notifications();
    std::string line;
    while (true) {
        if (interactive) {
            out << "> " << std::flush;
            // Wait for input, showing notifications that arrive meanwhile.
            pollfd pfd{STDIN_FILENO, POLLIN, 0};
            while (::poll(&pfd, 1, poll_ms) == 0) {
                const std::string notes = show_notifications();
                if (!notes.empty()) {
                    out << "\n" << notes << "> " << std::flush;
                }
            }
        }
        if (!std::getline(in, line)) {
            break;
        }
        if (strip(line) == "/quit") {
            break;
        }
        if (!interactive) {
            // A transcript for pipes; identity numbers are not repeated even there.
            out << "> " << bot::redact_identity_numbers(line).text << "\n";
        }
        try {
            out << handle_line(line);
        } catch (const std::exception& e) {
            out << "! Meldingen ble ikke lagret (" << e.what() << "). Prøv igjen.\n";
            ++failures;
        }
        safe_notifications();
        out << std::flush;
    }
    return failures;
}

}  // namespace kv::console
