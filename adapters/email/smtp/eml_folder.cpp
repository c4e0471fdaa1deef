#include "adapters/email/smtp/eml_folder.hpp"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <system_error>

namespace kv::email {
namespace {

// Keeps file names portable: the recipient's address with anything unusual replaced.
std::string safe_name(std::string_view text) {
    std::string out;
    for (const char c : text.substr(0, 64)) {
        const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                           (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_' || c == '@';
        out += plain && !(c == '.' && !out.empty() && out.back() == '.') ? c : '_';
    }
    return out;
}

}  // namespace

eml_folder::eml_folder(std::filesystem::path folder) : folder_(std::move(folder)) {}

send_result eml_folder::send(const envelope& env, std::string_view message) {
    namespace fs = std::filesystem;
    using o = send_result::outcome;
    std::error_code ec;
    fs::create_directories(folder_, ec);
    if (ec) {
        return {o::unusable, 0, "cannot create " + folder_.string() + ": " + ec.message()};
    }
    const auto now =
        std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
    const auto ms = now.time_since_epoch().count();
    const std::string stem =
        std::to_string(ms) + "-" + std::to_string(counter_++) + "-" + safe_name(env.rcpt_to);
    const fs::path final_path = folder_ / (stem + ".eml");
    const fs::path temp_path = folder_ / ("." + stem + ".tmp");
    {
        std::ofstream out(temp_path, std::ios::binary | std::ios::trunc);
        out.write(message.data(), static_cast<std::streamsize>(message.size()));
        out.flush();
        if (!out) {
            out.close();
            fs::remove(temp_path, ec);
            return {o::unusable, 0, "cannot write " + temp_path.string()};
        }
    }
    fs::rename(temp_path, final_path, ec);
    if (ec) {
        fs::remove(temp_path, ec);
        return {o::unusable, 0, "cannot rename into " + final_path.string()};
    }
    return {};
}

}  // namespace kv::email
