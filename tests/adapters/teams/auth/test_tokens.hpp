#pragma once
// Test helpers for Bot Connector authentication: real RSA keys generated with OpenSSL, tokens
// signed with them, and an in-memory http_transport that serves OpenID metadata and JWKS and
// counts fetches (an in-process stand-in for the network only; crypto and parsing are real).

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rsa.h>

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "adapters/teams/auth/base64url.hpp"
#include "adapters/teams/http_transport.hpp"

namespace kv::test {

// An RSA key pair; generated once per process per name (2048-bit generation is slow-ish).
class test_rsa_key {
  public:
    explicit test_rsa_key(unsigned bits = 2048) : key_(EVP_RSA_gen(bits), EVP_PKEY_free) {
        if (!key_) {
            throw std::runtime_error("RSA key generation failed");
        }
    }

    // The JWK of the public half: {"kty":"RSA","use":"sig","kid":..,"n":..,"e":..}.
    nlohmann::json jwk(const std::string& kid,
                       std::vector<std::string> endorsements = {"msteams"}) const {
        nlohmann::json k = {{"kty", "RSA"},
                            {"use", "sig"},
                            {"kid", kid},
                            {"x5t", kid},
                            {"n", component(OSSL_PKEY_PARAM_RSA_N)},
                            {"e", component(OSSL_PKEY_PARAM_RSA_E)}};
        if (!endorsements.empty()) {
            k["endorsements"] = endorsements;
        }
        return k;
    }

    std::string component(const char* name) const {
        BIGNUM* bn = nullptr;
        if (EVP_PKEY_get_bn_param(key_.get(), name, &bn) != 1) {
            throw std::runtime_error("no RSA parameter");
        }
        std::string bytes(static_cast<std::size_t>(BN_num_bytes(bn)), '\0');
        BN_bn2bin(bn, reinterpret_cast<unsigned char*>(bytes.data()));
        BN_free(bn);
        return teams::base64url_encode(bytes);
    }

    // PKCS#1 v1.5 (or PSS when pss) signature of `input` with SHA-`bits`.
    std::string sign(const std::string& input, int sha_bits = 256, bool pss = false) const {
        const EVP_MD* md = sha_bits == 512   ? EVP_sha512()
                           : sha_bits == 384 ? EVP_sha384()
                                             : EVP_sha256();
        std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx{EVP_MD_CTX_new(),
                                                                    EVP_MD_CTX_free};
        EVP_PKEY_CTX* pctx = nullptr;
        if (EVP_DigestSignInit(ctx.get(), &pctx, md, nullptr, key_.get()) != 1 ||
            EVP_PKEY_CTX_set_rsa_padding(pctx, pss ? RSA_PKCS1_PSS_PADDING : RSA_PKCS1_PADDING) !=
                1) {
            throw std::runtime_error("sign init failed");
        }
        std::size_t len = 0;
        const auto* data = reinterpret_cast<const unsigned char*>(input.data());
        if (EVP_DigestSign(ctx.get(), nullptr, &len, data, input.size()) != 1) {
            throw std::runtime_error("sign failed");
        }
        std::string sig(len, '\0');
        if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, data,
                           input.size()) != 1) {
            throw std::runtime_error("sign failed");
        }
        sig.resize(len);
        return sig;
    }

  private:
    std::shared_ptr<EVP_PKEY> key_;
};

inline const test_rsa_key& key_one() {
    static const test_rsa_key k;
    return k;
}
inline const test_rsa_key& key_two() {
    static const test_rsa_key k;
    return k;
}

inline std::string b64(const std::string& s) {
    return teams::base64url_encode(s);
}

// "<header>.<payload>" of a token, before signing.
inline std::string signing_input(const nlohmann::json& header, const nlohmann::json& payload) {
    return b64(header.dump()) + "." + b64(payload.dump());
}

// A compact JWS signed by `key` with the hash that `header["alg"]` names (RS256 default).
inline std::string signed_token(const test_rsa_key& key, const nlohmann::json& header,
                                const nlohmann::json& payload) {
    const std::string alg = header.value("alg", "RS256");
    const int bits = alg == "RS512" ? 512 : alg == "RS384" ? 384 : 256;
    const std::string input = signing_input(header, payload);
    return input + "." + b64(key.sign(input, bits));
}

inline std::string hmac_sha256(const std::string& secret, const std::string& input) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
         reinterpret_cast<const unsigned char*>(input.data()), input.size(), out, &len);
    return std::string(reinterpret_cast<const char*>(out), len);
}

// Serves canned replies by URL; counts calls per URL. A "gate" makes calls block until opened.
class memory_transport final : public teams::http_transport {
  public:
    void serve(const std::string& url, int status, std::string body) {
        std::lock_guard lock{mutex_};
        replies_[url] = {status, std::move(body)};
    }
    void serve_json(const std::string& url, const nlohmann::json& body) {
        serve(url, 200, body.dump());
    }
    int calls(const std::string& url) const {
        std::lock_guard lock{mutex_};
        const auto it = counts_.find(url);
        return it == counts_.end() ? 0 : it->second;
    }
    int total_calls() const {
        std::lock_guard lock{mutex_};
        int n = 0;
        for (const auto& [url, c] : counts_) {
            n += c;
        }
        return n;
    }
    void close_gate() {
        std::lock_guard lock{mutex_};
        gate_open_ = false;
    }
    void open_gate() {
        {
            std::lock_guard lock{mutex_};
            gate_open_ = true;
        }
        changed_.notify_all();
    }
    // Blocks until at least n calls have arrived (counted before the gate).
    void wait_for_calls(int n) {
        std::unique_lock lock{mutex_};
        changed_.wait(lock, [&] { return arrived_ >= n; });
    }

    teams::http_reply call(const teams::http_call& request) override {
        std::unique_lock lock{mutex_};
        ++counts_[request.url];
        ++arrived_;
        changed_.notify_all();
        changed_.wait(lock, [&] { return gate_open_; });
        teams::http_reply reply;
        const auto it = replies_.find(request.url);
        if (it == replies_.end()) {
            reply.error = "connection refused";
            return reply;
        }
        reply.status = it->second.first;
        reply.body = it->second.second;
        return reply;
    }

  private:
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::map<std::string, std::pair<int, std::string>> replies_;
    std::map<std::string, int> counts_;
    int arrived_ = 0;
    bool gate_open_ = true;
};

}  // namespace kv::test
