#include "bot/schedule/reading_reminders.hpp"

#include <map>
#include <utility>

#include "bot/domain/oslo_time.hpp"

namespace kv::bot {
namespace {

using namespace std::chrono;

sys_seconds local_midnight(year_month_day d) {
    return work_calendar::at_local(d, seconds{0});
}

sys_seconds reminder_due(year_month_day batch, const reading_settings& settings) {
    return local_midnight(year_month_day{sys_days{batch} + days{settings.remind_after_days}});
}

const procedure* find(const std::vector<procedure>& procedures, const std::string& id) {
    for (const auto& p : procedures) {
        if (p.id == id) {
            return &p;
        }
    }
    return nullptr;
}

message batch_message(const std::vector<const reading_entry*>& entries,
                      const std::vector<procedure>& procedures, language lang, bool reminder) {
    const bool nb = lang == language::nb;
    message m;
    if (reminder) {
        m.title = nb ? "Påminnelse: prosedyrer du ikke har bekreftet lest"
                     : "Reminder: procedures you have not confirmed reading";
        m.text = nb ? "Disse står fortsatt ulest på leselisten din. Trykk «Lest» når du har lest."
                    : "These are still unread on your reading list. Press «Read» once you have "
                      "read them.";
    } else {
        m.title = nb ? "Nye prosedyrer å lese" : "New procedures to read";
        m.text = nb ? "Disse er nye eller endret og gjelder deg. Trykk «Lest» når du har lest."
                    : "These are new or changed and concern you. Press «Read» once you have read "
                      "them.";
    }
    for (const auto* e : entries) {
        const procedure* p = find(procedures, e->procedure_id);
        const std::string title = p != nullptr ? p->title : std::string{};
        std::string value = title + (nb ? " (versjon " : " (version ") + e->version + ")";
        if (p != nullptr && !p->url.empty()) {
            value += " " + p->url;
        }
        m.facts.push_back({e->procedure_id, std::move(value)});
        m.actions.push_back({"reading.confirm",
                             std::string(nb ? "Lest: " : "Read: ") + e->procedure_id,
                             {{"procedure", e->procedure_id}, {"version", e->version}},
                             {}});
    }
    return m;
}

}  // namespace

year_month_day reading_batch_date(sys_seconds assigned_at, const work_calendar& cal) {
    return to_oslo(cal.next_working_morning(assigned_at)).date;
}

std::vector<due_reminder> reading_reminders(const reading_snapshot& snapshot, sys_seconds now,
                                            const work_calendar& cal,
                                            const reading_settings& settings) {
    // By person, then batch date.
    std::map<std::pair<std::string, sys_days>, std::vector<const reading_entry*>> batches;
    for (const auto& e : snapshot.unread) {
        if (e.read_at) {
            continue;
        }
        batches[{e.email, sys_days{reading_batch_date(e.assigned_at, cal)}}].push_back(&e);
    }
    std::vector<due_reminder> out;
    for (const auto& [key, entries] : batches) {
        const auto& [email, batch_day] = key;
        const year_month_day batch{batch_day};
        const auto person = snapshot.org != nullptr ? snapshot.org->find_person(email)
                                                    : std::optional<bot::person>{};
        if (!person || !person->active) {
            continue;
        }
        const sys_seconds batch_due = local_midnight(batch);
        const sys_seconds remind_due = reminder_due(batch, settings);
        if (now < batch_due) {
            continue;
        }
        const bool reminder = now >= remind_due;
        const std::string step =
            reminder ? "unread-" + std::to_string(settings.remind_after_days) + "d" : "T-0";
        std::string subject;
        for (const auto* e : entries) {
            subject += (subject.empty() ? "" : ",") + e->procedure_id;
        }
        due_reminder r;
        r.deliver_at = cal.next_working_instant(std::max(reminder ? remind_due : batch_due, now));
        r.recipient_email = email;
        r.kind = reminder_kind::reading;
        r.subject = std::move(subject);
        r.step = step;
        r.dedupe_key =
            make_dedupe_key(reminder_kind::reading, "leseliste", format_date(batch), step, email);
        r.body = batch_message(entries, snapshot.procedures, person->lang, reminder);
        r.title = r.body.title;
        out.push_back(std::move(r));
    }
    return out;
}

std::optional<sys_seconds> reading_next_due(const reading_snapshot& snapshot, sys_seconds now,
                                            const work_calendar& cal,
                                            const reading_settings& settings) {
    std::optional<sys_seconds> next;
    for (const auto& e : snapshot.unread) {
        if (e.read_at) {
            continue;
        }
        const auto batch = reading_batch_date(e.assigned_at, cal);
        for (const sys_seconds due : {local_midnight(batch), reminder_due(batch, settings)}) {
            if (due > now && (!next || due < *next)) {
                next = due;
            }
        }
    }
    return next;
}

}  // namespace kv::bot
