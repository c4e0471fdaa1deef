#pragma once
// SMTP submission with libcurl: smtp://host:587 with mandatory STARTTLS, or smtps://host:465
// with implicit TLS; AUTH PLAIN/LOGIN with a password or XOAUTH2 with a bearer token.
//
// One curl easy handle is kept for the client's life, so consecutive sends reuse the open,
// authenticated connection (a batch of reminders costs one TLS handshake and one AUTH);
// libcurl notices a connection the server has closed and opens a new one.
//
// Blocking: use it on a worker thread (the delivery thread), never on the event loop.
// Not thread-safe: one client per thread. Never logs the SMTP transcript (AUTH lines carry
// credentials).

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "adapters/email/smtp/mail_transport.hpp"

namespace kv::email {

struct smtp_settings {
    // smtp://host:587/EHLONAME or smtps://host:465/EHLONAME; the path is the EHLO name.
    std::string url;
    std::string ca_file;  // PEM bundle to trust instead of the system's (a test CA); empty: system
    std::string username;
    std::string password;       // AUTH PLAIN/LOGIN
    std::string xoauth2_token;  // when set, AUTH XOAUTH2 with this bearer token instead
    // When set, AUTH XOAUTH2 with the token in this file, read again whenever it changes
    // (adapters/email/auth/token_file.hpp): each new connection logs in with the current token.
    std::filesystem::path xoauth2_token_file;
    std::string login_options;  // e.g. "AUTH=LOGIN" to force one mechanism; empty: curl chooses
    std::chrono::seconds connect_timeout{10};
    std::chrono::seconds timeout{60};  // for one whole message
};

class smtp_client final : public mail_transport {
  public:
    // Throws std::invalid_argument when the URL is neither smtp:// nor smtps://, and
    // std::runtime_error when libcurl cannot be initialised.
    explicit smtp_client(smtp_settings settings);
    ~smtp_client() override;
    smtp_client(const smtp_client&) = delete;
    smtp_client& operator=(const smtp_client&) = delete;

    // With xoauth2_token_file: a token that cannot be had (file missing, empty) is a transient
    // failure naming the file, and nothing is sent.
    send_result send(const envelope& env, std::string_view message) override;

    // Replaces the bearer token (XOAUTH2 tokens expire); the next connection uses it.
    void set_xoauth2_token(std::string token);

    // New connections opened so far (each one a TLS handshake and an AUTH).
    long connections_opened() const { return connections_opened_; }

  private:
    struct impl;
    std::unique_ptr<impl> impl_;
    long connections_opened_ = 0;
};

}  // namespace kv::email
