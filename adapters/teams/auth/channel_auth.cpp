#include "adapters/teams/auth/channel_auth.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <vector>

#include "adapters/teams/auth/jwt.hpp"
#include "adapters/teams/auth/openid_key_cache.hpp"
#include "adapters/teams/auth/rsa_key.hpp"

namespace kv::teams {

namespace {

constexpr std::string_view channel_issuer = "https://api.botframework.com";
constexpr double clock_tolerance_s = 300;

// Issuers of Bot Framework Emulator and bot-to-bot tokens (SDK 4.23
// ToBotFromBotOrEmulatorTokenValidationParameters, US Gov included). The SDK also adds issuers
// for any `tid` claim it sees; we accept only the configured tenant's.
constexpr std::array<std::string_view, 9> emulator_issuers = {
    "https://sts.windows.net/d6d49420-f39b-4df7-a1dc-d59a935871db/",
    "https://login.microsoftonline.com/d6d49420-f39b-4df7-a1dc-d59a935871db/v2.0",
    "https://sts.windows.net/f8cdef31-a31e-4b4a-93e4-5f571e91255a/",
    "https://login.microsoftonline.com/f8cdef31-a31e-4b4a-93e4-5f571e91255a/v2.0",
    "https://sts.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47/",
    "https://sts.windows.net/cab8a31a-1906-4287-a0d8-4eef66b95f6e/",
    "https://login.microsoftonline.us/cab8a31a-1906-4287-a0d8-4eef66b95f6e/v2.0",
    "https://login.microsoftonline.us/f8cdef31-a31e-4b4a-93e4-5f571e91255a/",
    "https://login.microsoftonline.us/f8cdef31-a31e-4b4a-93e4-5f571e91255a/v2.0",
};

bool blank(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
    });
}

auth_result reject(std::string reason) {
    return {false, std::move(reason)};
}

bool is_emulator_issuer(const jwt_string_claim& iss, const std::string& tenant_id) {
    if (!iss.value) {
        return false;
    }
    const std::string& v = *iss.value;
    if (std::find(emulator_issuers.begin(), emulator_issuers.end(), v) != emulator_issuers.end()) {
        return true;
    }
    return !tenant_id.empty() && (v == "https://sts.windows.net/" + tenant_id + "/" ||
                                  v == "https://login.microsoftonline.com/" + tenant_id + "/v2.0");
}

// The app id an emulator or skill token names: `appid` for ver 1.0 or no ver, `azp` for 2.0.
std::optional<std::string> app_id_of(const jwt_claims& c) {
    if (!c.ver.present || c.ver.value == "1.0") {
        return c.appid.value;
    }
    if (c.ver.value == "2.0") {
        return c.azp.value;
    }
    return std::nullopt;
}

// The SDK's SkillValidation.isSkillClaim: such tokens take the bot-to-bot path, which this bot
// never accepts, whatever else they carry.
bool is_skill_token(const jwt_claims& c) {
    if (c.appid.value == "AnonymousSkill") {
        return true;
    }
    if (!c.ver.present || (c.ver.value && c.ver.value->empty())) {
        return false;
    }
    if (!c.aud.present || c.aud.value == channel_issuer) {
        return false;
    }
    const auto app_id = app_id_of(c);
    if (!app_id || app_id->empty()) {
        return false;
    }
    return app_id != c.aud.value;
}

double seconds_since_epoch(std::chrono::system_clock::time_point t) {
    // jsonwebtoken compares against whole seconds (Math.floor(Date.now() / 1000)).
    return static_cast<double>(
        std::chrono::floor<std::chrono::seconds>(t.time_since_epoch()).count());
}

}  // namespace

channel_authenticator::channel_authenticator(
    channel_auth_settings s, http_transport& transport,
    std::function<std::chrono::system_clock::time_point()> now)
    : settings_(std::move(s)), now_(std::move(now)) {
    openid_key_cache_settings keys;
    keys.metadata_url = settings_.openid_metadata_url;
    keys.refresh_interval = settings_.key_refresh;
    channel_keys_ = std::make_unique<openid_key_cache>(keys, transport, now_);
    if (settings_.allow_emulator_tokens) {
        keys.metadata_url = settings_.emulator_openid_metadata_url;
        emulator_keys_ = std::make_unique<openid_key_cache>(keys, transport, now_);
    }
}

channel_authenticator::~channel_authenticator() = default;

auth_result channel_authenticator::authenticate(std::string_view authorization_header,
                                                std::string_view activity_service_url,
                                                std::string_view activity_channel_id) {
    // 1-2: "Bearer <token>", split on single spaces into exactly two parts.
    if (blank(authorization_header)) {
        return reject("R1 no authorization header");
    }
    const auto space = authorization_header.find(' ');
    if (space == std::string_view::npos ||
        authorization_header.find(' ', space + 1) != std::string_view::npos) {
        return reject("R2 not two space-separated parts");
    }
    if (authorization_header.substr(0, space) != "Bearer") {
        return reject("R2 scheme is not Bearer");
    }
    const auto compact = authorization_header.substr(space + 1);
    if (compact.empty()) {
        return reject("R2 empty token");
    }

    // 3: decode without trusting anything yet.
    const auto token = parse_jwt(compact);
    if (!token) {
        return reject("R3 not a JWT");
    }
    const jwt_claims& claims = token->claims;

    // 4-5: path selection, then the issuer before any key lookup, so forged issuers never
    // cause a metadata fetch.
    if (is_skill_token(claims)) {
        return reject("R4 bot-to-bot (skill) token");
    }
    const bool emulator = is_emulator_issuer(claims.iss, settings_.emulator_tenant_id);
    if (emulator && !settings_.allow_emulator_tokens) {
        return reject("R15 emulator token while emulator tokens are disabled");
    }
    if (!emulator && claims.iss.value != channel_issuer) {
        return reject("R4 issuer not allowed");
    }

    // 6: the signing key.
    if (!token->kid) {
        return reject("R5 no kid");
    }
    const auto found = (emulator ? *emulator_keys_ : *channel_keys_).find(*token->kid);
    switch (found.status) {
        case key_lookup_status::found:
            break;
        case key_lookup_status::not_rsa:
            return reject("R6 signing key is not RSA");
        case key_lookup_status::unknown_kid:
            return reject("R5 unknown kid");
        case key_lookup_status::unavailable:
            return reject("R14 no usable signing keys (metadata unreachable)");
    }

    // 7: algorithm, signature, then times with 300 s tolerance, as jsonwebtoken.verify does.
    const auto alg = parse_jws_alg(token->alg);
    if (!alg) {
        return reject("R7 algorithm not allowed");
    }
    if (!signatures_.contains(compact, *alg, found.key)) {
        if (!found.key->key->verify(*alg, token->signing_input, token->signature)) {
            return reject("R8 bad signature");
        }
        signatures_.add(compact, *alg, found.key);
    }
    const double now = seconds_since_epoch(now_());
    if (claims.nbf.present) {
        if (!claims.nbf.value || !std::isfinite(*claims.nbf.value)) {
            return reject("R10 nbf is not a number");
        }
        if (*claims.nbf.value > now + clock_tolerance_s) {
            return reject("R10 not yet valid");
        }
    }
    if (!claims.exp.present) {
        return reject("R9 no exp (stricter than the SDK)");
    }
    if (!claims.exp.value || !std::isfinite(*claims.exp.value)) {
        return reject("R9 exp is not a number");
    }
    // jsonwebtoken: expired when clockTimestamp >= exp + clockTolerance.
    if (now >= *claims.exp.value + clock_tolerance_s) {
        return reject("R9 expired");
    }

    // 8: endorsements. A blank channelId passes in the SDK; every Teams activity has one.
    if (blank(activity_channel_id)) {
        return reject("R12 activity has no channelId (stricter than the SDK)");
    }
    const auto& endorsements = found.key->endorsements;
    if (!endorsements.empty() && std::find(endorsements.begin(), endorsements.end(),
                                           activity_channel_id) == endorsements.end()) {
        return reject("R12 key not endorsed for the channel");
    }

    if (blank(activity_service_url)) {
        return reject("R13 activity has no serviceUrl (stricter than the SDK)");
    }

    if (emulator) {
        // 2.5: the app id claim by token version; no aud and no serviceurl check.
        if (claims.ver.present && claims.ver.value != "1.0" && claims.ver.value != "2.0") {
            return reject("R11 emulator token version unknown");
        }
        if (app_id_of(claims) != settings_.app_id) {
            return reject("R11 emulator token for another app");
        }
        return {true, "emulator token"};
    }

    // 9-10: identity, then the service URL the activity will be answered at.
    if (claims.aud.value != settings_.app_id || settings_.app_id.empty()) {
        return reject("R11 audience is not this bot");
    }
    if (claims.serviceurl.value != activity_service_url) {
        return reject("R13 serviceurl claim missing or different");
    }
    return {true, "channel token"};
}

}  // namespace kv::teams
