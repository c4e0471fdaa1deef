#include <ostream>

#include <nlohmann/json.hpp>

#include "bot/domain/names.hpp"
#include "daemon/app/commands.hpp"
#include "daemon/schedule/iso_time.hpp"
#include "daemon/schedule/scheduler.hpp"

namespace kv::daemon {

int run_remind(app& a, const std::string& at, bool dry_run, std::ostream& out, std::ostream& err) {
    const auto now = parse_iso_instant(at);
    if (!now) {
        err << "kvalitetsvakt: --at must be an ISO 8601 instant with an offset, such as "
               "2027-03-25T07:00:00+01:00\n";
        return exit_usage;
    }
    auto config = load_schedule_config(a.cfg, a.org, err);
    if (!config) {
        return exit_usage;
    }
    const scheduler sched{std::move(*config)};
    const auto reminders = sched.run_once(*a.db, *now, dry_run);
    a.db->with_read([&](const bot::directory& people, const bot::repository&) {
        for (const auto& r : reminders) {
            const auto person = people.find_person(r.recipient_email);
            nlohmann::ordered_json line{
                {"deliver_at", format_iso_oslo(r.deliver_at)},
                {"recipient", r.recipient_email},
                {"channel", bot::to_string(person ? person->preferred : bot::channel::console)},
                {"kind", bot::to_string(r.kind)},
                {"subject", r.subject},
                {"step", r.step},
                {"dedupe_key", r.dedupe_key},
                {"title", r.title},
            };
            out << line.dump() << "\n";
        }
    });
    return exit_ok;
}

}  // namespace kv::daemon
