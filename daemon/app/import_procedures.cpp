#include <fstream>
#include <ostream>
#include <sstream>

#include "bot/domain/oslo_time.hpp"
#include "daemon/app/commands.hpp"
#include "daemon/config/procedures_csv.hpp"
#include "daemon/store/procedure_store.hpp"

namespace kv::daemon {

int run_import_procedures(app& a, const std::string& file, std::ostream& out, std::ostream& err) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        err << "error: cannot read " << file << "\n";
        return exit_usage;
    }
    std::stringstream text;
    text << in.rdbuf();
    const auto now = now_seconds();
    procedure_references known;
    known.today = bot::to_oslo(now).date;
    a.db->with_read([&](const bot::directory& dir, const bot::repository&) {
        for (const auto& u : dir.all_units()) {
            known.units.insert(u.id);
        }
    });
    known.people = active_person_emails(a.db->db());
    const auto parsed = parse_procedures_csv(text.str(), known);
    if (!parsed.errors.empty()) {
        for (const auto& e : parsed.errors) {
            err << file << ": " << e.to_string() << "\n";
        }
        err << "nothing imported\n";
        return exit_usage;
    }
    const auto report = import_procedures(*a.db, parsed.procedures, now);
    for (const auto& id : report.added) {
        out << "added " << id << "\n";
    }
    for (const auto& id : report.changed) {
        out << "changed " << id << "\n";
    }
    for (const auto& id : report.removed) {
        out << "removed " << id << "\n";
    }
    out << report.added.size() << " added, " << report.changed.size() << " changed, "
        << report.removed.size() << " removed, " << report.unchanged.size() << " unchanged\n";
    if (report.reminders_cancelled > 0) {
        out << report.reminders_cancelled
            << " pending review reminder(s) of an earlier round cancelled\n";
    }
    return exit_ok;
}

}  // namespace kv::daemon
