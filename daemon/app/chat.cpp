#include <chrono>
#include <iostream>
#include <random>

#include "adapters/console/console_session.hpp"
#include "bot/dialog/understanding.hpp"
#include "daemon/app/commands.hpp"
#include "daemon/calendar/feed_command.hpp"
#include "daemon/log.hpp"

namespace kv::daemon {
namespace {

std::string new_session_id() {
    std::random_device rd;
    std::uniform_int_distribution<unsigned long long> dist;
    return std::to_string(now_seconds().time_since_epoch().count()) + "-" +
           std::to_string(dist(rd));
}

}  // namespace

int run_chat(app& a, const std::string& email_in, std::istream& in, std::ostream& out,
             bool interactive) {
    const std::string email = bot::fold_case(email_in);
    bool known = false;
    a.db->with_read([&](const bot::directory& dir, const bot::repository&) {
        const auto p = dir.find_person(email);
        known = p && p->active;
    });
    if (!known) {
        std::cerr << "error: " << email
                  << " is not an active person in the organisation (see the organisation file "
                     "or `kvalitetsvakt import people`)\n";
        return exit_usage;
    }
    console::session_hooks hooks;
    hooks.handle = [&](const bot::inbound_event& ev) {
        const auto now = now_seconds();
        if (auto calendar = answer_calendar_command(a, ev, now)) {
            return std::vector<bot::message>{std::move(*calendar)};
        }
        auto result = a.db->handle(ev, now, [&](const bot::directory& d, const bot::repository& r) {
            return a.brain.decide(ev, d, r, now);
        });
        log::debug("console event handled");
        return result.duplicate ? std::vector<bot::message>{} : result.decision.replies;
    };
    hooks.take_notifications = [&] {
        std::vector<bot::message> bodies;
        for (auto& item : a.db->due_outbox(now_seconds(), bot::channel::console, email, 50)) {
            bodies.push_back(std::move(item.body));
            a.db->mark_delivered(item.id, now_seconds());
        }
        return bodies;
    };
    console::console_session session(email, new_session_id(), std::move(hooks));
    if (interactive) {
        out << "Kvalitetsvakt – du snakker som " << email
            << ". Skriv «hjelp» for hjelp, /quit for å avslutte.\n";
    }
    return session.run(in, out, interactive) == 0 ? exit_ok : exit_failure;
}

}  // namespace kv::daemon
