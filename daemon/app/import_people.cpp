#include <fstream>
#include <ostream>
#include <set>
#include <sstream>

#include "daemon/app/commands.hpp"
#include "daemon/config/people_csv.hpp"

namespace kv::daemon {

int run_import_people(app& a, const std::string& file, std::ostream& out, std::ostream& err) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        err << "error: cannot read " << file << "\n";
        return exit_usage;
    }
    std::stringstream text;
    text << in.rdbuf();
    std::set<std::string> units;
    a.db->with_read([&](const bot::directory& dir, const bot::repository&) {
        for (const auto& u : dir.all_units()) {
            units.insert(u.id);
        }
    });
    const auto parsed = parse_people_csv(text.str(), units);
    if (!parsed.errors.empty()) {
        for (const auto& e : parsed.errors) {
            err << file << ": " << e.to_string() << "\n";
        }
        err << "nothing imported\n";
        return exit_usage;
    }
    const auto report = a.db->import_people(parsed.people, now_seconds());
    if (!report.errors.empty()) {
        for (const auto& e : report.errors) {
            err << file << ": " << e << "\n";
        }
        err << "nothing imported\n";
        return exit_usage;
    }
    for (const auto& e : report.added) {
        out << "added " << e << "\n";
    }
    for (const auto& e : report.changed) {
        out << "changed " << e << "\n";
    }
    out << report.added.size() << " added, " << report.changed.size() << " changed, "
        << report.unchanged.size() << " unchanged\n";
    return exit_ok;
}

}  // namespace kv::daemon
