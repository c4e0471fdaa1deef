// `kvalitetsvakt teams manifest --out FILE.zip`: the Teams app package (reference section 6):
// manifest.json (schema 1.17), color.png (192 x 192) and outline.png (32 x 32, white on
// transparent), zipped at the root. The icons are drawn here, so the package needs no files
// beside the binary.

#include <zip.h>
#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bot/dialog/commands.hpp"
#include "daemon/app/commands.hpp"

namespace kv::daemon {
namespace {

using json = nlohmann::json;

constexpr std::string_view manifest_version = "1.17";
constexpr std::size_t max_commands = 10;  // schema: commandLists[].commands maxItems

struct rgba {
    std::uint8_t r, g, b, a;
};

void put_u32(std::string& out, std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) {
        out += static_cast<char>((v >> shift) & 0xFF);
    }
}

void put_chunk(std::string& png, std::string_view type, const std::string& data) {
    put_u32(png, static_cast<std::uint32_t>(data.size()));
    const std::string typed = std::string(type) + data;
    png += typed;
    const auto crc =
        crc32(0L, reinterpret_cast<const Bytef*>(typed.data()), static_cast<uInt>(typed.size()));
    put_u32(png, static_cast<std::uint32_t>(crc));
}

// An 8-bit RGBA PNG of size x size pixels from `pixel(x, y)`.
template <typename Paint>
std::string png(unsigned size, Paint pixel) {
    std::string raw;
    raw.reserve(static_cast<std::size_t>(size) * (size * 4 + 1));
    for (unsigned y = 0; y < size; ++y) {
        raw += '\0';  // filter: none
        for (unsigned x = 0; x < size; ++x) {
            const rgba p = pixel(x, y);
            raw += static_cast<char>(p.r);
            raw += static_cast<char>(p.g);
            raw += static_cast<char>(p.b);
            raw += static_cast<char>(p.a);
        }
    }
    uLongf packed_size = compressBound(static_cast<uLong>(raw.size()));
    std::string packed(packed_size, '\0');
    if (compress2(reinterpret_cast<Bytef*>(packed.data()), &packed_size,
                  reinterpret_cast<const Bytef*>(raw.data()), static_cast<uLong>(raw.size()),
                  Z_BEST_COMPRESSION) != Z_OK) {
        throw std::runtime_error("zlib could not compress an icon");
    }
    packed.resize(packed_size);
    std::string out("\x89PNG\r\n\x1a\n", 8);
    std::string header;
    put_u32(header, size);
    put_u32(header, size);
    header += std::string("\x08\x06\x00\x00\x00", 5);  // 8 bits, RGBA, deflate, no interlace
    put_chunk(out, "IHDR", header);
    put_chunk(out, "IDAT", packed);
    put_chunk(out, "IEND", {});
    return out;
}

// Distance from (px, py) to the check mark, in units of the icon's side.
double distance_to_check(double px, double py) {
    constexpr double pts[3][2] = {{0.24, 0.52}, {0.42, 0.70}, {0.76, 0.32}};
    double best = 1e9;
    for (int i = 0; i < 2; ++i) {
        const double ax = pts[i][0], ay = pts[i][1], bx = pts[i + 1][0], by = pts[i + 1][1];
        const double dx = bx - ax, dy = by - ay;
        const double t =
            std::clamp(((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy), 0.0, 1.0);
        best = std::min(best, std::hypot(px - (ax + t * dx), py - (ay + t * dy)));
    }
    return best;
}

std::string color_icon() {
    constexpr unsigned size = 192;
    return png(size, [](unsigned x, unsigned y) {
        const double d = distance_to_check((x + 0.5) / size, (y + 0.5) / size);
        return d < 0.07 ? rgba{255, 255, 255, 255} : rgba{0x1F, 0x6F, 0xB2, 255};
    });
}

std::string outline_icon() {
    constexpr unsigned size = 32;
    return png(size, [](unsigned x, unsigned y) {
        const double d = distance_to_check((x + 0.5) / size, (y + 0.5) / size);
        return d < 0.06 ? rgba{255, 255, 255, 255} : rgba{0, 0, 0, 0};
    });
}

// The UTF-8 text cut to at most `max_chars` characters (code points).
std::string cut(const std::string& text, std::size_t max_chars) {
    std::size_t chars = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80 && chars++ == max_chars) {
            return text.substr(0, i);
        }
    }
    return text;
}

json command_list() {
    json commands = json::array();
    for (const auto& c : bot::command_specs()) {
        if (commands.size() == max_commands) {
            break;
        }
        std::string help(c.help_nb);
        if (!help.empty()) {
            help[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(help[0])));
        }
        commands.push_back(
            {{"title", cut(std::string(c.words_nb.front()), 32)},
             {"description", cut(help + ". Skriv: " + std::string(c.usage_nb), 128)}});
    }
    return commands;
}

}  // namespace

std::string teams_manifest_json(const loaded_config& c) {
    const teams_settings& t = c.cfg.teams;
    const std::string site = "https://" + t.app_domain + "/";
    json domains = json::array();
    if (!t.app_domain.empty()) {
        domains.push_back(t.app_domain);
    }
    const json scopes = json::array({"personal", "team", "groupChat"});
    json m = {
        {"$schema", "https://developer.microsoft.com/json-schemas/teams/v" +
                        std::string(manifest_version) + "/MicrosoftTeams.schema.json"},
        {"manifestVersion", manifest_version},
        {"version", t.package_version},
        {"id", t.app_id},
        {"developer",
         {{"name", cut(c.org.name.empty() ? std::string("Kommunen") : c.org.name, 32)},
          {"websiteUrl", site},
          {"privacyUrl", site + "personvern"},
          {"termsOfUseUrl", site + "vilkar"}}},
        {"name",
         {{"short", "Kvalitetsvakt"}, {"full", "Kvalitetsvakt – avvik og kvalitetsarbeid"}}},
        {"description",
         {{"short", "Meld avvik, følg dem opp og få påminnelser"},
          {"full",
           "Kvalitetsvakt hjelper deg med kommunens kvalitetssystem: meld avvik ved å chatte eller "
           "fylle ut et skjema, følg saken til den er lukket, og få påminnelser om frister, "
           "gjennomganger og møter i kvalitetsutvalget. Ledere mottar, risikovurderer og lukker "
           "saker med knapper i kortene."}}},
        {"icons", {{"color", "color.png"}, {"outline", "outline.png"}}},
        {"accentColor", "#1F6FB2"},
        {"bots", json::array({{{"botId", t.app_id},
                               {"scopes", scopes},
                               {"supportsFiles", false},
                               {"isNotificationOnly", false},
                               {"commandLists", json::array({{{"scopes", json::array({"personal"})},
                                                              {"commands", command_list()}}})}}})},
        {"permissions", json::array({"identity", "messageTeamMembers"})},
        {"validDomains", domains}};
    return m.dump(2) + "\n";
}

int run_teams_manifest(const loaded_config& c, const std::string& out_file, std::ostream& out,
                       std::ostream& err) {
    const teams_settings& t = c.cfg.teams;
    std::vector<std::string> missing;
    if (t.app_id.empty()) {
        missing.emplace_back("teams.app_id");
    }
    if (t.app_domain.empty()) {
        missing.emplace_back("teams.app_domain");
    }
    if (!missing.empty()) {
        for (const auto& key : missing) {
            err << "kvalitetsvakt: " << key << ": required for the app package\n";
        }
        return exit_usage;
    }
    const std::vector<std::pair<std::string, std::string>> files{
        {"manifest.json", teams_manifest_json(c)},
        {"color.png", color_icon()},
        {"outline.png", outline_icon()}};

    // libzip writes to a temporary file and renames it over `out_file` in zip_close, so a failure
    // never leaves a half-written package.
    int error_code = 0;
    zip_t* archive = zip_open(out_file.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error_code);
    if (archive == nullptr) {
        zip_error_t e;
        zip_error_init_with_code(&e, error_code);
        err << "kvalitetsvakt: " << out_file << ": " << zip_error_strerror(&e) << "\n";
        zip_error_fini(&e);
        return exit_failure;
    }
    for (const auto& [name, content] : files) {
        zip_source_t* source = zip_source_buffer(archive, content.data(), content.size(), 0);
        if (source == nullptr ||
            zip_file_add(archive, name.c_str(), source, ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE) < 0) {
            if (source != nullptr) {
                zip_source_free(source);
            }
            err << "kvalitetsvakt: " << out_file << ": " << zip_strerror(archive) << "\n";
            zip_discard(archive);
            return exit_failure;
        }
    }
    if (zip_close(archive) != 0) {
        err << "kvalitetsvakt: " << out_file << ": " << zip_strerror(archive) << "\n";
        zip_discard(archive);
        return exit_failure;
    }
    out << "wrote " << out_file << " (manifest.json, color.png, outline.png) for app " << t.app_id
        << "\n";
    return exit_ok;
}

}  // namespace kv::daemon
