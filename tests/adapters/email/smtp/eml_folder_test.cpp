#include "adapters/email/smtp/eml_folder.hpp"

#include <catch2/catch.hpp>

#include <sys/stat.h>

#include "tests/support/smtp_sink_process.hpp"

namespace {
namespace fs = std::filesystem;
}

TEST_CASE("without an SMTP server each message becomes one complete .eml file", "[email][smtp]") {
    const fs::path dir = fs::temp_directory_path() / ("kv-eml-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    kv::email::eml_folder folder(dir / "var" / "mail" / "outbox");
    const std::string message = "Subject: =?UTF-8?Q?P=C3=A5minnelse?=\r\n\r\nHei\r\n";
    for (int i = 0; i < 3; ++i) {
        CHECK(folder.send({"kv@eksempel.no", "kari+x/../y@eksempel.no"}, message).ok());
    }
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(dir / "var" / "mail" / "outbox")) {
        files.push_back(e.path());
    }
    REQUIRE(files.size() == 3);
    for (const auto& f : files) {
        CAPTURE(f);
        CHECK(f.extension() == ".eml");
        CHECK(f.filename().string().find("..") == std::string::npos);
        CHECK(kv::testing::read_file(f) == message);
    }
    fs::remove_all(dir);
}

TEST_CASE("a folder that cannot be created is reported, not thrown", "[email][smtp]") {
    kv::email::eml_folder folder("/proc/kv-cannot-exist/outbox");
    const auto r = folder.send({"kv@eksempel.no", "kari@eksempel.no"}, "x\r\n");
    CHECK(r.result == kv::email::send_result::outcome::unusable);
    CHECK_THAT(r.error, Catch::StartsWith("cannot create /proc/kv-cannot-exist/outbox"));
}
