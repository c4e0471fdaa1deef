#include "daemon/calendar/invitation.hpp"

#include <sstream>

#include "bot/domain/oslo_time.hpp"
#include "daemon/calendar/feed_events.hpp"
#include "daemon/config/load_organisation.hpp"
#include "daemon/store/invitation_sequences.hpp"

namespace kv::daemon {

std::string meeting_invitations::for_message(const bot::message& m, const calendar_person& to,
                                             const calendar_person& bot,
                                             std::chrono::sys_seconds stamp,
                                             const sequence_source& sequences) const {
    const auto subject = parse_wheel_subject(m.subject_key);
    if (!subject) {
        return {};
    }
    const auto* item = cfg_.wheel.find(subject->item_id);
    if (item == nullptr || (item->kind != bot::wheel_item_kind::meeting &&
                            item->kind != bot::wheel_item_kind::review)) {
        return {};
    }
    bot::wheel_occurrence o{
        item, subject->date, bot::work_calendar::at_local(subject->date, item->local_time), {}};
    o.end = o.start + item->duration;
    calendar_event e = wheel_event(o, cfg_);
    if (!e.organizer) {
        e.organizer = bot;
    }
    e.attendees = {to};
    if (sequences) {
        // What a changed occurrence changes: its time, its duration and its title.
        const std::string version =
            oslo_ical_time(e.start) + "/" + oslo_ical_time(e.end) + "/" + e.summary;
        e.sequence = sequences(e.uid, to.email, version);
    }
    calendar_document doc;
    doc.method = calendar_method::request;
    doc.stamp = stamp;
    doc.events = {std::move(e)};
    return write_icalendar(doc);
}

invitation_writer make_invitation_writer(const settings& cfg) {
    if (cfg.schedule.annual_wheel_file.empty()) {
        return {};
    }
    auto org = load_organisation(cfg.organisation_file);
    if (!org.value) {
        return {};
    }
    std::ostringstream ignored;  // the scheduler loads the same files and reports their errors
    auto sc = load_schedule_config(cfg, *org.value, ignored);
    if (!sc) {
        return {};
    }
    auto invitations = std::make_shared<const meeting_invitations>(std::move(*sc));
    return [invitations](database& db, const bot::message& m, const calendar_person& to,
                         const calendar_person& from) {
        const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
        const sequence_source sequences = [&db, now](const std::string& uid,
                                                     const std::string& recipient,
                                                     const std::string& version) {
            return next_invitation_sequence(db, uid, recipient, version, now);
        };
        return invitations->for_message(m, to, from, now, sequences);
    };
}

}  // namespace kv::daemon
