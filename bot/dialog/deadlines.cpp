#include "bot/dialog/deadlines.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "bot/dialog/case_view.hpp"
#include "bot/domain/access.hpp"
#include "bot/domain/oslo_time.hpp"
#include "bot/domain/risk.hpp"
#include "bot/schedule/deviation_followup.hpp"
#include "bot/schedule/work_calendar.hpp"

namespace kv::bot {
namespace {

struct deadline {
    std::string when;  // "YYYY-MM-DD" or "YYYY-MM-DD HH:MM" in Oslo; sorts as text
    std::string what;
    bool overdue = false;
};

}  // namespace

void list_my_deadlines(context& ctx, std::string_view) {
    const bool nb = ctx.nb();
    const std::string today = format_date(to_oslo(ctx.now).date);
    std::vector<deadline> list;

    if (const library* lib = ctx.repo.quality_library()) {
        for (const auto& p : lib->procedures_reviewed_by(ctx.me.email)) {
            const std::string due = format_date(review_due(p));
            list.push_back({due, (nb ? "Gjennomgang av " : "Review of ") + p.id + " " + p.title,
                            due <= today});
        }
    }

    std::vector<std::string> unit_ids;
    for (const auto& u : ctx.dir.all_units()) {
        unit_ids.push_back(u.id);
    }
    // The scheduler's numbers and working hours, so the dates shown are those it chases by.
    const work_calendar default_calendar;
    const deviation_followup_settings default_rules;
    const work_calendar& cal = ctx.cfg.calendar ? *ctx.cfg.calendar : default_calendar;
    const deviation_followup_settings& rules = ctx.cfg.followup ? *ctx.cfg.followup : default_rules;
    for (const auto& c : ctx.repo.open_cases_in(unit_ids)) {
        for (const auto& m : c.measures) {
            if (m.state == measure_state::open && m.responsible_email == ctx.me.email) {
                list.push_back({m.due_date,
                                c.human_id + (nb ? " tiltak " : " measure ") +
                                    std::to_string(m.number) + ": " + m.text,
                                !m.due_date.empty() && m.due_date < today});
            }
        }
        if (c.state == case_state::ny && leads_unit(ctx.dir, ctx.me.email, c.unit_id)) {
            const auto by = cal.add_working_days(
                c.created_at, followup_days_for(c, ctx.cfg, rules).receive_within_working_days);
            list.push_back(
                {format_oslo(by),
                 (nb ? "Motta " : "Receive ") + c.human_id + " (" + case_line(c, ctx.me.lang) + ")",
                 by <= ctx.now});
        }
    }

    std::stable_sort(list.begin(), list.end(),
                     [](const deadline& a, const deadline& b) { return a.when < b.when; });
    message m;
    m.title = nb ? "Dine frister" : "Your deadlines";
    if (list.empty()) {
        m.text = nb ? "Du har ingen frister nå." : "You have no deadlines now.";
    }
    for (const auto& d : list) {
        m.text += d.when + "  " + d.what;
        if (d.overdue) {
            m.text += nb ? " (forsinket)" : " (overdue)";
        }
        m.text += "\n";
    }
    ctx.reply(std::move(m));
}

}  // namespace kv::bot
