#include "daemon/delivery/email_sender.hpp"

#include <algorithm>
#include <atomic>
#include <map>
#include <stdexcept>
#include <thread>

#include "adapters/email/compose/compose.hpp"
#include "adapters/email/compose/compose_ahead.hpp"
#include "adapters/email/links/action_link.hpp"
#include "adapters/email/links/signing.hpp"
#include "adapters/email/smtp/eml_folder.hpp"
#include "adapters/email/smtp/smtp_client.hpp"
#include "daemon/store/email_inbound.hpp"
#include "daemon/store/email_links.hpp"
#include "daemon/store/email_threads.hpp"
#include "daemon/store/teams_store.hpp"

namespace kv::daemon {
namespace {

std::string domain_of(const std::string& address) {
    const auto at = address.find('@');
    return at == std::string::npos ? address : address.substr(at + 1);
}

std::string local_part_of(const std::string& address) {
    return address.substr(0, address.find('@'));
}

// Actions that make sense from a mail: not "show" (the mail is the view) and not the steps of
// a chat dialog.
bool offered_by_mail(const bot::action& a) {
    return (a.verb != "case.show" && a.verb.rfind("case.", 0) == 0) ||
           a.verb.rfind("approval.", 0) == 0;
}

// The procedure buttons a reply can press ("Ingen endring", "Lest"): a keyword, no link. One
// "LEST" confirms every procedure of a reading-list mail.
std::optional<email::action_way> reply_only_way(const bot::action& a) {
    if (a.verb == "review.keep") {
        return email::action_way{a.label, *email::reply_keyword(a.verb), ""};
    }
    if (a.verb == "reading.confirm") {
        return email::action_way{"bekrefter at du har lest alt i denne e-posten",
                                 *email::reply_keyword(a.verb), ""};
    }
    return std::nullopt;
}

std::string target_of(const bot::action& a) {
    if (const auto it = a.data.find("case"); it != a.data.end()) {
        return it->second;
    }
    if (const auto it = a.data.find("approval"); it != a.data.end()) {
        return "approval:" + it->second;
    }
    return {};
}

std::string kind_of(const outbox_item& item) {
    if (item.dedupe_key.find("remind") != std::string::npos) {
        return "reminder";
    }
    for (const auto& a : item.body.actions) {
        if (a.verb.rfind("approval.", 0) == 0) {
            return "approval-request";
        }
    }
    return "notification";
}

// The plus-address token of the mail's Reply-To: <local>+<token>@domain.
std::string token_of(const email::outgoing_mail& mail) {
    const auto& address = mail.reply_to.address;
    const auto plus = address.find('+');
    const auto at = address.rfind('@');
    return address.substr(plus + 1, at - plus - 1);
}

delivery_outcome outcome_of(const email::send_result& sent,
                            std::chrono::seconds retry_after_setup_failure) {
    using status = delivery_outcome::status;
    using o = email::send_result::outcome;
    switch (sent.result) {
        case o::sent:
            return {status::delivered, std::nullopt, ""};
        case o::transient:
            return {status::retry_later, std::nullopt, sent.error};
        case o::rejected:
            return {status::failed_permanently, std::nullopt,
                    "rejected by the mail server (" + std::to_string(sent.reply_code) +
                        "): " + sent.error};
        case o::refused_login:
        case o::unusable:
            return {status::retry_later, retry_after_setup_failure, sent.error};
    }
    return {status::retry_later, std::nullopt, sent.error};
}

}  // namespace

email_sender_options email_sender_options_from(const email_settings& s) {
    email_sender_options o;
    o.from = {s.from_name, s.from_address};
    const std::string reply = s.reply_address.empty() ? s.from_address : s.reply_address;
    o.reply_local_part = local_part_of(reply);
    o.reply_domain = domain_of(reply);
    o.message_id_domain = domain_of(s.from_address);
    o.link_secret = s.link_secret;
    o.public_base_url = s.public_base_url;
    o.link_lifetime = std::chrono::days{s.link_lifetime_days};
    return o;
}

std::unique_ptr<email::mail_transport> make_mail_transport(const email_settings& s) {
    if (s.smtp_url.empty()) {
        return std::make_unique<email::eml_folder>(s.outbox_dir);
    }
    email::smtp_settings smtp;
    smtp.url = s.smtp_url;
    // The URL's path is the EHLO name; without one curl makes one up.
    const auto scheme_end = smtp.url.find("://") + 3;
    if (smtp.url.find('/', scheme_end) == std::string::npos) {
        smtp.url += "/" + domain_of(s.from_address);
    }
    smtp.ca_file = s.smtp_ca_file;
    smtp.username = s.smtp_user;
    smtp.password = s.smtp_password;
    const bool have_token = !s.smtp_xoauth2_token.empty() || !s.oauth2_token_file.empty();
    if (s.smtp_auth == "xoauth2" || (s.smtp_auth == "auto" && have_token)) {
        // A token file, when given, wins over a fixed token: it is the one kept fresh.
        if (s.oauth2_token_file.empty()) {
            smtp.xoauth2_token = s.smtp_xoauth2_token;
        } else {
            smtp.xoauth2_token_file = s.oauth2_token_file;
        }
        smtp.login_options = "AUTH=XOAUTH2";
    } else if (s.smtp_auth == "plain") {
        smtp.login_options = "AUTH=PLAIN";
    } else if (s.smtp_auth == "login") {
        smtp.login_options = "AUTH=LOGIN";
    }
    return std::make_unique<email::smtp_client>(std::move(smtp));
}

email_sender::email_sender(store& db, email::mail_transport& transport,
                           email_sender_options options)
    : email_sender(db, std::vector<email::mail_transport*>{&transport}, std::move(options)) {}

email_sender::email_sender(store& db, std::vector<email::mail_transport*> transports,
                           email_sender_options options)
    : db_(db), transports_(std::move(transports)), options_(std::move(options)) {
    if (transports_.empty() ||
        std::find(transports_.begin(), transports_.end(), nullptr) != transports_.end()) {
        throw std::invalid_argument("email sender needs at least one transport");
    }
    if (!options_.clock) {
        options_.clock = [] {
            return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
        };
    }
}

delivery_outcome email_sender::deliver(const outbox_item& item) {
    return deliver_batch({item}, [] { return false; }).at(0);
}

namespace {

// A batch whose threads and links are recorded: the mails to send, and the rows answered
// without mailing (or all rows, when the records could not be written).
struct recorded_batch final : prepared_batch {
    std::vector<std::optional<delivery_outcome>> decided;
    std::vector<email::outgoing_mail> mails;
};

}  // namespace

std::vector<delivery_outcome> email_sender::deliver_batch(
    const std::vector<outbox_item>& items, const std::function<bool()>& stop_requested) {
    return send_prepared(items, prepare_batch(items), stop_requested);
}

std::unique_ptr<prepared_batch> email_sender::prepare_batch(const std::vector<outbox_item>& items) {
    auto batch = std::make_unique<recorded_batch>();
    batch->decided.resize(items.size());
    batch->mails.resize(items.size());
    if (items.empty()) {
        return batch;
    }
    try {
        record_batch(items, batch->decided, batch->mails);
    } catch (const std::exception& e) {
        // Nothing of the batch is recorded, so nothing of it may be sent.
        for (auto& d : batch->decided) {
            if (!d) {
                d = delivery_outcome{delivery_outcome::status::retry_later, std::nullopt,
                                     std::string("email sender: ") + e.what()};
            }
        }
    }
    return batch;
}

std::vector<delivery_outcome> email_sender::send_prepared(
    const std::vector<outbox_item>& items, std::unique_ptr<prepared_batch> prepared,
    const std::function<bool()>& stop_requested) {
    auto* batch = dynamic_cast<recorded_batch*>(prepared.get());
    if (batch == nullptr || batch->decided.size() != items.size()) {
        prepared = prepare_batch(items);
        batch = static_cast<recorded_batch*>(prepared.get());
    }
    const auto& decided = batch->decided;
    const auto& mails = batch->mails;

    std::vector<bool> wanted(items.size());
    for (std::size_t i = 0; i < items.size(); ++i) {
        wanted[i] = !decided[i];
    }
    email::compose_ahead composer{mails, std::move(wanted)};
    std::vector<std::optional<delivery_outcome>> results(items.size());
    std::atomic<std::size_t> next{0};
    // One connection's share: the next row nobody has taken yet, until none is left or the
    // worker is stopping. Rows are taken in outbox order.
    const auto send_share = [&](email::mail_transport& transport) {
        try {
            for (;;) {
                const std::size_t i = next.fetch_add(1);
                if (i >= items.size() || stop_requested()) {
                    return;
                }
                results[i] =
                    decided[i] ? *decided[i] : send_one(transport, mails[i], composer.take(i));
            }
        } catch (const std::exception&) {
            return;  // the rows it did not finish have no outcome: they stay in the outbox
        }
    };
    const auto to_send = static_cast<std::size_t>(
        std::count_if(decided.begin(), decided.end(), [](const auto& d) { return !d; }));
    const std::size_t connections = std::min(transports_.size(), std::max<std::size_t>(to_send, 1));
    std::vector<std::thread> helpers;
    for (std::size_t k = 1; k < connections; ++k) {
        helpers.emplace_back([&, k] { send_share(*transports_[k]); });
    }
    send_share(*transports_[0]);
    for (auto& t : helpers) {
        t.join();
    }
    // Outcomes for the prefix that was finished. With several connections a stop can leave a
    // row after a gap sent but without outcome: it stays pending and is sent again (same
    // Message-ID), as after a crash.
    std::vector<delivery_outcome> out;
    for (auto& r : results) {
        if (!r) {
            break;
        }
        out.push_back(std::move(*r));
    }
    return out;
}

delivery_outcome email_sender::send_one(email::mail_transport& transport,
                                        const email::outgoing_mail& mail,
                                        const email::composed_mail& composed) {
    if (composed.invalid_mail) {
        return {delivery_outcome::status::failed_permanently, std::nullopt,
                "cannot write the mail: " + composed.error};
    }
    if (!composed.error.empty()) {
        return {delivery_outcome::status::retry_later, std::nullopt,
                "email sender: " + composed.error};
    }
    return outcome_of(transport.send({options_.from.address, mail.to.address}, composed.raw),
                      options_.retry_after_setup_failure);
}

void email_sender::record_batch(const std::vector<outbox_item>& items,
                                std::vector<std::optional<delivery_outcome>>& decided,
                                std::vector<email::outgoing_mail>& mails) {
    const auto now = options_.clock();
    std::map<std::string, std::string> names;  // recipient -> display name
    for (std::size_t i = 0; i < items.size(); ++i) {
        decided[i] = bounced(items[i].recipient_email);
        if (!decided[i]) {
            names.emplace(items[i].recipient_email, "");
        }
    }
    db_.with_read([&](const bot::directory& dir, const bot::repository&) {
        for (auto& [recipient, name] : names) {
            if (const auto p = dir.find_person(recipient)) {
                name = p->name;
            }
        }
    });

    // Recorded before sending, all in one transaction: a reply can only come after the mail
    // left, and must find it. Each row's records are visible to the next one in the batch, so
    // two mails about the same case share a token and thread.
    transaction tx{db_.db(), transaction_mode::immediate};
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (decided[i]) {
            continue;
        }
        std::vector<email_link> links;
        std::string subject_key;
        try {
            mails[i] = mail_for(items[i], names[items[i].recipient_email], now, subject_key, links);
        } catch (const store_error&) {
            throw;
        } catch (const std::exception& e) {
            decided[i] = delivery_outcome{delivery_outcome::status::retry_later, std::nullopt,
                                          std::string("email sender: ") + e.what()};
            continue;
        }
        record_email_thread(db_.db(), {token_of(mails[i]), items[i].recipient_email, subject_key,
                                       mails[i].message_id, now});
        for (const auto& link : links) {
            record_email_link(db_.db(), link);
        }
    }
    tx.commit();
}

std::optional<delivery_outcome> email_sender::bounced(const std::string& recipient) {
    const auto failing = find_failing_address(db_.db(), recipient);
    if (!failing) {
        return std::nullopt;
    }
    bot::channel to = bot::channel::console;
    if (options_.teams_delivers) {
        teams_store teams{db_};
        if (teams.personal_reference(recipient) || teams.any_reference(recipient)) {
            to = bot::channel::teams;
        }
    }
    return delivery_outcome{
        delivery_outcome::status::use_fallback, std::nullopt,
        "the address bounced" +
            (failing->status.empty() ? std::string{} : " (" + failing->status + ")"),
        to};
}

email::outgoing_mail email_sender::mail_for(const outbox_item& item, const std::string& name,
                                            std::chrono::sys_seconds now, std::string& subject_key,
                                            std::vector<email_link>& links) {
    const std::string recipient = item.recipient_email;
    const std::string seed = "outbox\n" + std::to_string(item.id) + "\n" +
                             std::to_string(item.created_at.time_since_epoch().count()) + "\n" +
                             recipient;
    // Without a link secret the ids still have to be unique per database; secrecy is not needed.
    const std::string id_key = options_.link_secret.empty()
                                   ? "kv-message-id\n" + db_.path().string()
                                   : options_.link_secret;

    email::outgoing_mail mail;
    mail.message_id = "kv." + email::base32_lower(email::hmac_sha256(id_key, seed).substr(0, 15)) +
                      "@" + options_.message_id_domain;
    subject_key =
        item.body.subject_key.empty() ? "outbox:" + std::to_string(item.id) : item.body.subject_key;

    std::string token;
    if (const auto same = find_email_thread_by_message_id(db_.db(), mail.message_id)) {
        token = same->token;
    }
    std::string latest_token;
    for (const auto& earlier : email_threads_about(db_.db(), recipient, subject_key)) {
        if (earlier.message_id != mail.message_id) {
            mail.references.push_back(earlier.message_id);
            latest_token = earlier.token;
        }
    }
    if (token.empty()) {
        token = latest_token;  // one Reply-To token per recipient and case
    }
    if (token.empty()) {
        token = email::base32_lower(email::random_bytes(10));
    }

    mail.from = options_.from;
    mail.to = {name, recipient};
    mail.reply_to = {options_.from.name,
                     options_.reply_local_part + "+" + token + "@" + options_.reply_domain};
    mail.date = now;
    mail.kind = kind_of(item);
    mail.body = item.body;
    if (options_.calendar_invitation) {
        mail.calendar_invitation =
            options_.calendar_invitation(db_.db(), item.body, mail.to, mail.from);
    }
    mail.link_valid_days = static_cast<int>(options_.link_lifetime.count());

    for (std::size_t i = 0; i < item.body.actions.size(); ++i) {
        const auto& a = item.body.actions[i];
        if (const auto way = reply_only_way(a)) {
            if (std::none_of(mail.ways.begin(), mail.ways.end(),
                             [&](const auto& w) { return w.keyword == way->keyword; })) {
                mail.ways.push_back(*way);
            }
            continue;
        }
        if (!offered_by_mail(a) || target_of(a).empty()) {
            continue;
        }
        email::action_way way{a.label, email::reply_keyword(a.verb).value_or(""), ""};
        if (!options_.link_secret.empty()) {
            email::link_grant grant;
            grant.nonce =
                email::derive_link_nonce(options_.link_secret, seed + "\n" + std::to_string(i));
            grant.verb = a.verb;
            grant.target = target_of(a);
            grant.data = a.data;
            grant.person_email = recipient;
            grant.expires = item.created_at + options_.link_lifetime;
            way.url =
                options_.public_base_url + "/a/" + email::link_token(grant, options_.link_secret);
            links.push_back({grant.nonce, grant.verb, grant.target, grant.data, grant.person_email,
                             grant.expires, now, std::nullopt});
        }
        if (!way.keyword.empty() || !way.url.empty()) {
            mail.ways.push_back(std::move(way));
        }
    }
    return mail;
}

namespace {

class owning_email_sender final : public channel_sender {
  public:
    owning_email_sender(settings cfg,
                        decltype(email_sender_options::calendar_invitation) calendar_invitation)
        : cfg_(std::move(cfg)), calendar_invitation_(std::move(calendar_invitation)) {}

    bot::channel channel() const override { return bot::channel::email; }

    delivery_outcome deliver(const outbox_item& item) override {
        if (const auto failed = start()) {
            return *failed;
        }
        return inner_->deliver(item);
    }

    std::vector<delivery_outcome> deliver_batch(
        const std::vector<outbox_item>& items,
        const std::function<bool()>& stop_requested) override {
        if (const auto failed = start()) {
            return std::vector<delivery_outcome>(items.size(), *failed);
        }
        return inner_->deliver_batch(items, stop_requested);
    }

    bool overlaps_store_work() const override { return true; }

    std::unique_ptr<prepared_batch> prepare_batch(const std::vector<outbox_item>& items) override {
        if (const auto failed = start()) {
            auto answer = std::make_unique<not_started>();
            answer->why = *failed;
            return answer;
        }
        return inner_->prepare_batch(items);
    }

    // Reads inner_ only for a batch that prepare_batch() made with it: a concurrent
    // prepare_batch() then finds it made and leaves it alone.
    std::vector<delivery_outcome> send_prepared(
        const std::vector<outbox_item>& items, std::unique_ptr<prepared_batch> prepared,
        const std::function<bool()>& stop_requested) override {
        if (const auto* failed = dynamic_cast<const not_started*>(prepared.get())) {
            return std::vector<delivery_outcome>(items.size(), failed->why);
        }
        if (!prepared) {
            return deliver_batch(items, stop_requested);
        }
        return inner_->send_prepared(items, std::move(prepared), stop_requested);
    }

  private:
    struct not_started final : prepared_batch {
        delivery_outcome why;
    };

    // Makes the store connection, transport and sender on first use; what to answer when
    // they cannot be made.
    std::optional<delivery_outcome> start() {
        if (!inner_) {
            try {
                // Threads and links are written without an fsync of their own: the delivery
                // worker's commit that marks the row delivered syncs the same WAL file, so they
                // are durable before the row counts as sent. Lost in a power cut before that
                // mark, they are written again when the row is sent again with the same
                // Message-ID and link nonces.
                db_ = std::make_unique<store>(
                    store_options{cfg_.store.database, false, cfg_.store.busy_timeout_ms});
                // One connection for the .eml folder; smtp_connections for a server.
                const int connections =
                    cfg_.email.smtp_url.empty() ? 1 : std::max(cfg_.email.smtp_connections, 1);
                std::vector<email::mail_transport*> use;
                for (int k = 0; k < connections; ++k) {
                    transports_.push_back(make_mail_transport(cfg_.email));
                    use.push_back(transports_.back().get());
                }
                auto options = email_sender_options_from(cfg_.email);
                options.teams_delivers = cfg_.teams.enabled;
                if (!cfg_.email.oauth2_token_file.empty()) {
                    // A refused token is most likely one that just expired, and the file gets
                    // its successor within minutes: look again soon, with the usual backoff.
                    options.retry_after_setup_failure = std::chrono::minutes{1};
                }
                options.calendar_invitation = calendar_invitation_;
                inner_ = std::make_unique<email_sender>(*db_, std::move(use), std::move(options));
            } catch (const std::exception& e) {
                inner_.reset();
                transports_.clear();
                db_.reset();
                return delivery_outcome{delivery_outcome::status::retry_later, std::nullopt,
                                        std::string("email sender cannot start: ") + e.what()};
            }
        }
        return std::nullopt;
    }

    settings cfg_;
    decltype(email_sender_options::calendar_invitation) calendar_invitation_;
    std::unique_ptr<store> db_;
    std::vector<std::unique_ptr<email::mail_transport>> transports_;
    std::unique_ptr<email_sender> inner_;
};

}  // namespace

std::unique_ptr<channel_sender> make_email_sender(
    const settings& cfg, decltype(email_sender_options::calendar_invitation) calendar_invitation) {
    return std::make_unique<owning_email_sender>(cfg, std::move(calendar_invitation));
}

}  // namespace kv::daemon
