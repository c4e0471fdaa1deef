#include "adapters/teams/identity.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <set>

using namespace kv::teams;
using verdict = identity_result::verdict;

namespace {

struct world {
    std::map<std::string, std::string> links;
    std::set<std::string> people{"kari.nordmann@kommune.no", "ola@kommune.no"};
    std::optional<member_info> member;
    int member_fetches = 0;

    identity_lookups lookups() {
        identity_lookups l;
        l.linked_email = [this](const std::string& aad) -> std::optional<std::string> {
            const auto it = links.find(aad);
            return it == links.end() ? std::nullopt : std::optional<std::string>(it->second);
        };
        l.is_active_person = [this](const std::string& e) { return people.count(e) > 0; };
        l.fetch_member = [this] {
            ++member_fetches;
            return member;
        };
        return l;
    }
};

}  // namespace

TEST_CASE("a linked aadObjectId is the person, without asking the connector", "[teams][identity]") {
    world w;
    w.links["aad-1"] = "kari.nordmann@kommune.no";
    const auto r = resolve_identity("T1", "aad-1", "t1", {}, w.lookups());
    CHECK(r.result == verdict::known);
    CHECK(r.email == "kari.nordmann@kommune.no");
    CHECK(w.member_fetches == 0);
}

TEST_CASE("the first time, the member's email or UPN links the person", "[teams][identity]") {
    world w;
    SECTION("by email, folded to lower case") {
        w.member =
            member_info{"aad-1", "Kari.Nordmann@Kommune.no", "kn@kommune.onmicrosoft.com", "t1"};
        const auto r = resolve_identity("t1", "aad-1", "t1", {}, w.lookups());
        CHECK(r.result == verdict::link_now);
        CHECK(r.email == "kari.nordmann@kommune.no");
    }
    SECTION("by UPN when the email is unknown") {
        w.member = member_info{"aad-1", "", "OLA@kommune.no", ""};
        const auto r = resolve_identity("t1", "aad-1", "t1", {}, w.lookups());
        CHECK(r.result == verdict::link_now);
        CHECK(r.email == "ola@kommune.no");
    }
    CHECK(w.member_fetches == 1);
}

TEST_CASE("other tenants, unknown people and failed lookups are refused or deferred",
          "[teams][identity]") {
    world w;
    w.member = member_info{"aad-1", "stranger@other.no", "", "t1"};
    SECTION("other tenant: refused before any lookup") {
        CHECK(resolve_identity("evil", "aad-1", "t1", {}, w.lookups()).result ==
              verdict::other_tenant);
        CHECK(w.member_fetches == 0);
    }
    SECTION("missing tenant") {
        CHECK(resolve_identity("", "aad-1", "t1", {}, w.lookups()).result == verdict::other_tenant);
    }
    SECTION("allowed_tenants replaces the own tenant") {
        CHECK(resolve_identity("t1", "aad-1", "t1", {"t2"}, w.lookups()).result ==
              verdict::other_tenant);
        w.member->email = "ola@kommune.no";
        w.member->tenant_id = "t2";
        CHECK(resolve_identity("T2", "aad-1", "t1", {"t2"}, w.lookups()).result ==
              verdict::link_now);
    }
    SECTION("unknown email") {
        CHECK(resolve_identity("t1", "aad-1", "t1", {}, w.lookups()).result ==
              verdict::unknown_person);
    }
    SECTION("no aadObjectId (anonymous)") {
        CHECK(resolve_identity("t1", "", "t1", {}, w.lookups()).result == verdict::unknown_person);
        CHECK(w.member_fetches == 0);
    }
    SECTION("member answered for another object id") {
        w.member = member_info{"aad-2", "ola@kommune.no", "", "t1"};
        CHECK(resolve_identity("t1", "aad-1", "t1", {}, w.lookups()).result ==
              verdict::unknown_person);
    }
    SECTION("linked person no longer active") {
        w.links["aad-1"] = "gone@kommune.no";
        CHECK(resolve_identity("t1", "aad-1", "t1", {}, w.lookups()).result ==
              verdict::unknown_person);
    }
    SECTION("connector unreachable") {
        w.member.reset();
        CHECK(resolve_identity("t1", "aad-1", "t1", {}, w.lookups()).result ==
              verdict::lookup_failed);
    }
    CHECK(refusal_text().find("Beklager") == 0);
}
