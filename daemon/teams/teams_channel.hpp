#pragma once
// The Teams channel inside `serve`: authenticates POST /api/messages with the channel's keys,
// handles each authenticated activity against the store (identity rules, the bot's decision in
// one transaction, conversation references kept), and answers through the Bot Connector.
// Thread-safety: handle() and invoke() run on the store thread only (the one thread that uses
// `db`); authenticate() may run on any thread. Network calls block the calling thread for a
// bounded time (connector_settings). Failures are logged without content and never throw out.

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/thread_pool.hpp>

#include "adapters/teams/activity.hpp"
#include "adapters/teams/auth/channel_auth.hpp"
#include "adapters/teams/connector/connector_client.hpp"
#include "bot/dialog/bot.hpp"
#include "daemon/config/settings.hpp"
#include "daemon/http/http_client.hpp"
#include "daemon/http/metrics.hpp"
#include "daemon/store/group_commit.hpp"
#include "daemon/store/store.hpp"
#include "daemon/store/teams_store.hpp"
#include "daemon/teams/messages_endpoint.hpp"

namespace kv::daemon {

class teams_channel {
  public:
    // `on_notifications` is called after a commit that enqueued notifications (wakes delivery).
    // `post_to_store_thread` runs a function on the store thread: messages are committed there
    // in groups (group_commit), each answered after the commit that holds it.
    // `post_to_connector_thread` runs a function on a thread of its own for connector calls
    // made while handling activities (the member lookup of someone met for the first time,
    // which may wait for the rate limiter; a refusal; the PUTs of other people's copies of a
    // card after a button press), so they never hold up the store thread; empty: they are made
    // on the store thread.
    teams_channel(const teams_settings& cfg, store& db, const bot::bot& brain,
                  metrics_registry& metrics, std::function<void()> on_notifications,
                  group_commit::post_fn post_to_store_thread,
                  group_commit::post_fn post_to_connector_thread = {});
    ~teams_channel();

    teams::auth_result authenticate(std::string_view authorization, std::string_view service_url,
                                    std::string_view channel_id);
    // A non-invoke activity, after its 200 was sent.
    void handle(const teams::inbound_activity& a);
    // A card action: decided and committed, then the invoke response body (reference 4.3);
    // the new card is PUT over every other stored copy of the same subject.
    std::string invoke(const teams::inbound_activity& a);

    // Text the daemon answers itself before the bot sees it (e.g. `kalender`, which issues a
    // signed feed link): a returned message is the answer and the bot is not asked. Set before
    // the first activity; runs on the store thread.
    using text_answer_fn = std::function<std::optional<bot::message>(const bot::inbound_event&,
                                                                     std::chrono::sys_seconds)>;
    void set_text_answer(text_answer_fn fn) { text_answer_ = std::move(fn); }

  private:
    // A member lookup made on the connector thread; no member when it failed.
    struct fetched_member {
        std::optional<teams::member_info> member;
    };
    // handle(), with the member fetched for it when it was looked up first.
    void handle_activity(const teams::inbound_activity& a, const fetched_member* fetched);
    // The sender's email, or nullopt after a refusal was sent (other tenant, unknown person),
    // or, when `may_defer` and a connector thread is set, after the sender (not linked yet) was
    // handed to the connector thread, which calls handle_activity again with the member (then
    // `*handed_off` is set, when given).
    std::optional<std::string> identify(const teams::inbound_activity& a,
                                        const fetched_member* fetched = nullptr,
                                        bool may_defer = false, bool* handed_off = nullptr);
    std::optional<teams::member_info> fetch_member(const teams::inbound_activity& a);
    // Runs `f` on the connector thread, or here when there is none.
    void on_connector_thread(std::function<void()> f);
    // From the connector thread: runs `f` on the store thread (here when there is no connector
    // thread, as then connector calls are made on the store thread).
    void on_store_thread(std::function<void()> f);
    // PUTs `card` over these copies of it (other people's) on the connector thread; a copy the
    // connector refuses is updated through the outbox instead.
    void update_copies(std::vector<teams_sent_card> copies, const bot::message& card,
                       const std::string& dedupe_key);
    static bot::inbound_event event_of(const teams::inbound_activity& a, const std::string& email);
    store::decide_fn decider(const teams::inbound_activity& a, const std::string& email,
                             const bot::inbound_event& ev);
    void committed(const handle_result& result);
    handle_result decide(const teams::inbound_activity& a, const std::string& email);
    // The answers of `decide`, from the second on when `keep_first`, become outbox rows for the
    // sender in the conversation they wrote in (keyed by the event's dedupe key and the answer's
    // index), committed with the decision: nothing answered is lost in a crash after the commit,
    // and no connector call or rate-limit wait holds up the store thread.
    static store::decide_fn answers_to_outbox(store::decide_fn decide,
                                              const teams::inbound_activity& a,
                                              const std::string& email, bool keep_first);
    // For a press of a form's submit button: the key recorded when it filed a case, so the
    // same form card files once; empty for anything else.
    static std::string spent_form_key(const teams::inbound_activity& a);
    // An Action.Submit of the filing form (it names the card it was pressed on).
    static bool submitted_form(const teams::inbound_activity& a);
    // PUTs the first answer over the submitted form, on the connector thread; when the
    // connector refuses, the answer is committed to the outbox and sent as a new message.
    void replace_submitted_form(const teams::inbound_activity& a, const std::string& email,
                                const std::vector<bot::message>& replies);
    // Commits `answer` (the daemon's own answer to a text) to the outbox for the conversation
    // `a` came from, with the event's dedupe key recorded in the same transaction.
    void answer_in_conversation(const teams::inbound_activity& a, const bot::inbound_event& ev,
                                const std::string& email, bot::message answer);
    // `conversation` empty: the person's own chat, updating a card of the same subject.
    void hand_to_outbox(const std::string& email, const bot::message& m,
                        const std::string& dedupe_key, const std::string& conversation = {});
    void count(const teams::inbound_activity& a);

    teams_settings cfg_;
    store& db_;
    group_commit::post_fn post_to_store_thread_;
    group_commit::post_fn post_to_connector_thread_;
    group_commit commits_;
    const bot::bot& brain_;
    metrics_registry& metrics_;
    std::function<void()> on_notifications_;
    text_answer_fn text_answer_;
    http_client http_;
    teams::token_cache tokens_;
    teams::rate_limiter limiter_;
    teams::connector_client connector_;
    teams::channel_authenticator auth_;
};

inline constexpr std::ptrdiff_t activities_waiting_for_the_store = 256;

// The hooks of POST /api/messages over `channel`: activities are handed to `store_executor`
// to be handled after the 200 (while more than activities_waiting_for_the_store wait there,
// the next request waits for room); invokes are handled on the store thread while the calling
// request thread waits for the answer.
teams_endpoint_hooks teams_hooks(teams_channel& channel,
                                 boost::asio::thread_pool::executor_type store_executor);

}  // namespace kv::daemon
