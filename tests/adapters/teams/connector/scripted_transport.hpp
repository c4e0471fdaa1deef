#pragma once
// An http_transport for connector tests: the token endpoint answers with numbered tokens, every
// other call takes the next scripted reply (or 200 {"id":"1"}), and every call is recorded.

#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "adapters/teams/http_transport.hpp"

namespace kv::teams::test {

inline constexpr const char* token_url = "https://login.test/tenant-1/oauth2/v2.0/token";

class scripted_transport : public http_transport {
  public:
    http_reply call(const http_call& request) override {
        std::lock_guard lock(mutex_);
        calls.push_back(request);
        if (request.url == token_url) {
            if (!token_replies.empty()) {
                auto r = token_replies.front();
                token_replies.pop_front();
                return r;
            }
            ++tokens_issued;
            return {200,
                    {},
                    R"({"token_type":"Bearer","expires_in":3600,"ext_expires_in":3600,)"
                    R"("access_token":"tok-)" +
                        std::to_string(tokens_issued) + "\"}",
                    {}};
        }
        if (!replies.empty()) {
            auto r = replies.front();
            replies.pop_front();
            return r;
        }
        return {200, {}, R"({"id":"1"})", {}};
    }

    std::vector<http_call> connector_calls() const {
        std::vector<http_call> out;
        for (const auto& c : calls) {
            if (c.url != token_url) {
                out.push_back(c);
            }
        }
        return out;
    }

    std::deque<http_reply> replies;
    std::deque<http_reply> token_replies;
    std::vector<http_call> calls;
    int tokens_issued = 0;

  private:
    std::mutex mutex_;
};

inline std::string header_of(const http_call& c, const std::string& name) {
    for (const auto& [k, v] : c.headers) {
        if (k == name) {
            return v;
        }
    }
    return {};
}

}  // namespace kv::teams::test
