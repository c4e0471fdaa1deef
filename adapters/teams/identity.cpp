#include "adapters/teams/identity.hpp"

#include <algorithm>

namespace kv::teams {
namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) {
        return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    });
    return s;
}

bool tenant_allowed(const std::string& tenant, const std::string& own,
                    const std::vector<std::string>& allowed) {
    if (tenant.empty()) {
        return false;
    }
    const std::string t = lower(tenant);
    if (allowed.empty()) {
        return !own.empty() && t == lower(own);
    }
    return std::any_of(allowed.begin(), allowed.end(),
                       [&t](const std::string& a) { return lower(a) == t; });
}

}  // namespace

identity_result resolve_identity(const std::string& tenant_id, const std::string& aad_object_id,
                                 const std::string& own_tenant,
                                 const std::vector<std::string>& allowed_tenants,
                                 const identity_lookups& lookups) {
    using verdict = identity_result::verdict;
    if (!tenant_allowed(tenant_id, own_tenant, allowed_tenants)) {
        return {verdict::other_tenant, {}};
    }
    if (aad_object_id.empty()) {
        return {verdict::unknown_person, {}};  // anonymous or guest without an Entra object id
    }
    if (const auto email = lookups.linked_email(aad_object_id)) {
        if (lookups.is_active_person(*email)) {
            return {verdict::known, *email};
        }
        return {verdict::unknown_person, {}};
    }
    const auto member = lookups.fetch_member();
    if (!member) {
        return {verdict::lookup_failed, {}};
    }
    if (!member->aad_object_id.empty() && lower(member->aad_object_id) != lower(aad_object_id)) {
        return {verdict::unknown_person, {}};  // the connector answered for someone else
    }
    if (!member->tenant_id.empty() &&
        !tenant_allowed(member->tenant_id, own_tenant, allowed_tenants)) {
        return {verdict::other_tenant, {}};
    }
    for (const auto& candidate : {member->email, member->user_principal_name}) {
        const std::string e = lower(candidate);
        if (!e.empty() && lookups.is_active_person(e)) {
            return {verdict::link_now, e};
        }
    }
    return {verdict::unknown_person, {}};
}

std::string refusal_text() {
    return "Beklager, jeg finner deg ikke blant de ansatte i kommunen, så jeg kan ikke hjelpe deg "
           "her. Ta kontakt med lederen din eller kvalitetskoordinatoren hvis du mener dette er "
           "feil.";
}

}  // namespace kv::teams
