#pragma once
// The transport used when no SMTP server is configured (the demo default): every message is
// written to `<folder>/<date>-<n>-<recipient>.eml`, so it can be opened in any mail program.
// The file appears complete or not at all (written to a temporary name, then renamed).
// Thread-safe.

#include <atomic>
#include <filesystem>

#include "adapters/email/smtp/mail_transport.hpp"

namespace kv::email {

class eml_folder final : public mail_transport {
  public:
    // Creates the folder on first use, not here.
    explicit eml_folder(std::filesystem::path folder);

    // `unusable` with the reason when the folder cannot be created or written.
    send_result send(const envelope& env, std::string_view message) override;

    const std::filesystem::path& folder() const { return folder_; }

  private:
    std::filesystem::path folder_;
    std::atomic<unsigned> counter_{0};
};

}  // namespace kv::email
