#pragma once
// A controlled document in the quality library: who owns it, who reviews it, and when its next
// review falls due. Plain values; the review rules live in bot/schedule/procedure_reviews.

#include <chrono>
#include <optional>
#include <string>

namespace kv::bot {

struct procedure {
    std::string id;                    // the library's document id, e.g. "HO-PR-012"; unique
    std::string title;                 // "Håndhygiene"
    std::string area;                  // main area: "Helse, sosial, pleie og omsorg", "HMS", ...
    std::string subgroup;              // "Prosedyrer", "Kvalitetshåndbok", ...
    std::string unit_id;               // the unit whose staff it concerns (and every unit below it)
    std::string owner_email;           // approves new versions and deletion
    std::string revision_owner_email;  // reviews it at least once per interval
    std::string version;               // "3.1"; free text, as the library writes it
    std::chrono::year_month_day last_reviewed{};
    int interval_months = 12;  // 1..12
    std::string url;           // where the current version can be read
    bool active = true;        // false: removed from the library (kept for history)
};

// A change to one procedure that a decision carries: the procedure as it is to be stored, and
// what happened to it for its history ("reviewed", "new_version", "deleted").
struct procedure_change {
    procedure after;
    std::string kind;
    std::string detail;  // never free text from a person beyond the version and link
};

// One person's line on a procedure version's reading list.
struct reading_entry {
    std::string procedure_id;
    std::string version;
    std::string email;
    std::chrono::sys_seconds assigned_at{};
    std::optional<std::chrono::sys_seconds> read_at;  // set once the person pressed Lest
};

// A change to the reading list: put a version on a person's list, or record that they read it.
struct reading_change {
    enum class change_kind { assign, confirm };
    change_kind kind = change_kind::assign;
    std::string procedure_id;
    std::string version;
    std::string email;
};

// The day a review falls due: `interval_months` after `last_reviewed`, on the same day of the
// month or on the month's last day when it has fewer days (31 Jan + 1 month = 28/29 Feb).
inline std::chrono::year_month_day review_due(const procedure& p) {
    using namespace std::chrono;
    const year_month ym =
        year_month{p.last_reviewed.year(), p.last_reviewed.month()} + months{p.interval_months};
    const day last_day = year_month_day_last{ym.year(), month_day_last{ym.month()}}.day();
    const day d = p.last_reviewed.day() > last_day ? last_day : p.last_reviewed.day();
    return year_month_day{ym.year(), ym.month(), d};
}

}  // namespace kv::bot
