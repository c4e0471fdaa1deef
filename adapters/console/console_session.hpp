#pragma once
// A conversation with the bot on a terminal or through a pipe, as one person: each line read is
// one message to the bot; a number presses the matching button of what was shown last.
// Notifications for the person are shown after each reply, as they would reach Teams.

#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include "bot/events.hpp"
#include "bot/message/message.hpp"

namespace kv::console {

struct session_hooks {
    // Hands one event to the bot and returns its replies, after they were committed. Throws on
    // infrastructure failure (the session reports it and goes on).
    std::function<std::vector<bot::message>(const bot::inbound_event&)> handle;
    // Returns the person's undelivered notifications and marks them delivered.
    std::function<std::vector<bot::message>()> take_notifications;
};

// Owns nothing but its numbering state; not thread-safe.
class console_session {
  public:
    console_session(std::string email, std::string session_id, session_hooks hooks);

    // Reads lines until end of input or "/quit". When `interactive`, shows a prompt and checks
    // for notifications while waiting (every `poll_ms`); otherwise prints plain text only.
    // Returns the number of messages that failed for infrastructure reasons.
    int run(std::istream& in, std::ostream& out, bool interactive, int poll_ms = 2000);

    // One line: turns it into an event, hands it over, and returns the text to show.
    std::string handle_line(const std::string& line);
    // The notifications waiting now, rendered (empty when none).
    std::string show_notifications();

  private:
    bot::inbound_event event_for(const std::string& line);

    std::string email_;
    std::string session_id_;
    session_hooks hooks_;
    std::vector<bot::action> numbered_;  // the buttons of what was shown last
    int line_no_ = 0;
};

}  // namespace kv::console
