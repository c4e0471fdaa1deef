#pragma once
// An OAuth 2.0 bearer token (XOAUTH2 for SMTP and IMAP) kept in a file that something else
// refreshes: Microsoft 365 access tokens live about an hour, so a timer outside the daemon
// (systemd, cron, a token helper) fetches a new one and replaces the file, best by writing a
// temporary file and renaming it over the old one. Each connection asks for the token; the file
// is read again only when it changed (inode, size or modification time), otherwise the token
// read last is returned without touching the disk.
//
// Not thread-safe: one instance per connection owner (the delivery thread, the IMAP thread).
// Never throws; never puts the token in an error text.

#include <cstdint>
#include <filesystem>
#include <string>

namespace kv::email {

struct bearer_token {
    std::string token;  // empty when error is set
    std::string error;  // short, names the file; never the token
    bool ok() const { return error.empty(); }
};

class token_file {
  public:
    explicit token_file(std::filesystem::path path);

    // The token in the file now: its content without surrounding white space. An error when the
    // file is missing or unreadable, empty, larger than 64 KiB, or holds more than one word (a
    // token never contains white space or control characters).
    bearer_token current();

    const std::filesystem::path& path() const { return path_; }

  private:
    struct stamp {
        std::uintmax_t device = 0, inode = 0, size = 0;
        std::int64_t modified_ns = 0;
        bool operator==(const stamp&) const = default;
    };

    std::filesystem::path path_;
    bool have_ = false;
    stamp seen_;
    bearer_token last_;
};

}  // namespace kv::email
