#include "adapters/email/trust/sender_trust.hpp"

#include <optional>

#include "adapters/email/ascii_text.hpp"
#include "adapters/email/trust/authentication_results.hpp"

namespace kv::email {
namespace {

std::string property(const auth_method_result& r, const std::string& key) {
    const auto it = r.properties.find(key);
    return it == r.properties.end() ? std::string{} : ascii_lower(it->second);
}

// Strict alignment: a signature by a parent domain could be a registry's or a shared host's.
bool aligned(const std::string& from_domain, const std::string& d) {
    return !d.empty() && from_domain == d;
}

}  // namespace

trust_verdict verify_sender(const parsed_message& m, const trust_settings& settings) {
    const auto at = m.from_address.rfind('@');
    if (at == std::string::npos) {
        return {false, "no From domain"};
    }
    const std::string domain = ascii_lower(m.from_address.substr(at + 1));
    if (settings.trust_m365_internal) {
        if (const auto v = m.header("X-MS-Exchange-Organization-AuthAs");
            v && ascii_lower(trim_blanks(*v)) == "internal") {
            return {true, "Microsoft 365 internal sender"};
        }
    }
    if (settings.authserv_id.empty()) {
        return {false, "no trusted authserv-id configured"};
    }
    const std::string wanted = ascii_lower(settings.authserv_id);
    std::optional<authentication_results> ours;
    for (const auto value : m.headers_named("Authentication-Results")) {
        auto parsed = parse_authentication_results(value);
        if (parsed && parsed->authserv_id == wanted) {
            ours = std::move(parsed);
            break;  // the topmost one is what our boundary wrote last
        }
    }
    if (!ours) {
        return {false, "no Authentication-Results from " + wanted};
    }
    bool dmarc_failed = false;
    for (const auto& r : ours->results) {
        if (r.method == "dmarc") {
            if (r.result == "pass" && property(r, "header.from") == domain) {
                return {true, "dmarc=pass for " + domain};
            }
            dmarc_failed = dmarc_failed || r.result == "fail";
        }
    }
    if (!dmarc_failed) {
        for (const auto& r : ours->results) {
            if (r.method == "dkim" && r.result == "pass" &&
                aligned(domain, property(r, "header.d"))) {
                return {true, "dkim=pass for " + domain};
            }
        }
    }
    return {false, dmarc_failed ? "dmarc=fail for " + domain
                                : "neither dmarc nor dkim passed for " + domain};
}

}  // namespace kv::email
