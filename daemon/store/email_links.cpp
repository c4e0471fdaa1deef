#include "daemon/store/email_links.hpp"

#include <nlohmann/json.hpp>

#include "daemon/store/store_view.hpp"

namespace kv::daemon {

bool record_email_link(database& db, const email_link& link) {
    auto& s = db.cached(
        "INSERT INTO email_links (nonce, verb, target, data_json, person_email, expires_at, "
        "created_at, used_at) VALUES (?, ?, ?, ?, ?, ?, ?, NULL) ON CONFLICT (nonce) DO NOTHING");
    s.bind_all(link.nonce, link.verb, link.target, nlohmann::json(link.data).dump(),
               link.person_email, detail::to_unix(link.expires_at),
               detail::to_unix(link.created_at))
        .run();
    return db.changes() > 0;
}

std::optional<email_link> find_email_link(database& db, std::string_view nonce) {
    auto& s = db.cached(
        "SELECT nonce, verb, target, data_json, person_email, expires_at, created_at, used_at "
        "FROM email_links WHERE nonce = ?");
    s.bind_all(nonce);
    if (!s.step()) {
        return std::nullopt;
    }
    email_link link;
    link.nonce = s.text(0);
    link.verb = s.text(1);
    link.target = s.text(2);
    const auto data = nlohmann::json::parse(s.text(3), nullptr, false);
    if (!data.is_object()) {
        throw store_error(db.path().string() +
                              ": email_links.data_json of a link is not a JSON "
                              "object",
                          0, 0);
    }
    for (const auto& [k, v] : data.items()) {
        if (v.is_string()) {
            link.data[k] = v.get<std::string>();
        }
    }
    link.person_email = s.text(4);
    link.expires_at = detail::from_unix(s.int64(5));
    link.created_at = detail::from_unix(s.int64(6));
    if (!s.is_null(7)) {
        link.used_at = detail::from_unix(s.int64(7));
    }
    return link;
}

bool mark_email_link_used(database& db, std::string_view nonce, std::chrono::sys_seconds at) {
    auto& s = db.cached("UPDATE email_links SET used_at = ? WHERE nonce = ? AND used_at IS NULL");
    s.bind_all(detail::to_unix(at), nonce).run();
    return db.changes() > 0;
}

}  // namespace kv::daemon
