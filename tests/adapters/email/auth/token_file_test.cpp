#include "adapters/email/auth/token_file.hpp"

#include <catch2/catch.hpp>

#include <fstream>

#include "tests/daemon/config/temp_dir.hpp"

namespace {

using kv::daemon::testing::temp_dir;
using kv::email::token_file;

// As a token helper should: a new file renamed over the old one.
void replace_file(const std::filesystem::path& p, const std::string& text) {
    const auto tmp = p.string() + ".new";
    std::ofstream(tmp, std::ios::binary | std::ios::trunc) << text;
    std::filesystem::rename(tmp, p);
}

// As a careless one might: the same file rewritten in place.
void rewrite_in_place(const std::filesystem::path& p, const std::string& text) {
    std::ofstream(p, std::ios::binary | std::ios::trunc) << text;
}

}  // namespace

TEST_CASE("the token is read from the file, and again each time the file changes",
          "[email][auth]") {
    temp_dir dir;
    const auto path = dir.path() / "token";
    token_file tokens{path};

    const auto missing = tokens.current();
    CHECK_FALSE(missing.ok());
    CHECK(missing.token.empty());
    CHECK(missing.error ==
          "XOAUTH2 token file " + path.string() + ": cannot be read (missing or no permission)");

    replace_file(path, "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.first\n");
    CHECK(tokens.current().token == "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.first");
    CHECK(tokens.current().token == "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.first");

    replace_file(path, "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.second");
    CHECK(tokens.current().token == "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.second");

    // Same size, same inode: only the modification time tells the change.
    rewrite_in_place(path, "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.thirds");
    CHECK(tokens.current().token == "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.thirds");

    std::filesystem::remove(path);
    CHECK(tokens.current().error ==
          "XOAUTH2 token file " + path.string() + ": cannot be read (missing or no permission)");
}

TEST_CASE("a file that holds no usable token is an error that never shows its content",
          "[email][auth]") {
    struct row {
        const char* label;
        std::string content;
        const char* error;
    };
    const row rows[] = {
        {"empty", "", ": empty"},
        {"only white space", " \r\n\t\n", ": empty"},
        {"two words", "Bearer secret-token\n", ": holds more than one word; expected one token"},
        {"a control character", std::string("secret\x01token"),
         ": holds more than one word; expected one token"},
        {"too large", std::string(70 * 1024, 'a'), ": larger than 64 KiB, not a token"},
    };
    for (const auto& r : rows) {
        CAPTURE(r.label);
        temp_dir dir;
        const auto path = dir.path() / "token";
        replace_file(path, r.content);
        token_file tokens{path};
        const auto got = tokens.current();
        CHECK(got.error == "XOAUTH2 token file " + path.string() + r.error);
        CHECK(got.token.empty());
        CHECK(got.error.find("secret") == std::string::npos);
        // Fixed by the helper: the next connection gets the token.
        replace_file(path, "good-token");
        CHECK(tokens.current().token == "good-token");
    }
}
