#pragma once
// Who a Teams user is in our records (issue 3, "identities"): the Entra object id (aadObjectId)
// maps to a person; the first time, the member is fetched from the connector and linked by its
// email or UPN. Other tenants and unknown people are refused; nothing is stored about them.
// The rules only: the lookups are supplied by the caller. Not thread-safe beyond what the
// supplied functions allow.

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace kv::teams {

struct member_info {  // what GET .../members/{id} told us (TeamsChannelAccount)
    std::string aad_object_id;
    std::string email;
    std::string user_principal_name;
    std::string tenant_id;
};

struct identity_lookups {
    // A stored link aadObjectId -> email, if any.
    std::function<std::optional<std::string>(const std::string& aad_object_id)> linked_email;
    // True when `email` (lower case) is an active person in the organisation.
    std::function<bool(const std::string& email)> is_active_person;
    // Fetches the member from the connector; nullopt when it could not (network, 403, 404).
    std::function<std::optional<member_info>()> fetch_member;
};

struct identity_result {
    enum class verdict {
        known,           // linked before; email is the person
        link_now,        // first time: store the link aad_object_id -> email, then proceed
        other_tenant,    // the activity's tenant is not allowed: refuse, audit, store nothing
        unknown_person,  // no person with that email/UPN (or no aadObjectId): refuse politely
        lookup_failed,   // the member could not be fetched: try again later (not a refusal)
    };
    verdict result = verdict::unknown_person;
    std::string email;  // for known / link_now
};

// Decides who sent an activity. `allowed_tenants` empty means only `own_tenant`. The tenant is
// checked before any lookup, so other tenants never cause a connector call.
identity_result resolve_identity(const std::string& tenant_id, const std::string& aad_object_id,
                                 const std::string& own_tenant,
                                 const std::vector<std::string>& allowed_tenants,
                                 const identity_lookups& lookups);

// The polite refusal (Norwegian) for other tenants and unknown people.
std::string refusal_text();

}  // namespace kv::teams
