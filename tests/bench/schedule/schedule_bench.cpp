// Measures the scheduler against the goals of the deadlines issue, with a store holding many open
// items (procedures, deviation cases, measures; the annual wheel comes from the configuration):
//  (a) the next instant anything falls due: scheduler::next_due versus a raw indexed query;
//  (b) the reminders due at an instant that are new: scheduler::run_once as a dry run (what
//      `remind --at T --dry-run` computes: every field but the message) versus raw indexed
//      queries reading the due rows and anti-joining the outbox; once on an empty outbox with no
//      run recorded (cold: everything is decided) and once after the daemon's runs of the days
//      before have filled the outbox and recorded when each item's next step falls due (steady).
//      The daemon's own run at that instant (messages built, enqueued, recorded) is timed too.
// Goals: at most 2x the raw query and under 100 ms. Both sides must give the same answer (the
// same instant; the same number of items per kind and of reminders), else the run fails: the
// comparison would mean nothing. Prints median and p90 of the repetitions after one warm-up.
//
// Usage: kv_schedule_bench [open items (1000000)] [repetitions (5)]
//        kv_schedule_bench --fill DATABASE [open items (100000)]
// The second form only fills (or creates and fills) DATABASE with items around the current time,
// for a daemon to run on (tests/bench/schedule/idle_cpu.sh).
// Exits 0 when the answers agree (whether or not a goal is met), 1 when they differ, 2 on bad
// arguments.

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "bot/domain/oslo_time.hpp"
#include "daemon/app/app.hpp"
#include "daemon/schedule/iso_time.hpp"
#include "daemon/schedule/scheduler.hpp"
#include "tests/bench/schedule/fill_store.hpp"
#include "tests/bench/schedule/raw_queries.hpp"

namespace {

using namespace kv;
using namespace std::chrono;
namespace fs = std::filesystem;
using bench_clock = steady_clock;

constexpr double goal_ratio = 2.0;
constexpr double goal_ms = 100.0;

// A Wednesday at noon in Oslo, in no holiday week: the morning's reminders are past, the next
// working-day steps fall tomorrow morning.
const sys_seconds bench_now = sys_days{2027y / March / 10} + hours{11};

struct options {
    std::int64_t items = 1'000'000;
    int repetitions = 5;
};

template <typename T>
std::optional<T> positive(std::string_view s) {
    T v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || end != s.data() + s.size() || v <= 0) {
        return std::nullopt;
    }
    return v;
}

std::optional<options> parse_args(int argc, char** argv) {
    options o;
    if (argc > 3) {
        return std::nullopt;
    }
    if (argc > 1) {
        const auto v = positive<std::int64_t>(argv[1]);
        if (!v || *v < 10) {
            return std::nullopt;
        }
        o.items = *v;
    }
    if (argc > 2) {
        const auto v = positive<int>(argv[2]);
        if (!v) {
            return std::nullopt;
        }
        o.repetitions = *v;
    }
    return o;
}

struct summary {
    double median = 0;
    double p90 = 0;
};

summary summarise(std::vector<double> ms) {
    std::sort(ms.begin(), ms.end());
    const auto n = ms.size();
    summary s;
    s.median = n % 2 == 1 ? ms[n / 2] : (ms[n / 2 - 1] + ms[n / 2]) / 2.0;
    s.p90 = ms[std::min(n - 1, (n * 9 + 9) / 10 - 1)];
    return s;
}

template <typename Fn>
double time_ms(Fn&& fn) {
    const auto start = bench_clock::now();
    fn();
    return duration<double, std::milli>(bench_clock::now() - start).count();
}

const char* verdict(bool met) {
    return met ? "met" : "NOT MET";
}

// Prints the comparison; whether both goals are met.
bool report(const char* what, const std::vector<double>& scheduler_ms,
            const std::vector<double>& raw_ms) {
    const auto sched = summarise(scheduler_ms);
    const auto raw = summarise(raw_ms);
    const double ratio = raw.median > 0 ? sched.median / raw.median : 0;
    std::printf("%s\n", what);
    std::printf("  scheduler  median %9.3f ms  p90 %9.3f ms\n", sched.median, sched.p90);
    std::printf("  raw SQL    median %9.3f ms  p90 %9.3f ms\n", raw.median, raw.p90);
    std::printf("  ratio %.2f (goal <= %.0f): %s;  time %.3f ms (goal < %.0f ms): %s\n", ratio,
                goal_ratio, verdict(ratio <= goal_ratio), sched.median, goal_ms,
                verdict(sched.median < goal_ms));
    return ratio <= goal_ratio && sched.median < goal_ms;
}

// The latest instant t with step(t) <= now, for a step that only grows with t.
template <typename Step>
sys_seconds latest_due(sys_seconds now, Step&& step) {
    sys_seconds lo = now - days{60};
    sys_seconds hi = now;
    if (step(hi) <= now) {
        return hi;
    }
    while (hi - lo > seconds{1}) {
        const sys_seconds mid = lo + (hi - lo) / 2;
        (step(mid) <= now ? lo : hi) = mid;
    }
    return lo;
}

bench::raw_cutoffs cutoffs_at(const daemon::schedule_config& cfg, sys_seconds now) {
    const auto& f = cfg.followup;
    const auto& cal = cfg.calendar;
    bench::raw_cutoffs out;
    out.new_case_reminded = latest_due(
        now, [&](sys_seconds t) { return cal.add_working_days(t, f.receive_within_working_days); });
    out.new_case_escalated = latest_due(now, [&](sys_seconds t) {
        return cal.add_working_days(cal.add_working_days(t, f.receive_within_working_days),
                                    f.escalate_after_working_days);
    });
    // A measure's escalation: some working days after the morning after its due date.
    year_month_day d = bot::to_oslo(now).date;
    for (;; d = year_month_day{sys_days{d} - days{1}}) {
        const auto overdue =
            bot::work_calendar::at_local(year_month_day{sys_days{d} + days{1}}, seconds{0});
        if (cal.add_working_days(cal.next_working_instant(overdue),
                                 f.measure_escalate_after_working_days) <= now) {
            break;
        }
    }
    out.measure_escalated = d;
    return out;
}

struct due_items {
    std::int64_t procedures = 0;
    std::int64_t cases = 0;
    std::int64_t measures = 0;
    std::int64_t wheel = 0;
};

due_items distinct_subjects(const std::vector<bot::due_reminder>& due) {
    std::set<std::string> procedures, cases, measures, wheel;
    for (const auto& r : due) {
        switch (r.kind) {
            case bot::reminder_kind::procedure_review:
                procedures.insert(r.subject);
                break;
            case bot::reminder_kind::deviation_followup:
                cases.insert(r.subject);
                break;
            case bot::reminder_kind::measure:
                measures.insert(r.subject);
                break;
            default:
                wheel.insert(r.subject);
                break;
        }
    }
    return {static_cast<std::int64_t>(procedures.size()), static_cast<std::int64_t>(cases.size()),
            static_cast<std::int64_t>(measures.size()), static_cast<std::int64_t>(wheel.size())};
}

// The database file with its write-ahead log, which holds the fill until a checkpoint.
std::uintmax_t store_bytes(const fs::path& db) {
    std::error_code ec;
    const auto wal = fs::file_size(fs::path{db.string() + "-wal"}, ec);
    return fs::file_size(db) + (ec ? 0 : wal);
}

std::string show(std::optional<sys_seconds> t) {
    return t ? daemon::format_iso_oslo(*t) : std::string{"none"};
}

const fs::path config_file = fs::path{KV_SOURCE_DIR} / "config" / "kvalitetsvakt.toml";

int fill_only(const fs::path& database, std::int64_t items) {
    auto loaded = daemon::load_config(config_file, std::cerr);
    if (!loaded) {
        return 2;
    }
    const auto now = floor<seconds>(system_clock::now());
    daemon::store_options so;
    so.path = database;
    daemon::store s{so};
    s.sync_organisation(loaded->org, now);
    const auto counts = bench::fill_store(s, loaded->org, items, now);
    std::printf("%s: %lld open items: %lld procedures, %lld deviation cases, %lld measures\n",
                database.c_str(), static_cast<long long>(counts.items()),
                static_cast<long long>(counts.procedures), static_cast<long long>(counts.cases),
                static_cast<long long>(counts.measures));
    return 0;
}

int run(const options& o) {
    auto loaded = daemon::load_config(config_file, std::cerr);
    if (!loaded) {
        return 2;
    }
    auto sched_cfg = daemon::load_schedule_config(loaded->cfg, loaded->org, std::cerr);
    if (!sched_cfg) {
        return 2;
    }
    const fs::path dir =
        fs::temp_directory_path() / ("kv-schedule-bench-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    daemon::store_options so;
    so.path = dir / "store.db";
    so.synchronous_full = false;
    daemon::store s{so};
    s.sync_organisation(loaded->org, bench_now);

    bench::fill_counts counts;
    const double fill_ms =
        time_ms([&] { counts = bench::fill_store(s, loaded->org, o.items, bench_now); });
    const daemon::scheduler sched{*sched_cfg};
    const auto wheel_year = sched.occurrences(bench_now, bench_now + days{365});
    std::printf(
        "store: %lld open items: %lld procedures, %lld deviation cases (%lld still new), %lld "
        "measures; filled in %.1f s, %.0f MB\n",
        static_cast<long long>(counts.items()), static_cast<long long>(counts.procedures),
        static_cast<long long>(counts.cases), static_cast<long long>(counts.new_cases),
        static_cast<long long>(counts.measures), fill_ms / 1000.0,
        static_cast<double>(store_bytes(so.path)) / 1e6);
    std::printf("annual wheel (configuration): %zu items, %zu occurrences in the coming year\n",
                sched_cfg->wheel.items.size(), wheel_year.size());
    std::printf("now: %s; %d repetitions after one warm-up\n\n",
                daemon::format_iso_oslo(bench_now).c_str(), o.repetitions);

    // (a) the next due instant.
    std::optional<sys_seconds> sched_next, raw_next;
    std::vector<double> sched_a, raw_a;
    for (int i = 0; i <= o.repetitions; ++i) {
        const double ms = time_ms([&] { sched_next = sched.next_due(s, bench_now); });
        const double raw = time_ms([&] { raw_next = bench::raw_next_due(s.db(), bench_now); });
        if (i > 0) {
            sched_a.push_back(ms);
            raw_a.push_back(raw);
        }
    }
    auto expected_next = raw_next;
    const auto wheel_next =
        bot::wheel_next_due(sched.occurrences(bench_now, bench_now + days{800}), bench_now);
    if (wheel_next && (!expected_next || *wheel_next < *expected_next)) {
        expected_next = wheel_next;
    }
    report("(a) next due instant", sched_a, raw_a);
    std::printf("  answers: scheduler %s, raw %s (wheel %s): %s\n\n", show(sched_next).c_str(),
                show(raw_next).c_str(), show(wheel_next).c_str(),
                sched_next == expected_next ? "agree" : "DIFFER");

    // (b) the reminders due at now, offered as the daemon's run would (bodies built, nothing
    // enqueued), against the raw anti-joined queries. Cold: the outbox is empty, so every
    // overdue step is offered at once (the first run's catch-up). Steady: the daemon ran at this
    // time each of the previous days, through the real code path, and what is new is offered.
    const auto cutoffs = cutoffs_at(*sched_cfg, bench_now);
    const auto phase = [&](const char* what) {
        std::vector<bot::due_reminder> offered;
        bench::raw_due_rows raw_rows;
        std::vector<double> sched_ms, raw_ms, decide_ms;
        std::vector<bot::due_reminder> decided;
        for (int i = 0; i <= o.repetitions; ++i) {
            // The previous results are freed before the clock starts, not inside the timing.
            offered = {};
            decided = {};
            const double ms =
                time_ms([&] { offered = sched.run_once(s, bench_now, /*dry_run=*/true); });
            const double raw =
                time_ms([&] { raw_rows = bench::raw_fresh_due_at(s.db(), bench_now, cutoffs); });
            const double decide = time_ms([&] { decided = sched.due_at(s, bench_now); });
            if (i > 0) {
                sched_ms.push_back(ms);
                raw_ms.push_back(raw);
                decide_ms.push_back(decide);
            }
        }
        const auto items = distinct_subjects(offered);
        const std::int64_t wheel_reminders = static_cast<std::int64_t>(std::count_if(
            offered.begin(), offered.end(),
            [](const bot::due_reminder& r) { return r.kind == bot::reminder_kind::wheel; }));
        const bool agree =
            items.procedures == raw_rows.procedures && items.cases == raw_rows.cases &&
            items.measures == raw_rows.measures &&
            static_cast<std::int64_t>(offered.size()) - wheel_reminders == raw_rows.reminders;
        const bool met = report(what, sched_ms, raw_ms);
        const auto raw = summarise(raw_ms);
        if (!met && raw.median >= goal_ms) {
            std::printf("  (the raw query alone takes %.3f ms, over the %.0f ms goal)\n",
                        raw.median, goal_ms);
        }
        std::printf("  deciding alone (due_at, no bodies, outbox not read): median %.3f ms\n",
                    summarise(decide_ms).median);
        std::printf(
            "  answers: scheduler %zu new reminders about %lld procedures, %lld cases, %lld "
            "measures (+%lld wheel items); raw %lld reminders about %lld procedures, %lld cases, "
            "%lld measures: %s\n\n",
            offered.size(), static_cast<long long>(items.procedures),
            static_cast<long long>(items.cases), static_cast<long long>(items.measures),
            static_cast<long long>(items.wheel), static_cast<long long>(raw_rows.reminders),
            static_cast<long long>(raw_rows.procedures), static_cast<long long>(raw_rows.cases),
            static_cast<long long>(raw_rows.measures), agree ? "agree" : "DIFFER");
        return agree;
    };
    const bool cold_agree = phase("(b-cold) reminders due at now, empty outbox (first run)");

    constexpr int days_before = 7;
    std::size_t enqueued = 0;
    std::printf("outbox: the daemon's runs at this time on each of the %d days before:",
                days_before);
    for (int d = days_before; d >= 1; --d) {
        const double ms = time_ms(
            [&] { enqueued += sched.run_once(s, bench_now - days{d}, /*dry_run=*/false).size(); });
        std::printf(" %.0f", ms);
    }
    std::printf(
        " ms (the first decides everything and indexes each item's next step), %zu "
        "reminders enqueued\n\n",
        enqueued);
    const bool steady_agree =
        phase("(b-steady) reminders due at now, the outbox holding the earlier runs'");
    std::size_t sent_now = 0;
    const double daemon_ms =
        time_ms([&] { sent_now = sched.run_once(s, bench_now, /*dry_run=*/false).size(); });
    std::printf(
        "the daemon's run at now: %zu reminders, messages built, enqueued and the run recorded, "
        "in %.1f ms (synchronous=NORMAL)\n\n",
        sent_now, daemon_ms);

    fs::remove_all(dir);
    return sched_next == expected_next && cold_agree && steady_agree ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    const bool fill = argc > 1 && std::string_view{argv[1]} == "--fill";
    const auto o = fill ? parse_args(argc - 2, argv + 2) : parse_args(argc, argv);
    if (!o || (fill && (argc < 3 || argc > 4))) {
        std::fprintf(stderr,
                     "usage: kv_schedule_bench [open items >= 10] [repetitions]\n"
                     "       kv_schedule_bench --fill DATABASE [open items >= 10]\n");
        return 2;
    }
    try {
        if (fill) {
            return fill_only(argv[2], argc > 3 ? o->items : 100'000);
        }
        return run(*o);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "kv_schedule_bench: %s\n", e.what());
        return 1;
    }
}
