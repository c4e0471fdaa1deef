#include "bot/schedule/deviation_followup.hpp"

#include <algorithm>
#include <tuple>

#include "bot/dialog/case_view.hpp"
#include "bot/domain/oslo_time.hpp"
#include "bot/domain/risk.hpp"

namespace kv::bot {
namespace {

using namespace std::chrono;

// One step of the chase: when it falls due and whom it concerns.
struct chase_step {
    sys_seconds at;
    reminder_kind kind = reminder_kind::deviation_followup;
    std::string subject;
    std::string occurrence;  // tells rounds apart (a measure's due date)
    std::string step;
    std::vector<std::string> recipients;
    const measure* about = nullptr;  // the measure, for measure steps
};

language language_of(const directory& dir, const std::string& email) {
    const auto p = dir.find_person(email);
    return p ? p->lang : language::nb;
}

void add_unique(std::vector<std::string>& out, const std::string& email) {
    if (!email.empty() && std::find(out.begin(), out.end(), email) == out.end()) {
        out.push_back(email);
    }
}

// The leader (else deputy) of the unit above `unit_id`; empty at the top.
std::string leader_above(const directory& dir, const std::string& unit_id) {
    const auto u = dir.find_unit(unit_id);
    if (!u || u->parent_id.empty()) {
        return {};
    }
    const auto parent = dir.find_unit(u->parent_id);
    if (!parent) {
        return {};
    }
    return parent->leader_email.empty() ? parent->deputy_email : parent->leader_email;
}

// Every step of the case's chase that its current state still calls for, due or not.
std::vector<chase_step> steps_of(const deviation_case& c, const deviation_followup_snapshot& snap,
                                 const work_calendar& cal, const deviation_followup_settings& s) {
    const directory& dir = *snap.org;
    std::vector<chase_step> out;
    const auto unit = dir.find_unit(c.unit_id);
    if (c.state == case_state::ny) {
        const auto [first, more] = followup_days_for(c, snap.rules, s);
        const sys_seconds remind_at = cal.add_working_days(c.created_at, first);
        chase_step remind{
            remind_at, reminder_kind::deviation_followup, c.human_id, {}, "remind-1", {}, nullptr};
        if (unit) {
            add_unique(remind.recipients, unit->leader_email);
            add_unique(remind.recipients, unit->deputy_email);
        }
        out.push_back(std::move(remind));
        chase_step escalate{cal.add_working_days(remind_at, more),
                            reminder_kind::deviation_followup,
                            c.human_id,
                            {},
                            "escalate-1",
                            {},
                            nullptr};
        add_unique(escalate.recipients, leader_above(dir, c.unit_id));
        out.push_back(std::move(escalate));
    }
    for (const auto& m : c.measures) {
        const auto due = parse_iso_date(m.due_date);
        if (m.state != measure_state::open || !due) {
            continue;
        }
        const std::string subject = c.human_id + "/" + std::to_string(m.number);
        // Past due from the first moment of the day after the due date.
        const sys_seconds overdue_at =
            work_calendar::at_local(year_month_day{sys_days{*due} + days{1}}, seconds{0});
        chase_step responsible{
            overdue_at, reminder_kind::measure, subject, m.due_date, "overdue-1", {}, &m};
        add_unique(responsible.recipients, m.responsible_email);
        out.push_back(std::move(responsible));
        chase_step leader{cal.add_working_days(cal.next_working_instant(overdue_at),
                                               s.measure_escalate_after_working_days),
                          reminder_kind::measure,
                          subject,
                          m.due_date,
                          "escalate-1",
                          {},
                          &m};
        if (unit) {
            add_unique(leader.recipients,
                       unit->leader_email.empty() ? unit->deputy_email : unit->leader_email);
        }
        out.push_back(std::move(leader));
    }
    return out;
}

std::string headline_of(const deviation_case& c, const chase_step& st, language lang) {
    const bool nb = lang == language::nb;
    if (st.about == nullptr) {
        return st.step == "remind-1"
                   ? (nb ? "Ikke mottatt: " + c.human_id : "Not received: " + c.human_id)
                   : (nb ? "Eskalert, ikke mottatt: " + c.human_id
                         : "Escalated, not received: " + c.human_id);
    }
    const std::string what = c.human_id + " tiltak " + std::to_string(st.about->number);
    return st.step == "overdue-1" ? (nb ? "Tiltak over fristen: " + what
                                        : "Measure past its due date: " + c.human_id + " measure " +
                                              std::to_string(st.about->number))
                                  : (nb ? "Tiltak ikke utført innen fristen: " + what
                                        : "Measure not done by its due date: " + c.human_id +
                                              " measure " + std::to_string(st.about->number));
}

message body_of(const deviation_case& c, const chase_step& st, const std::string& recipient,
                language lang, std::string headline, const deviation_followup_snapshot& snap) {
    const directory& dir = *snap.org;
    message m = case_card(c, dir, recipient, lang, snap.rules, std::move(headline));
    if (st.about != nullptr) {
        const bool nb = lang == language::nb;
        m.facts.push_back({nb ? "Tiltak" : "Measure", st.about->text});
        m.facts.push_back(
            {nb ? "Ansvarlig" : "Responsible", person_label(dir, st.about->responsible_email)});
        m.facts.push_back({nb ? "Frist" : "Due", st.about->due_date});
    }
    return m;
}

}  // namespace

followup_days followup_days_for(const deviation_case& c, const bot_settings& rules,
                                const deviation_followup_settings& s) {
    if (is_serious(c, rules.serious)) {
        return {s.serious_receive_within_working_days, s.serious_escalate_after_working_days};
    }
    if (c.risk) {
        if (const auto own = s.by_level.find(level_of(*c.risk, rules.risk));
            own != s.by_level.end()) {
            return own->second;
        }
    }
    if (const auto own = s.by_kind.find(c.kind); own != s.by_kind.end()) {
        return own->second;
    }
    return {s.receive_within_working_days, s.escalate_after_working_days};
}

std::vector<due_reminder> deviation_followup_reminders(const deviation_followup_snapshot& snapshot,
                                                       sys_seconds now, const work_calendar& cal,
                                                       const deviation_followup_settings& settings,
                                                       const reminder_selection& select) {
    std::vector<due_reminder> out;
    if (snapshot.org == nullptr) {
        return out;
    }
    for (const auto& c : snapshot.open_cases) {
        if (c.state == case_state::lukket) {
            continue;
        }
        const bool serious = is_serious(c, snapshot.rules.serious);
        for (const auto& st : steps_of(c, snapshot, cal, settings)) {
            if (st.at > now) {
                continue;
            }
            for (const auto& to : st.recipients) {
                due_reminder r;
                r.urgent = serious && st.about == nullptr;
                r.deliver_at = r.urgent ? st.at : cal.next_working_instant(st.at);
                r.recipient_email = to;
                r.kind = st.kind;
                r.subject = st.subject;
                r.step = st.step;
                r.dedupe_key = make_dedupe_key(r.kind, r.subject, st.occurrence, r.step, to);
                const language lang = language_of(*snapshot.org, to);
                r.title = headline_of(c, st, lang);
                if (select.keep && !select.keep(r)) {
                    continue;
                }
                if (select.bodies) {
                    r.body = body_of(c, st, to, lang, r.title, snapshot);
                }
                out.push_back(std::move(r));
            }
        }
    }
    std::stable_sort(out.begin(), out.end(), [](const due_reminder& a, const due_reminder& b) {
        return std::tie(a.subject, a.step, a.recipient_email) <
               std::tie(b.subject, b.step, b.recipient_email);
    });
    return out;
}

std::vector<std::optional<sys_seconds>> deviation_followup_next_due_each(
    const deviation_followup_snapshot& snapshot, sys_seconds now, const work_calendar& cal,
    const deviation_followup_settings& settings) {
    std::vector<std::optional<sys_seconds>> out(snapshot.open_cases.size());
    if (snapshot.org == nullptr) {
        return out;
    }
    for (std::size_t i = 0; i < snapshot.open_cases.size(); ++i) {
        const auto& c = snapshot.open_cases[i];
        if (c.state == case_state::lukket) {
            continue;
        }
        for (const auto& st : steps_of(c, snapshot, cal, settings)) {
            if (st.at > now && !st.recipients.empty() && (!out[i] || st.at < *out[i])) {
                out[i] = st.at;
            }
        }
    }
    return out;
}

std::optional<sys_seconds> deviation_followup_next_due(
    const deviation_followup_snapshot& snapshot, sys_seconds now, const work_calendar& cal,
    const deviation_followup_settings& settings) {
    std::optional<sys_seconds> next;
    for (const auto& at : deviation_followup_next_due_each(snapshot, now, cal, settings)) {
        if (at && (!next || *at < *next)) {
            next = at;
        }
    }
    return next;
}

}  // namespace kv::bot
