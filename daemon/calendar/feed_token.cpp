#include "daemon/calendar/feed_token.hpp"

#include <charconv>
#include <stdexcept>

#include "adapters/email/links/signing.hpp"

namespace kv::daemon {
namespace {

constexpr std::size_t mac_bytes = 16;
constexpr std::size_t mac_chars = 22;  // base64url of 16 bytes, unpadded

}  // namespace

feed_token_signer::feed_token_signer(std::string_view secret) {
    if (!secret.empty()) {
        // A key of its own, so no calendar token can ever equal an email link's signature.
        key_ = email::hmac_sha256(secret, "kvalitetsvakt calendar feed v1");
    }
}

std::string feed_token_signer::mac(std::string_view feed_id, std::int64_t generation) const {
    if (!enabled()) {
        throw std::logic_error("calendar feed tokens need a link secret");
    }
    const std::string data = std::string(feed_id) + '\n' + std::to_string(generation);
    return email::base64url(email::hmac_sha256(key_, data).substr(0, mac_bytes));
}

std::string feed_token_signer::token(std::int64_t key, std::string_view feed_id,
                                     std::int64_t generation) const {
    return std::to_string(key) + "-" + mac(feed_id, generation);
}

bool feed_token_signer::matches(const parsed_feed_token& t, std::string_view feed_id,
                                std::int64_t generation) const {
    return enabled() && email::constant_time_equal(t.mac, mac(feed_id, generation));
}

std::optional<parsed_feed_token> feed_token_signer::parse(std::string_view token) {
    const auto dash = token.find('-');
    if (dash == std::string_view::npos || dash == 0 || dash > 18) {
        return std::nullopt;
    }
    parsed_feed_token out;
    const auto digits = token.substr(0, dash);
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), out.key);
    if (ec != std::errc{} || end != digits.data() + digits.size() || out.key <= 0) {
        return std::nullopt;
    }
    out.mac = std::string(token.substr(dash + 1));
    if (out.mac.size() != mac_chars) {
        return std::nullopt;
    }
    for (const char c : out.mac) {
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                        (c >= '0' && c <= '9') || c == '-' || c == '_';
        if (!ok) {
            return std::nullopt;
        }
    }
    return out;
}

}  // namespace kv::daemon

namespace kv::daemon {

std::string calendar_feed_url(std::string_view base_url, std::string_view token) {
    return std::string(base_url) + "/calendar/" + std::string(token) + ".ics";
}

std::string calendar_event_url(std::string_view base_url, std::string_view token,
                               std::string_view item_id, std::string_view compact_date) {
    return std::string(base_url) + "/calendar/event/" + std::string(token) + "." +
           std::string(item_id) + "." + std::string(compact_date) + ".ics";
}

}  // namespace kv::daemon
