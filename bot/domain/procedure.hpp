#pragma once
// A controlled document in the quality library: who owns it, who reviews it, and when its next
// review falls due. Plain values; the review rules live in bot/schedule/procedure_reviews.

#include <chrono>
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
