#include "adapters/teams/auth/jwt.hpp"

#include <nlohmann/json.hpp>

#include "adapters/teams/auth/base64url.hpp"

namespace kv::teams {

namespace {

std::optional<nlohmann::json> decode_object(std::string_view segment) {
    auto bytes = base64url_decode(segment);
    if (!bytes) {
        return std::nullopt;
    }
    auto doc = nlohmann::json::parse(*bytes, nullptr, /*allow_exceptions=*/false);
    if (!doc.is_object()) {
        return std::nullopt;
    }
    return doc;
}

jwt_string_claim string_claim(const nlohmann::json& payload, const char* name) {
    jwt_string_claim c;
    const auto it = payload.find(name);
    if (it != payload.end()) {
        c.present = true;
        if (it->is_string()) {
            c.value = it->get<std::string>();
        }
    }
    return c;
}

jwt_time_claim time_claim(const nlohmann::json& payload, const char* name) {
    jwt_time_claim c;
    const auto it = payload.find(name);
    if (it != payload.end()) {
        c.present = true;
        if (it->is_number()) {
            c.value = it->get<double>();
        }
    }
    return c;
}

}  // namespace

std::optional<jwt> parse_jwt(std::string_view compact) {
    const auto first = compact.find('.');
    if (first == std::string_view::npos) {
        return std::nullopt;
    }
    const auto second = compact.find('.', first + 1);
    if (second == std::string_view::npos ||
        compact.find('.', second + 1) != std::string_view::npos) {
        return std::nullopt;
    }
    const auto header = decode_object(compact.substr(0, first));
    const auto payload = decode_object(compact.substr(first + 1, second - first - 1));
    auto signature = base64url_decode(compact.substr(second + 1));
    if (!header || !payload || !signature) {
        return std::nullopt;
    }

    jwt token;
    token.signing_input = std::string{compact.substr(0, second)};
    token.signature = std::move(*signature);
    if (const auto alg = header->find("alg"); alg != header->end() && alg->is_string()) {
        token.alg = alg->get<std::string>();
    }
    if (const auto kid = header->find("kid"); kid != header->end() && kid->is_string()) {
        token.kid = kid->get<std::string>();
    }
    token.claims.iss = string_claim(*payload, "iss");
    token.claims.aud = string_claim(*payload, "aud");
    token.claims.serviceurl = string_claim(*payload, "serviceurl");
    token.claims.appid = string_claim(*payload, "appid");
    token.claims.azp = string_claim(*payload, "azp");
    token.claims.ver = string_claim(*payload, "ver");
    token.claims.exp = time_claim(*payload, "exp");
    token.claims.nbf = time_claim(*payload, "nbf");
    return token;
}

}  // namespace kv::teams
