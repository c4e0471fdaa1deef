// XOAUTH2 with a token file kept fresh outside the daemon, against the loopback SMTP server that
// accepts one bearer token ($SMTP_XOAUTH2_TOKEN).

#include <catch2/catch.hpp>

#include <fstream>

#include "adapters/email/compose/compose.hpp"
#include "adapters/email/smtp/smtp_client.hpp"
#include "tests/daemon/config/temp_dir.hpp"
#include "tests/support/smtp_sink_process.hpp"

namespace {

using namespace kv::email;
using kv::daemon::testing::temp_dir;
using kv::testing::smtp_sink_process;
using outcome = send_result::outcome;

void replace_file(const std::filesystem::path& p, const std::string& text) {
    const auto tmp = p.string() + ".new";
    std::ofstream(tmp, std::ios::binary | std::ios::trunc) << text;
    std::filesystem::rename(tmp, p);
}

std::string message(int n) {
    outgoing_mail m;
    m.from = {"Kvalitetsvakt", "kvalitetsvakt@eksempel.kommune.no"};
    m.to = {"Per Hansen", "per.hansen@eksempel.kommune.no"};
    m.reply_to = m.from;
    m.message_id = "kv." + std::to_string(n) + ".token@eksempel.kommune.no";
    m.date = std::chrono::sys_seconds{std::chrono::seconds{1'790'000'000}};
    m.kind = "reminder";
    m.body.title = "Påminnelse " + std::to_string(n);
    m.body.text = "Fristen nærmer seg.";
    return compose_message(m);
}

const envelope to_per{"kvalitetsvakt@eksempel.kommune.no", "per.hansen@eksempel.kommune.no"};

}  // namespace

TEST_CASE("each connection logs in with the token the file holds at that moment", "[email][smtp]") {
    temp_dir dir;
    const auto token_path = dir.path() / "token";
    smtp_sink_process sink("starttls",
                           {{"SMTP_AUTH_REQUIRED", "1"}, {"SMTP_XOAUTH2_TOKEN", "fresh-token"}});
    smtp_settings s;
    s.url = sink.url();
    s.ca_file = sink.cert();
    s.username = "bot@example.test";
    s.login_options = "AUTH=XOAUTH2";
    s.xoauth2_token_file = token_path;
    smtp_client client(s);

    // No token yet: nothing is sent, and the error names the file.
    const auto no_file = client.send(to_per, message(1));
    CHECK(no_file.result == outcome::transient);
    CHECK(no_file.error == "XOAUTH2 token file " + token_path.string() +
                               ": cannot be read (missing or no permission)");
    CHECK(client.connections_opened() == 0);

    // An expired token is refused by the server.
    replace_file(token_path, "expired-token\n");
    CHECK(client.send(to_per, message(2)).result == outcome::refused_login);
    CHECK(sink.messages().empty());

    // The helper writes the new token: the same client picks it up on its next connection.
    replace_file(token_path, "fresh-token\n");
    const auto sent = client.send(to_per, message(3));
    CHECK(sent.error == "");
    CHECK(sent.ok());
    REQUIRE(sink.wait_for(1).size() == 1);

    // Unchanged file: the open, authenticated connection is reused.
    const auto before = client.connections_opened();
    CHECK(client.send(to_per, message(4)).ok());
    CHECK(client.connections_opened() == before);
    CHECK(sink.wait_for(2).size() == 2);

    // The file goes away (a broken helper): mail waits instead of going out with a stale token.
    std::filesystem::remove(token_path);
    CHECK(client.send(to_per, message(5)).result == outcome::transient);
    CHECK(sink.messages().size() == 2);
}
