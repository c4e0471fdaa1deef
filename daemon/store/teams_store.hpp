#pragma once
// The Teams channel's own tables (schema version 4): conversation references, the link from an
// Entra object id to a person, and the last card sent per (recipient, subject) for updates.
// Works on a store's connection: same thread rules as the store (one thread at a time). Every
// method is one statement or one transaction; failures throw store_error and write nothing.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/teams/activity.hpp"
#include "bot/message/message.hpp"
#include "daemon/store/store.hpp"

namespace kv::daemon {

struct teams_sent_card {
    std::string recipient_email;
    std::string subject_key;
    std::string conversation_id;
    std::string activity_id;  // as returned by the send (the id to PUT, pitfall 8.8)
    std::string service_url;
    bot::message body;
};

class teams_store {
  public:
    explicit teams_store(store& s) : db_(s.db()) {}

    // Stores or refreshes the reference of the activity's conversation (3.6): a newer serviceUrl
    // overwrites the old one, and a dead reference comes back to life.
    void upsert_reference(const teams::conversation_reference& ref, const std::string& person_email,
                          std::chrono::sys_seconds now);
    // The person's live 1:1 reference, if any.
    std::optional<teams::conversation_reference> personal_reference(const std::string& email);
    // The live reference of one conversation, if any.
    std::optional<teams::conversation_reference> reference(const std::string& conversation_id);
    // Any live reference that names the person (a team or group chat where we met them), so a
    // 1:1 conversation can be created: it gives their 29: id, the tenant and the serviceUrl.
    std::optional<teams::conversation_reference> any_reference(const std::string& email);
    // After 403 MessageWritesBlocked / BotNotInConversationRoster or an uninstall.
    void mark_dead(const std::string& conversation_id);

    std::optional<std::string> linked_email(const std::string& aad_object_id);
    void link(const std::string& aad_object_id, const std::string& email,
              const std::string& user_id, const std::string& tenant_id,
              std::chrono::sys_seconds now);

    void record_sent_card(const teams_sent_card& card, std::chrono::sys_seconds now);
    std::optional<teams_sent_card> sent_card(const std::string& recipient_email,
                                             const std::string& subject_key);
    std::vector<teams_sent_card> sent_cards_for_subject(const std::string& subject_key);

  private:
    // The first row of teams_references that `where` (with one `?` for `key`) selects.
    std::optional<teams::conversation_reference> first_reference(std::string_view where,
                                                                 const std::string& key);

    database& db_;
};

}  // namespace kv::daemon
