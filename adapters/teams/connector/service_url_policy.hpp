#pragma once
// Which serviceUrls may receive our access token (reference 3.6): a URL is allowed when its
// scheme, host and port equal an allow-list entry's and its path lies under the entry's path on
// a segment boundary, so "https://smba.trafficmanager.net.evil.example/" never matches
// "https://smba.trafficmanager.net/".

#include <string>
#include <string_view>
#include <vector>

namespace kv::teams {

// The public-cloud and GCC Teams service hosts (used when the configuration lists none).
std::vector<std::string> default_allowed_service_urls();

// Thread-safe after construction (immutable).
class service_url_policy {
  public:
    explicit service_url_policy(std::vector<std::string> allowed);
    bool allows(std::string_view url) const;

  private:
    std::vector<std::string> allowed_;
};

}  // namespace kv::teams
