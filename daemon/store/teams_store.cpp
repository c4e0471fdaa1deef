#include "daemon/store/teams_store.hpp"

#include "daemon/store/message_json.hpp"
#include "daemon/store/sqlite.hpp"

namespace kv::daemon {
namespace {

constexpr std::string_view reference_columns =
    "conversation_id, user_id, user_name, aad_object_id, service_url, channel_id, "
    "conversation_type, tenant_id, is_group, bot_id, bot_name, activity_id, locale, team_id, "
    "team_channel_id";

teams::conversation_reference read_reference(const statement& s) {
    teams::conversation_reference r;
    r.conversation_id = s.text(0);
    r.user.id = s.text(1);
    r.user.name = s.text(2);
    r.user.aad_object_id = s.text(3);
    r.service_url = s.text(4);
    r.channel_id = s.text(5);
    r.conversation_type = s.text(6);
    r.tenant_id = s.text(7);
    r.is_group = s.integer(8) != 0;
    r.bot.id = s.text(9);
    r.bot.name = s.text(10);
    r.activity_id = s.text(11);
    r.locale = s.text(12);
    r.team_id = s.text(13);
    r.team_channel_id = s.text(14);
    return r;
}

teams_sent_card read_card(const statement& s) {
    return {s.text(0), s.text(1), s.text(2), s.text(3), s.text(4), message_from_json(s.text(5))};
}

std::int64_t unix_seconds(std::chrono::sys_seconds t) {
    return static_cast<std::int64_t>(t.time_since_epoch().count());
}

}  // namespace

void teams_store::upsert_reference(const teams::conversation_reference& ref,
                                   const std::string& person_email, std::chrono::sys_seconds now) {
    auto& s = db_.cached(
        "INSERT INTO teams_references (conversation_id, person_email, user_id, user_name, "
        "aad_object_id, service_url, channel_id, conversation_type, tenant_id, is_group, bot_id, "
        "bot_name, activity_id, locale, team_id, team_channel_id, dead, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?) "
        "ON CONFLICT (conversation_id) DO UPDATE SET person_email = excluded.person_email, "
        "user_id = excluded.user_id, user_name = excluded.user_name, "
        "aad_object_id = excluded.aad_object_id, service_url = excluded.service_url, "
        "channel_id = excluded.channel_id, conversation_type = excluded.conversation_type, "
        "tenant_id = excluded.tenant_id, is_group = excluded.is_group, bot_id = excluded.bot_id, "
        "bot_name = excluded.bot_name, activity_id = excluded.activity_id, "
        "locale = excluded.locale, team_id = excluded.team_id, "
        "team_channel_id = excluded.team_channel_id, dead = 0, updated_at = excluded.updated_at");
    s.bind_all(ref.conversation_id);
    if (person_email.empty()) {
        s.bind(2, nullptr);
    } else {
        s.bind(2, person_email);
    }
    s.bind(3, ref.user.id)
        .bind(4, ref.user.name)
        .bind(5, ref.user.aad_object_id)
        .bind(6, ref.service_url)
        .bind(7, ref.channel_id)
        .bind(8, ref.conversation_type)
        .bind(9, ref.tenant_id)
        .bind(10, ref.is_group)
        .bind(11, ref.bot.id)
        .bind(12, ref.bot.name)
        .bind(13, ref.activity_id)
        .bind(14, ref.locale)
        .bind(15, ref.team_id)
        .bind(16, ref.team_channel_id)
        .bind(17, unix_seconds(now))
        .run();
}

std::optional<teams::conversation_reference> teams_store::first_reference(std::string_view where,
                                                                          const std::string& key) {
    auto& s = db_.cached(std::string("SELECT ") + std::string(reference_columns) +
                         " FROM teams_references " + std::string(where));
    s.bind_all(key);
    if (!s.step()) {
        return std::nullopt;
    }
    auto r = read_reference(s);
    s.reset();
    return r;
}

std::optional<teams::conversation_reference> teams_store::personal_reference(
    const std::string& email) {
    return first_reference(
        "WHERE person_email = ? AND conversation_type = 'personal' AND dead = 0 "
        "ORDER BY updated_at DESC LIMIT 1",
        email);
}

std::optional<teams::conversation_reference> teams_store::reference(
    const std::string& conversation_id) {
    return first_reference("WHERE conversation_id = ? AND dead = 0", conversation_id);
}

std::optional<teams::conversation_reference> teams_store::any_reference(const std::string& email) {
    return first_reference(
        "WHERE person_email = ? AND user_id <> '' ORDER BY dead, updated_at DESC LIMIT 1", email);
}

void teams_store::mark_dead(const std::string& conversation_id) {
    db_.cached("UPDATE teams_references SET dead = 1 WHERE conversation_id = ?")
        .bind_all(conversation_id)
        .run();
}

std::optional<std::string> teams_store::linked_email(const std::string& aad_object_id) {
    auto& s = db_.cached("SELECT email FROM teams_identities WHERE aad_object_id = ?");
    s.bind_all(aad_object_id);
    if (!s.step()) {
        return std::nullopt;
    }
    auto e = s.text(0);
    s.reset();
    return e;
}

void teams_store::link(const std::string& aad_object_id, const std::string& email,
                       const std::string& user_id, const std::string& tenant_id,
                       std::chrono::sys_seconds now) {
    db_.cached(
           "INSERT INTO teams_identities (aad_object_id, email, user_id, tenant_id, linked_at) "
           "VALUES (?, ?, ?, ?, ?) ON CONFLICT (aad_object_id) DO UPDATE SET "
           "email = excluded.email, user_id = excluded.user_id, tenant_id = excluded.tenant_id, "
           "linked_at = excluded.linked_at")
        .bind_all(aad_object_id, email, user_id, tenant_id, unix_seconds(now))
        .run();
}

void teams_store::record_sent_card(const teams_sent_card& card, std::chrono::sys_seconds now) {
    db_.cached(
           "INSERT INTO teams_sent_cards (recipient_email, subject_key, conversation_id, "
           "activity_id, service_url, message_json, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
           "ON CONFLICT (recipient_email, subject_key) DO UPDATE SET "
           "conversation_id = excluded.conversation_id, activity_id = excluded.activity_id, "
           "service_url = excluded.service_url, message_json = excluded.message_json, "
           "updated_at = excluded.updated_at")
        .bind_all(card.recipient_email, card.subject_key, card.conversation_id, card.activity_id,
                  card.service_url, message_to_json(card.body), unix_seconds(now))
        .run();
}

std::optional<teams_sent_card> teams_store::sent_card(const std::string& recipient_email,
                                                      const std::string& subject_key) {
    auto& s = db_.cached(
        "SELECT recipient_email, subject_key, conversation_id, activity_id, service_url, "
        "message_json FROM teams_sent_cards WHERE recipient_email = ? AND subject_key = ?");
    s.bind_all(recipient_email, subject_key);
    if (!s.step()) {
        return std::nullopt;
    }
    auto c = read_card(s);
    s.reset();
    return c;
}

std::vector<teams_sent_card> teams_store::sent_cards_for_subject(const std::string& subject_key) {
    auto& s = db_.cached(
        "SELECT recipient_email, subject_key, conversation_id, activity_id, service_url, "
        "message_json FROM teams_sent_cards WHERE subject_key = ? ORDER BY recipient_email");
    s.bind_all(subject_key);
    std::vector<teams_sent_card> out;
    while (s.step()) {
        out.push_back(read_card(s));
    }
    s.reset();
    return out;
}

}  // namespace kv::daemon
