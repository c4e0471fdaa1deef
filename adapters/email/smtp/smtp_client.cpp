#include "adapters/email/smtp/smtp_client.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <optional>
#include <stdexcept>

#include "adapters/email/auth/token_file.hpp"

namespace kv::email {
namespace {

void init_curl_once() {
    static std::once_flag once;
    static CURLcode rc = CURLE_OK;
    std::call_once(once, [] { rc = curl_global_init(CURL_GLOBAL_DEFAULT); });
    if (rc != CURLE_OK) {
        throw std::runtime_error(std::string("cannot initialise libcurl: ") +
                                 curl_easy_strerror(rc));
    }
}

struct upload {
    std::string_view data;
    std::size_t offset = 0;
};

std::size_t read_upload(char* buffer, std::size_t size, std::size_t count, void* user) {
    auto* u = static_cast<upload*>(user);
    const std::size_t n = std::min(size * count, u->data.size() - u->offset);
    std::memcpy(buffer, u->data.data() + u->offset, n);
    u->offset += n;
    return n;
}

struct slist_free {
    void operator()(curl_slist* l) const noexcept { curl_slist_free_all(l); }
};

send_result classify(CURLcode rc, long reply, const char* detail) {
    using o = send_result::outcome;
    send_result r;
    r.reply_code = reply;
    if (rc == CURLE_OK) {
        return r;
    }
    r.error = std::string(curl_easy_strerror(rc));
    if (detail != nullptr && *detail != '\0') {
        r.error += ": ";
        r.error += detail;
    }
    switch (rc) {
        case CURLE_LOGIN_DENIED:
            r.result = o::refused_login;
            return r;
        case CURLE_USE_SSL_FAILED:
        case CURLE_SSL_CONNECT_ERROR:
        case CURLE_PEER_FAILED_VERIFICATION:
        case CURLE_SSL_CACERT_BADFILE:
        case CURLE_SSL_CERTPROBLEM:
        case CURLE_UNSUPPORTED_PROTOCOL:
        case CURLE_URL_MALFORMAT:
            r.result = o::unusable;
            return r;
        default:
            break;
    }
    r.result = reply >= 500 && reply < 600 ? o::rejected : o::transient;
    return r;
}

}  // namespace

struct smtp_client::impl {
    smtp_settings settings;
    std::optional<token_file> tokens;
    CURL* curl = nullptr;
    char error_buffer[CURL_ERROR_SIZE] = {};
};

smtp_client::smtp_client(smtp_settings settings) : impl_(std::make_unique<impl>()) {
    if (settings.url.rfind("smtp://", 0) != 0 && settings.url.rfind("smtps://", 0) != 0) {
        throw std::invalid_argument("smtp url must start with smtp:// or smtps://");
    }
    init_curl_once();
    impl_->settings = std::move(settings);
    if (!impl_->settings.xoauth2_token_file.empty()) {
        impl_->tokens.emplace(impl_->settings.xoauth2_token_file);
    }
    impl_->curl = curl_easy_init();
    if (impl_->curl == nullptr) {
        throw std::runtime_error("cannot create a libcurl handle");
    }
    CURL* c = impl_->curl;
    const auto& s = impl_->settings;
    curl_easy_setopt(c, CURLOPT_URL, s.url.c_str());
    // STARTTLS is mandatory on smtp://: CURLUSESSL_TRY would send credentials in clear text
    // when the upgrade is missing or stripped.
    curl_easy_setopt(c, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
    if (!s.ca_file.empty()) {
        curl_easy_setopt(c, CURLOPT_CAINFO, s.ca_file.c_str());
    }
    if (!s.username.empty()) {
        curl_easy_setopt(c, CURLOPT_USERNAME, s.username.c_str());
    }
    if (!s.xoauth2_token.empty()) {
        curl_easy_setopt(c, CURLOPT_XOAUTH2_BEARER, s.xoauth2_token.c_str());
    } else if (!s.password.empty()) {
        curl_easy_setopt(c, CURLOPT_PASSWORD, s.password.c_str());
    }
    if (!s.login_options.empty()) {
        curl_easy_setopt(c, CURLOPT_LOGIN_OPTIONS, s.login_options.c_str());
    }
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, static_cast<long>(s.connect_timeout.count()));
    curl_easy_setopt(c, CURLOPT_TIMEOUT, static_cast<long>(s.timeout.count()));
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, impl_->error_buffer);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, read_upload);
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
}

smtp_client::~smtp_client() {
    if (impl_ && impl_->curl != nullptr) {
        curl_easy_cleanup(impl_->curl);
    }
}

void smtp_client::set_xoauth2_token(std::string token) {
    impl_->settings.xoauth2_token = std::move(token);
    curl_easy_setopt(impl_->curl, CURLOPT_XOAUTH2_BEARER, impl_->settings.xoauth2_token.c_str());
}

send_result smtp_client::send(const envelope& env, std::string_view message) {
    CURL* c = impl_->curl;
    if (impl_->tokens) {
        auto fresh = impl_->tokens->current();
        if (!fresh.ok()) {
            return {send_result::outcome::transient, 0, fresh.error};
        }
        // libcurl reuses a connection only for the same bearer token, so a new token means a
        // new connection that logs in with it.
        if (fresh.token != impl_->settings.xoauth2_token) {
            set_xoauth2_token(std::move(fresh.token));
        }
    }
    const std::string from = "<" + env.mail_from + ">";
    std::unique_ptr<curl_slist, slist_free> rcpt{
        curl_slist_append(nullptr, ("<" + env.rcpt_to + ">").c_str())};
    if (!rcpt) {
        return {send_result::outcome::transient, 0, "out of memory"};
    }
    upload body{message, 0};
    impl_->error_buffer[0] = '\0';
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, from.c_str());
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt.get());
    curl_easy_setopt(c, CURLOPT_READDATA, &body);
    curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.size()));
    const CURLcode rc = curl_easy_perform(c);
    long reply = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &reply);
    long connects = 0;
    curl_easy_getinfo(c, CURLINFO_NUM_CONNECTS, &connects);
    connections_opened_ += connects;
    // The list and the body die with this call: no pointer to them may stay in the handle.
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, nullptr);
    curl_easy_setopt(c, CURLOPT_READDATA, nullptr);
    return classify(rc, reply, impl_->error_buffer);
}

}  // namespace kv::email
