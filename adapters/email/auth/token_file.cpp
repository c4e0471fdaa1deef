#include "adapters/email/auth/token_file.hpp"

#include <sys/stat.h>

#include <fstream>
#include <iterator>

namespace kv::email {
namespace {

constexpr std::uintmax_t max_token_bytes = 64 * 1024;

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

}  // namespace

token_file::token_file(std::filesystem::path path) : path_(std::move(path)) {}

bearer_token token_file::current() {
    const std::string where = "XOAUTH2 token file " + path_.string();
    struct ::stat st {};
    if (::stat(path_.c_str(), &st) != 0) {
        have_ = false;
        return {{}, where + ": cannot be read (missing or no permission)"};
    }
    const stamp now{
        static_cast<std::uintmax_t>(st.st_dev), static_cast<std::uintmax_t>(st.st_ino),
        static_cast<std::uintmax_t>(st.st_size),
        static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec};
    if (have_ && now == seen_) {
        return last_;
    }
    if (now.size > max_token_bytes) {
        have_ = false;
        return {{}, where + ": larger than 64 KiB, not a token"};
    }
    std::ifstream in(path_, std::ios::binary);
    if (!in) {
        have_ = false;
        return {{}, where + ": cannot be read (missing or no permission)"};
    }
    std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    const auto begin = text.find_first_not_of(" \t\r\n");
    const auto end = text.find_last_not_of(" \t\r\n");
    bearer_token result;
    if (begin == std::string::npos) {
        result.error = where + ": empty";
    } else {
        result.token = text.substr(begin, end - begin + 1);
        for (const char c : result.token) {
            if (is_space(c) || static_cast<unsigned char>(c) < 0x20 || c == '\x7f') {
                result = {{}, where + ": holds more than one word; expected one token"};
                break;
            }
        }
    }
    // A file caught half-written is read again next time, whatever its stamp.
    have_ = result.ok();
    seen_ = now;
    last_ = result;
    return result;
}

}  // namespace kv::email
