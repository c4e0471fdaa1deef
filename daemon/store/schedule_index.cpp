#include "daemon/store/schedule_index.hpp"

#include <algorithm>
#include <cstdio>

#include "daemon/store/store_view.hpp"

namespace kv::daemon {
namespace {

// FNV-1a: stable across builds and runs, unlike std::hash.
class fnv1a {
  public:
    void add(std::string_view text) {
        for (const char c : text) {
            hash_ = (hash_ ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
        }
        // A separator no column holds, so ("ab", "c") and ("a", "bc") differ.
        hash_ = (hash_ ^ 0x1fU) * 1099511628211ULL;
    }
    std::string hex() const {
        char out[17];
        std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(hash_));
        return out;
    }

  private:
    std::uint64_t hash_ = 14695981039346656037ULL;
};

void sort_unique(auto& v) {
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
}

void add_case_id(std::vector<std::int64_t>& out, const std::string& subject) {
    try {
        std::size_t used = 0;
        const std::int64_t id = std::stoll(subject, &used);
        if (used == subject.size()) {
            out.push_back(id);
        }
    } catch (const std::exception&) {
        // Written by the triggers from an integer column; anything else names no case.
    }
}

}  // namespace

std::optional<schedule_progress> load_schedule_progress(database& db) {
    auto& s = db.cached(
        "SELECT evaluated_at, complete_until, fingerprint, last_case_id FROM schedule_progress "
        "WHERE id = 1");
    if (!s.step()) {
        return std::nullopt;
    }
    schedule_progress out{detail::from_unix(s.int64(0)), detail::from_unix(s.int64(1)), s.text(2),
                          s.int64(3)};
    s.reset();
    return out;
}

std::string organisation_fingerprint(database& db) {
    fnv1a h;
    auto& units = db.cached(
        "SELECT id, parent_id, leader_email, deputy_email, active FROM units ORDER BY id");
    while (units.step()) {
        for (int i = 0; i < 5; ++i) {
            h.add(units.text(i));
        }
    }
    auto& people = db.cached("SELECT email, unit_id, active FROM persons ORDER BY email");
    while (people.step()) {
        for (int i = 0; i < 3; ++i) {
            h.add(people.text(i));
        }
    }
    return h.hex();
}

schedule_candidates load_schedule_candidates(database& db, std::chrono::sys_seconds at,
                                             std::int64_t last_case_id) {
    schedule_candidates out;
    auto& next = db.cached("SELECT kind, subject FROM schedule_next WHERE at <= ?");
    next.bind_all(detail::to_unix(at));
    while (next.step()) {
        if (next.text(0) == "procedure") {
            out.procedure_ids.push_back(next.text(1));
        } else {
            add_case_id(out.case_ids, next.text(1));
        }
    }
    auto& changes = db.cached("SELECT seq, kind, subject FROM schedule_changes ORDER BY seq");
    while (changes.step()) {
        out.last_change = changes.int64(0);
        if (changes.text(1) == "procedure") {
            out.procedure_ids.push_back(changes.text(2));
        } else {
            add_case_id(out.case_ids, changes.text(2));
        }
    }
    out.last_case_id = last_case_id;
    auto& filed = db.cached("SELECT id FROM cases WHERE id > ? ORDER BY id");
    filed.bind_all(last_case_id);
    while (filed.step()) {
        out.case_ids.push_back(filed.int64(0));
        out.last_case_id = filed.int64(0);
    }
    sort_unique(out.procedure_ids);
    sort_unique(out.case_ids);
    return out;
}

schedule_candidates schedule_watermarks(database& db) {
    schedule_candidates out;
    out.last_change = db.query_int("SELECT ifnull(max(seq), 0) FROM schedule_changes");
    out.last_case_id = db.query_int("SELECT ifnull(max(id), 0) FROM cases");
    return out;
}

std::vector<bot::deviation_case> open_cases_with_ids(database& db,
                                                     const std::vector<std::int64_t>& ids) {
    if (ids.empty()) {
        return {};
    }
    std::string list = "[";
    for (const auto id : ids) {
        list += (list.size() > 1 ? "," : "") + std::to_string(id);
    }
    list += "]";
    const detail::sql_view view{db};
    return view.cases_where(
        "WHERE id IN (SELECT value FROM json_each(?)) AND state <> 'lukket' AND unit_id IN "
        "(SELECT id FROM units WHERE active = 1)",
        [&](statement& s) { s.bind_all(list); });
}

void record_schedule_run(database& db, const schedule_progress& progress, bool rebuild,
                         const std::vector<schedule_item_next>& procedures,
                         const std::vector<schedule_item_next>& cases, std::int64_t last_change) {
    transaction tx{db, transaction_mode::immediate};
    if (rebuild) {
        db.exec("DELETE FROM schedule_next");
    }
    auto& put = db.cached(
        "INSERT INTO schedule_next (kind, subject, at) VALUES (?, ?, ?) "
        "ON CONFLICT (kind, subject) DO UPDATE SET at = excluded.at");
    auto& drop = db.cached("DELETE FROM schedule_next WHERE kind = ? AND subject = ?");
    const auto record = [&](std::string_view kind, const std::vector<schedule_item_next>& items) {
        for (const auto& item : items) {
            auto& s = item.at ? put : drop;
            s.reset();
            if (item.at) {
                s.bind_all(kind, item.subject, detail::to_unix(*item.at));
            } else {
                s.bind_all(kind, item.subject);
            }
            s.run();
        }
    };
    record("procedure", procedures);
    record("case", cases);
    auto& forget = db.cached("DELETE FROM schedule_changes WHERE seq <= ?");
    forget.bind_all(last_change).run();
    auto& save = db.cached(
        "INSERT INTO schedule_progress (id, evaluated_at, complete_until, fingerprint, "
        "last_case_id) VALUES (1, ?1, ?2, ?3, ?4) ON CONFLICT (id) DO UPDATE SET "
        "evaluated_at = max(evaluated_at, ?1), complete_until = CASE WHEN ?5 THEN ?2 ELSE "
        "min(complete_until, ?2) END, fingerprint = ?3, last_case_id = max(last_case_id, ?4)");
    save.bind_all(detail::to_unix(progress.evaluated_at), detail::to_unix(progress.complete_until),
                  progress.fingerprint, progress.last_case_id, rebuild)
        .run();
    tx.commit();
}

void forget_schedule_progress(database& db) {
    db.exec("DELETE FROM schedule_progress");
}

}  // namespace kv::daemon
