#include "bot/schedule/wheel.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "bot/domain/oslo_time.hpp"

namespace kv::bot {
namespace {

using namespace std::chrono;

constexpr std::array<std::pair<wheel_item_kind, std::string_view>, 5> kind_names{{
    {wheel_item_kind::meeting, "meeting"},
    {wheel_item_kind::deadline, "deadline"},
    {wheel_item_kind::report, "report"},
    {wheel_item_kind::review, "review"},
    {wheel_item_kind::audit, "audit"},
}};

// The latest lead time of `o` due at `now`, if any.
std::optional<int> latest_due_lead(const wheel_occurrence& o, sys_seconds now) {
    std::optional<int> latest;
    for (const int lead : o.item->lead_days) {
        if (lead_due(o, lead) <= now && (!latest || lead < *latest)) {
            latest = lead;
        }
    }
    return latest;
}

}  // namespace

std::string_view to_string(wheel_item_kind kind) {
    for (const auto& [k, name] : kind_names) {
        if (k == kind) {
            return name;
        }
    }
    return "unknown";
}

std::optional<wheel_item_kind> parse_wheel_item_kind(std::string_view text) {
    for (const auto& [k, name] : kind_names) {
        if (name == text) {
            return k;
        }
    }
    return std::nullopt;
}

const wheel_item* annual_wheel::find(std::string_view id) const {
    for (const auto& item : items) {
        if (item.id == id) {
            return &item;
        }
    }
    return nullptr;
}

std::string lead_step(int lead_days) {
    return lead_days == 0 ? "T-0" : "T-" + std::to_string(lead_days) + "d";
}

sys_seconds lead_due(const wheel_occurrence& o, int lead_days) {
    return work_calendar::at_local(year_month_day{sys_days{o.date} - days{lead_days}}, seconds{0});
}

std::vector<due_reminder> wheel_reminders(const std::vector<wheel_occurrence>& occurrences,
                                          sys_seconds now, const work_calendar& cal,
                                          const wheel_context& ctx,
                                          const reminder_selection& select) {
    std::vector<due_reminder> out;
    for (const auto& o : occurrences) {
        if (o.start <= now) {
            continue;
        }
        const auto lead = latest_due_lead(o, now);
        if (!lead) {
            continue;
        }
        const sys_seconds deliver_at = cal.next_working_instant(std::max(lead_due(o, *lead), now));
        if (deliver_at >= o.start) {
            continue;
        }
        const wheel_item& item = *o.item;
        const std::string step = lead_step(*lead);
        const std::string occurrence = format_date(o.date);
        const std::size_t first = out.size();
        for (const auto& email : ctx.recipients(item)) {
            due_reminder r;
            r.deliver_at = deliver_at;
            r.recipient_email = email;
            r.kind = reminder_kind::wheel;
            r.subject = item.id;
            r.step = step;
            r.dedupe_key = make_dedupe_key(reminder_kind::wheel, item.id, occurrence, step, email);
            r.title = item.title + " " + format_oslo(o.start);
            if (select.keep && !select.keep(r)) {
                continue;
            }
            out.push_back(std::move(r));
        }
        if (select.bodies && out.size() > first) {
            const message body = ctx.agenda(o);
            for (std::size_t i = first; i < out.size(); ++i) {
                out[i].body = body;
            }
        }
    }
    return out;
}

std::optional<sys_seconds> wheel_next_due(const std::vector<wheel_occurrence>& occurrences,
                                          sys_seconds now) {
    std::optional<sys_seconds> next;
    for (const auto& o : occurrences) {
        if (o.start <= now) {
            continue;
        }
        for (const int lead : o.item->lead_days) {
            const sys_seconds due = lead_due(o, lead);
            if (due > now && (!next || due < *next)) {
                next = due;
            }
        }
    }
    return next;
}

}  // namespace kv::bot
