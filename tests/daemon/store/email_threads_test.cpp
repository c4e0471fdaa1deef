#include "daemon/store/email_threads.hpp"

#include <catch2/catch.hpp>

#include "daemon/store/email_links.hpp"
#include "tests/daemon/store/store_fixture.hpp"

using namespace kv::daemon;
using namespace kv::daemon::test;

TEST_CASE("email threads are found by token and by Message-ID, and survive a reopen", "[store]") {
    temp_folder tmp;
    const auto path = tmp.path() / "kv.db";
    {
        store s{{path}};
        record_email_thread(s.db(), {"tok1", "kari@k.no", "AV-2026-0001", "m1@kv.k.no", t0});
        record_email_thread(s.db(), {"tok1", "kari@k.no", "AV-2026-0001", "m2@kv.k.no", t0 + 60s});
        record_email_thread(s.db(), {"tok2", "per@k.no", "AV-2026-0001", "m3@kv.k.no", t0 + 120s});
    }
    store s{{path}};
    const auto by_token = find_email_thread_by_token(s.db(), "tok1");
    REQUIRE(by_token);
    CHECK(by_token->message_id == "m2@kv.k.no");
    CHECK(by_token->recipient_email == "kari@k.no");
    CHECK(by_token->subject_key == "AV-2026-0001");
    CHECK(by_token->sent_at == t0 + 60s);
    const auto by_id = find_email_thread_by_message_id(s.db(), "m3@kv.k.no");
    REQUIRE(by_id);
    CHECK(by_id->token == "tok2");
    CHECK_FALSE(find_email_thread_by_token(s.db(), "nope"));
    CHECK_FALSE(find_email_thread_by_message_id(s.db(), "nope@kv.k.no"));

    const auto about = email_threads_about(s.db(), "kari@k.no", "AV-2026-0001");
    REQUIRE(about.size() == 2);
    CHECK(about[0].message_id == "m1@kv.k.no");
    CHECK(about[1].message_id == "m2@kv.k.no");
    CHECK(email_threads_about(s.db(), "kari@k.no", "AV-2026-0002").empty());
}

TEST_CASE("recording the same Message-ID again replaces its row", "[store]") {
    temp_folder tmp;
    store s{{tmp.path() / "kv.db"}};
    record_email_thread(s.db(), {"tok1", "kari@k.no", "AV-2026-0001", "m1@kv.k.no", t0});
    record_email_thread(s.db(), {"tok1", "kari@k.no", "AV-2026-0001", "m1@kv.k.no", t0 + 300s});
    const auto about = email_threads_about(s.db(), "kari@k.no", "AV-2026-0001");
    REQUIRE(about.size() == 1);
    CHECK(about[0].sent_at == t0 + 300s);
}

TEST_CASE("an email link is stored once and can be marked used only once", "[store]") {
    temp_folder tmp;
    const auto path = tmp.path() / "kv.db";
    email_link link{"abc234",
                    "case.close",
                    "AV-2026-0001",
                    {{"case", "AV-2026-0001"}, {"note", "linje 1\nlinje 2 «æøå»"}},
                    "kari@k.no",
                    t0 + std::chrono::days{14},
                    t0,
                    std::nullopt};
    {
        store s{{path}};
        CHECK(record_email_link(s.db(), link));
        auto changed = link;
        changed.verb = "case.receive";
        CHECK_FALSE(record_email_link(s.db(), changed));  // the first grant stays
    }
    store s{{path}};
    auto found = find_email_link(s.db(), "abc234");
    REQUIRE(found);
    CHECK(found->verb == "case.close");
    CHECK(found->target == "AV-2026-0001");
    CHECK(found->data == link.data);
    CHECK(found->person_email == "kari@k.no");
    CHECK(found->expires_at == link.expires_at);
    CHECK(found->created_at == t0);
    CHECK_FALSE(found->used_at);

    CHECK(mark_email_link_used(s.db(), "abc234", t0 + 10s));
    CHECK_FALSE(mark_email_link_used(s.db(), "abc234", t0 + 20s));
    found = find_email_link(s.db(), "abc234");
    REQUIRE(found->used_at);
    CHECK(*found->used_at == t0 + 10s);
    CHECK_FALSE(find_email_link(s.db(), "zzz"));
    CHECK_FALSE(mark_email_link_used(s.db(), "zzz", t0));
}
