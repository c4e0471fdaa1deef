#pragma once
// Where a composed message goes: an SMTP submission server, or a folder of .eml files when none
// is configured. Both take the finished bytes and say what happened.

#include <string>
#include <string_view>

namespace kv::email {

struct envelope {
    std::string mail_from;  // bounce address, plain "local@domain"
    std::string rcpt_to;    // one recipient per message: personal tokens, per-recipient status
};

struct send_result {
    enum class outcome {
        sent,
        transient,      // connection refused or lost, timeout, 4xx: try again later
        rejected,       // 5xx for this recipient or this message: trying again will not help
        refused_login,  // credentials or token refused: nothing goes out until that is fixed
        unusable,       // TLS cannot be set up, or the settings are wrong
    };
    outcome result = outcome::sent;
    long reply_code = 0;  // the server's last SMTP reply code, 0 when there was none
    std::string error;    // short, for logs: never credentials or message content
    bool ok() const { return result == outcome::sent; }
};

// One way of sending. Implementations say whether they are thread-safe.
class mail_transport {
  public:
    virtual ~mail_transport() = default;
    // Sends `message` (complete, CRLF line ends) to the envelope's recipient. Blocks until the
    // server has answered or a timeout has passed; never throws for a failed send.
    virtual send_result send(const envelope& env, std::string_view message) = 0;
};

}  // namespace kv::email
