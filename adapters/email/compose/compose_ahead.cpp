#include "adapters/email/compose/compose_ahead.hpp"

#include <algorithm>
#include <exception>
#include <utility>

#include "adapters/email/compose/compose.hpp"

namespace kv::email {
namespace {

composed_mail compose_one(const outgoing_mail& mail) {
    composed_mail out;
    try {
        out.raw = compose_message(mail);
    } catch (const compose_error& e) {
        out.error = e.what();
        out.invalid_mail = true;
    } catch (const std::exception& e) {
        out.error = e.what();
    }
    return out;
}

}  // namespace

compose_ahead::compose_ahead(const std::vector<outgoing_mail>& mails, std::vector<bool> wanted)
    : mails_(mails), wanted_(std::move(wanted)), results_(mails.size()) {
    wanted_.resize(mails_.size(), false);
    if (std::count(wanted_.begin(), wanted_.end(), true) > 1) {
        helper_ = std::thread([this] { run(); });
    }
}

compose_ahead::~compose_ahead() {
    {
        const std::lock_guard lock{mutex_};
        stopping_ = true;
    }
    if (helper_.joinable()) {
        helper_.join();
    }
}

void compose_ahead::run() {
    for (std::size_t i = 0; i < mails_.size(); ++i) {
        {
            const std::lock_guard lock{mutex_};
            if (stopping_) {
                return;
            }
        }
        composed_mail one = wanted_[i] ? compose_one(mails_[i]) : composed_mail{};
        {
            const std::lock_guard lock{mutex_};
            results_[i] = std::move(one);
            done_ = i + 1;
        }
        ready_.notify_all();
    }
}

composed_mail compose_ahead::take(std::size_t i) {
    const auto& mail = mails_.at(i);
    if (!helper_.joinable()) {
        return compose_one(mail);
    }
    std::unique_lock lock{mutex_};
    ready_.wait(lock, [&] { return done_ > i; });
    return std::move(results_.at(i));
}

}  // namespace kv::email
