#include "adapters/teams/auth/rsa_key.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>

#include <string>

#include "adapters/teams/auth/base64url.hpp"

namespace kv::teams {

namespace {

struct bn_free {
    void operator()(BIGNUM* b) const { BN_free(b); }
};
struct param_bld_free {
    void operator()(OSSL_PARAM_BLD* b) const { OSSL_PARAM_BLD_free(b); }
};
struct params_free {
    void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
};
struct pkey_ctx_free {
    void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); }
};
struct md_ctx_free {
    void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

std::unique_ptr<BIGNUM, bn_free> to_bignum(const std::string& bytes) {
    return std::unique_ptr<BIGNUM, bn_free>{
        BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()),
                  static_cast<int>(bytes.size()), nullptr)};
}

const EVP_MD* digest_of(jws_alg alg) {
    switch (alg) {
        case jws_alg::rs256:
            return EVP_sha256();
        case jws_alg::rs384:
            return EVP_sha384();
        case jws_alg::rs512:
            return EVP_sha512();
    }
    return nullptr;
}

}  // namespace

std::optional<jws_alg> parse_jws_alg(std::string_view name) {
    if (name == "RS256") {
        return jws_alg::rs256;
    }
    if (name == "RS384") {
        return jws_alg::rs384;
    }
    if (name == "RS512") {
        return jws_alg::rs512;
    }
    return std::nullopt;
}

std::optional<rsa_public_key> rsa_public_key::from_jwk(std::string_view n, std::string_view e) {
    if (n.empty() || e.empty()) {
        return std::nullopt;
    }
    const auto n_bytes = base64url_decode(n);
    const auto e_bytes = base64url_decode(e);
    if (!n_bytes || !e_bytes || n_bytes->empty() || e_bytes->empty() ||
        n_bytes->size() > 2048) {  // moduli above 16384 bits are not keys anyone publishes
        return std::nullopt;
    }
    const auto modulus = to_bignum(*n_bytes);
    const auto exponent = to_bignum(*e_bytes);
    if (!modulus || !exponent || BN_is_zero(modulus.get()) || BN_is_zero(exponent.get())) {
        return std::nullopt;
    }

    const std::unique_ptr<OSSL_PARAM_BLD, param_bld_free> build{OSSL_PARAM_BLD_new()};
    if (!build || OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_N, modulus.get()) != 1 ||
        OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_E, exponent.get()) != 1) {
        return std::nullopt;
    }
    const std::unique_ptr<OSSL_PARAM, params_free> params{OSSL_PARAM_BLD_to_param(build.get())};
    const std::unique_ptr<EVP_PKEY_CTX, pkey_ctx_free> ctx{
        EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr)};
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1) {
        return std::nullopt;
    }
    EVP_PKEY* raw = nullptr;
    if (EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1 || !raw) {
        ERR_clear_error();
        return std::nullopt;
    }
    return rsa_public_key{std::shared_ptr<evp_pkey_st>{raw, EVP_PKEY_free}};
}

bool rsa_public_key::verify(jws_alg alg, std::string_view signed_bytes,
                            std::string_view signature) const {
    if (!key_ || signature.empty()) {
        return false;
    }
    const std::unique_ptr<EVP_MD_CTX, md_ctx_free> md{EVP_MD_CTX_new()};
    EVP_PKEY_CTX* pctx = nullptr;  // owned by md
    if (!md || EVP_DigestVerifyInit(md.get(), &pctx, digest_of(alg), nullptr, key_.get()) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1) {
        return false;
    }
    const int ok = EVP_DigestVerify(
        md.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
        reinterpret_cast<const unsigned char*>(signed_bytes.data()), signed_bytes.size());
    // A failed check leaves entries on OpenSSL's per-thread error queue; they mean nothing here.
    ERR_clear_error();
    return ok == 1;
}

}  // namespace kv::teams
