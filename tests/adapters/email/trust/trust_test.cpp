#include <catch2/catch.hpp>

#include "adapters/email/parse/parse_message.hpp"
#include "adapters/email/trust/authentication_results.hpp"
#include "adapters/email/trust/automatic_mail.hpp"
#include "adapters/email/trust/reply_rate_limit.hpp"
#include "adapters/email/trust/sender_trust.hpp"
#include "tests/adapters/email/fixture_files.hpp"

using namespace kv::email;
using kv::email::test::read_fixture;

namespace {

parsed_message fixture(const std::string& name) {
    auto r = parse_message(read_fixture(name));
    REQUIRE(r.message);
    return *r.message;
}

parsed_message with_headers(const std::string& headers) {
    auto r = parse_message(headers +
                           "From: Per <per.hansen@eksempel.kommune.no>\n"
                           "Subject: x\nMessage-ID: <t@x>\n\nbody\n");
    REQUIRE(r.message);
    return *r.message;
}

const trust_settings ours{"mx.eksempel.kommune.no", false};

}  // namespace

TEST_CASE("Authentication-Results are parsed with comments, quotes and versions", "[email]") {
    const auto r = parse_authentication_results(
        "mx.Example.org 1; spf=pass (sender IP is 192.0.2.1; ok) smtp.mailfrom=a.example;\n"
        " dkim/1=pass header.d=a.example header.s=\"sel-1\"; dmarc=pass action=none "
        "header.from=A.example");
    REQUIRE(r);
    CHECK(r->authserv_id == "mx.example.org");
    REQUIRE(r->results.size() == 3);
    CHECK(r->results[0].method == "spf");
    CHECK(r->results[0].properties.at("smtp.mailfrom") == "a.example");
    CHECK(r->results[1].method == "dkim");
    CHECK(r->results[1].properties.at("header.s") == "sel-1");
    CHECK(r->results[2].result == "pass");
    CHECK(r->results[2].properties.at("header.from") == "A.example");

    const auto m365 = parse_authentication_results(
        "spf=pass (sender IP is 40.107.1.1) smtp.mailfrom=k.example; dkim=pass (signature was "
        "verified) header.d=k.example;dmarc=pass action=none header.from=k.example;compauth=pass "
        "reason=100");
    REQUIRE(m365);
    CHECK(m365->authserv_id.empty());
    CHECK(m365->results.size() == 4);
    CHECK_FALSE(parse_authentication_results(" ; ; "));
    CHECK(parse_authentication_results("mx.example.org; none")->results.empty());
}

TEST_CASE("only the configured authserv-id can vouch for the sender", "[email]") {
    struct row {
        const char* label;
        const char* headers;
        bool verified;
        const char* reason;
    };
    const row rows[] = {
        {"dmarc pass",
         "Authentication-Results: mx.eksempel.kommune.no; dmarc=pass "
         "header.from=eksempel.kommune.no\n",
         true, "dmarc=pass for eksempel.kommune.no"},
        {"dkim pass for a parent domain is not aligned",
         "Authentication-Results: mx.eksempel.kommune.no; dkim=pass header.d=kommune.no\n", false,
         "neither dmarc nor dkim passed for eksempel.kommune.no"},
        {"dkim pass aligned",
         "Authentication-Results: MX.eksempel.kommune.no; dkim=pass header.d=eksempel.kommune.no\n",
         true, "dkim=pass for eksempel.kommune.no"},
        {"dmarc pass for another domain",
         "Authentication-Results: mx.eksempel.kommune.no; dmarc=pass header.from=evil.example\n",
         false, "neither dmarc nor dkim passed for eksempel.kommune.no"},
        {"dmarc fail outweighs dkim",
         "Authentication-Results: mx.eksempel.kommune.no; dkim=pass header.d=eksempel.kommune.no; "
         "dmarc=fail header.from=eksempel.kommune.no\n",
         false, "dmarc=fail for eksempel.kommune.no"},
        {"spf alone is not enough",
         "Authentication-Results: mx.eksempel.kommune.no; spf=pass "
         "smtp.mailfrom=eksempel.kommune.no\n",
         false, "neither dmarc nor dkim passed for eksempel.kommune.no"},
        {"another server's pass is ignored",
         "Authentication-Results: mx.attacker.example; dmarc=pass "
         "header.from=eksempel.kommune.no\n",
         false, "no Authentication-Results from mx.eksempel.kommune.no"},
        {"only the topmost of ours counts",
         "Authentication-Results: mx.eksempel.kommune.no; dmarc=fail "
         "header.from=eksempel.kommune.no\n"
         "Authentication-Results: mx.eksempel.kommune.no; dmarc=pass "
         "header.from=eksempel.kommune.no\n",
         false, "dmarc=fail for eksempel.kommune.no"},
        {"the Microsoft stamp is ignored unless configured",
         "X-MS-Exchange-Organization-AuthAs: Internal\n", false,
         "no Authentication-Results from mx.eksempel.kommune.no"},
    };
    for (const auto& r : rows) {
        CAPTURE(r.label);
        const auto v = verify_sender(with_headers(r.headers), ours);
        CHECK(v.verified == r.verified);
        CHECK(v.reason == r.reason);
    }
    CHECK(verify_sender(fixture("reply-outlook-desktop-nb.eml"), ours).verified);
    CHECK_FALSE(verify_sender(fixture("reply-forged-from.eml"), ours).verified);
    CHECK_FALSE(verify_sender(fixture("reply-outlook-desktop-nb.eml"), trust_settings{}).verified);
}

TEST_CASE("the Microsoft 365 internal stamp counts only when the configuration trusts it",
          "[email]") {
    const trust_settings m365{"", true};
    const auto internal =
        verify_sender(with_headers("X-MS-Exchange-Organization-AuthAs: Internal\n"), m365);
    CHECK(internal.verified);
    CHECK(internal.reason == "Microsoft 365 internal sender");
    CHECK_FALSE(verify_sender(with_headers("X-MS-Exchange-Organization-AuthAs: Anonymous\n"), m365)
                    .verified);
}

TEST_CASE("auto-replies and bounces are recognised by their headers and subjects", "[email]") {
    struct row {
        const char* label;
        const char* headers;
        automatic_kind kind;
        const char* reason;
    };
    const row rows[] = {
        {"a person's mail", "", automatic_kind::none, ""},
        {"auto-submitted no", "Auto-Submitted: no\n", automatic_kind::none, ""},
        {"auto-generated", "Auto-Submitted: auto-generated\n", automatic_kind::auto_reply,
         "Auto-Submitted: auto-generated"},
        {"x-autoreply", "X-Autoreply: yes\n", automatic_kind::auto_reply, "X-Autoreply header"},
        {"precedence", "Precedence: bulk\n", automatic_kind::auto_reply, "Precedence: bulk"},
        {"list", "List-Id: <x.example>\n", automatic_kind::auto_reply, "List-Id header"},
        {"empty return path", "Return-Path: <>\n", automatic_kind::bounce, "Return-Path: <>"},
        {"read receipt",
         "MIME-Version: 1.0\nContent-Type: multipart/report; report-type=disposition-notification; "
         "boundary=b\n",
         automatic_kind::auto_reply, "multipart/report disposition-notification"},
    };
    for (const auto& r : rows) {
        CAPTURE(r.label);
        const auto v = classify_automatic(with_headers(r.headers), {});
        CHECK(v.kind == r.kind);
        CHECK(v.reason == r.reason);
    }
    CHECK(classify_automatic(fixture("autoreply-outlook-nb.eml"), {}).kind ==
          automatic_kind::auto_reply);
    const auto ooo = classify_automatic(fixture("autoreply-subject-only-en.eml"), {});
    CHECK(ooo.kind == automatic_kind::auto_reply);
    CHECK(ooo.reason == "subject starts with \"out of office\"");
    CHECK(classify_automatic(fixture("bounce-dsn.eml"), {}).kind == automatic_kind::bounce);
    CHECK(classify_automatic(fixture("reply-outlook-desktop-nb.eml"), {}).kind ==
          automatic_kind::none);
    automatic_settings own;
    own.own_addresses = {"per.hansen@eksempel.kommune.no"};
    CHECK(classify_automatic(with_headers(""), own).reason == "From our own address");
    own.extra_auto_reply_subjects = {"Borte:"};
    auto m = with_headers("");
    m.subject = "[EKSTERN] Borte: til mandag";
    own.own_addresses.clear();
    CHECK(classify_automatic(m, own).kind == automatic_kind::auto_reply);
}

TEST_CASE("a bounce names the failed address and our returned message", "[email]") {
    const auto b = read_bounce(fixture("bounce-dsn.eml"));
    REQUIRE(b.failed_recipients.size() == 1);
    CHECK(b.failed_recipients[0] == "tidligere.ansatt@eksempel.kommune.no");
    CHECK(b.original_message_id == "av.k7q2mx9ftzab4ceq.1@kvalitetsvakt.eksempel.kommune.no");
    CHECK(b.status == "5.1.1");
}

TEST_CASE("answers to one sender are limited within a sliding window", "[email]") {
    using std::chrono::seconds;
    const std::chrono::sys_seconds now{seconds{1'800'000'000}};
    const reply_rate_limit limit{3, seconds{3600}};
    CHECK(may_answer({}, now, limit));
    CHECK(may_answer({now - seconds{10}, now - seconds{20}}, now, limit));
    CHECK_FALSE(may_answer({now - seconds{10}, now - seconds{20}, now - seconds{30}}, now, limit));
    CHECK(may_answer({now - seconds{3600}, now - seconds{4000}, now - seconds{30}}, now, limit));
}
