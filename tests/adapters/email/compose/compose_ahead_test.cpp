#include "adapters/email/compose/compose_ahead.hpp"

#include <catch2/catch.hpp>

#include <regex>

#include "adapters/email/compose/compose.hpp"
#include "tests/adapters/email/mime_reader.hpp"

namespace {

using namespace kv::email;
using kv::email::testing::raw_header;

outgoing_mail numbered(int n) {
    outgoing_mail m;
    m.from = {"Kvalitetsvakt", "kvalitetsvakt@eksempel.kommune.no"};
    m.to = {"Kåre Ødegård", "kare.odegard@eksempel.kommune.no"};
    m.reply_to = {"Kvalitetsvakt",
                  "kvalitetsvakt+tok" + std::to_string(n) + "@eksempel.kommune.no"};
    m.message_id = "kv.n" + std::to_string(n) + "@eksempel.kommune.no";
    m.date = std::chrono::sys_seconds{std::chrono::seconds{1795000000}};
    m.body.title = "Påminnelse " + std::to_string(n);
    m.body.text = "Avviket venter på mottak.";
    return m;
}

// The message without its random MIME boundaries.
std::string fixed_parts(const std::string& raw) {
    static const std::regex boundary{"=_kv_[a-z0-9]+"};
    return std::regex_replace(raw, boundary, "=_kv_");
}

}  // namespace

TEST_CASE("mails composed ahead are the same bytes compose_message makes, in order",
          "[email][compose]") {
    std::vector<outgoing_mail> mails;
    for (int i = 0; i < 40; ++i) {
        mails.push_back(numbered(i));
    }
    std::vector<bool> wanted(mails.size(), true);
    wanted[7] = false;  // e.g. a row handed to another channel
    compose_ahead ahead{mails, wanted};
    for (std::size_t i = 0; i < mails.size(); ++i) {
        if (i == 7) {
            continue;
        }
        const auto c = ahead.take(i);
        REQUIRE(c.error.empty());
        CHECK(raw_header(c.raw, "Message-ID") == "<" + mails[i].message_id + ">");
        CHECK(fixed_parts(c.raw) == fixed_parts(compose_message(mails[i])));
    }
}

TEST_CASE("a mail that cannot be written is reported as invalid and the others still come",
          "[email][compose]") {
    std::vector<outgoing_mail> mails{numbered(1), numbered(2), numbered(3)};
    mails[1].to.address = "kåre@eksempel.kommune.no";  // not ASCII: no valid MIME
    compose_ahead ahead{mails, {true, true, true}};
    CHECK(ahead.take(0).error.empty());
    const auto bad = ahead.take(1);
    CHECK(bad.invalid_mail);
    CHECK_FALSE(bad.error.empty());
    CHECK(bad.raw.empty());
    CHECK(ahead.take(2).error.empty());
}

TEST_CASE("a batch left early stops composing without waiting for the rest", "[email][compose]") {
    std::vector<outgoing_mail> mails;
    for (int i = 0; i < 5000; ++i) {
        mails.push_back(numbered(i));
    }
    const auto start = std::chrono::steady_clock::now();
    {
        compose_ahead ahead{mails, std::vector<bool>(mails.size(), true)};
        CHECK(ahead.take(0).error.empty());
    }
    // Composing all 5000 takes over half a second even in a release build.
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::milliseconds{500});
}

TEST_CASE("a single mail is composed on the caller's thread", "[email][compose]") {
    std::vector<outgoing_mail> mails{numbered(5)};
    compose_ahead ahead{mails, {true}};
    CHECK(fixed_parts(ahead.take(0).raw) == fixed_parts(compose_message(mails[0])));
}
