// Measures what the issue sets goals for, against baselines taken in the same run:
//  1. durable filing rate through the store versus single-row SQLite inserts (goal >= 0.80),
//     one filer at a time and several at once (group commit), a filing being the store
//     persisting the bot's own decision on a submit; and, for information, the whole submit
//     with the bot deciding through the store's directory;
//  2. the bot's decision time on a filing versus copying the dialog state (goal < 50 µs).
// Prints its findings and exits 0 whether or not a goal is met; exits 2 on bad arguments.
//
// Usage: kv_bench [filings per round (2000)] [rounds (3)] [decisions (20000)]

#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <future>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "bot/dialog/bot.hpp"
#include "bot/domain/case_id.hpp"
#include "daemon/store/group_commit.hpp"
#include "daemon/store/store.hpp"
#include "tests/bench/plain_sql_filing.hpp"
#include "tests/support/task_thread.hpp"

namespace {

using namespace kv;
namespace fs = std::filesystem;
using bench_clock = std::chrono::steady_clock;

constexpr double filing_goal_ratio = 0.80;
constexpr double decide_goal_us = 50.0;
const auto now = std::chrono::sys_seconds{std::chrono::seconds{1'780'000'000}};  // 2026-05-28

struct options {
    int filings = 2000;
    int rounds = 3;
    int decisions = 20000;
};

std::optional<int> positive(std::string_view s) {
    int v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || end != s.data() + s.size() || v <= 0) {
        return std::nullopt;
    }
    return v;
}

std::optional<options> parse_args(int argc, char** argv) {
    options o;
    int* const slots[] = {&o.filings, &o.rounds, &o.decisions};
    if (argc > 4) {
        return std::nullopt;
    }
    for (int i = 1; i < argc; ++i) {
        const auto v = positive(argv[i]);
        if (!v) {
            return std::nullopt;
        }
        *slots[i - 1] = *v;
    }
    return o;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const auto n = v.size();
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

double percentile(std::vector<double> v, double p) {
    std::sort(v.begin(), v.end());
    const auto index = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
    return v[index];
}

double seconds_since(bench_clock::time_point start) {
    return std::chrono::duration<double>(bench_clock::now() - start).count();
}

// A demo-sized municipality: 6 units in a tree, 20 people, one committee.
daemon::organisation demo_organisation() {
    daemon::organisation org;
    org.name = "Eksempel kommune";
    const auto mail = [](std::string_view who) {
        return std::string{who} + "@eksempel.kommune.no";
    };
    struct unit_row {
        const char* id;
        const char* name;
        const char* parent;
        const char* leader;
        const char* deputy;
    };
    const unit_row units[] = {
        {"kommune", "Kommunedirektøren", "", "ingrid.bakke", "lars.moen"},
        {"helse", "Helse og omsorg", "kommune", "hilde.strand", "tor.eriksen"},
        {"solbakken", "Solbakken sykehjem", "helse", "per.hansen", "anne.johansen"},
        {"hjemmetjenesten", "Hjemmetjenesten", "helse", "marte.larsen", "jonas.haugen"},
        {"oppvekst", "Oppvekst og kultur", "kommune", "randi.solberg", "geir.andersen"},
        {"eikely", "Eikely barnehage", "oppvekst", "silje.dahl", "nina.lie"},
    };
    for (const auto& u : units) {
        org.units.push_back({u.id, u.name, u.parent, mail(u.leader), mail(u.deputy)});
        org.people.push_back({mail(u.leader), u.leader, u.id, "leader", bot::language::nb,
                              bot::channel::console, true});
        org.people.push_back({mail(u.deputy), u.deputy, u.id, "deputy", bot::language::nb,
                              bot::channel::console, true});
    }
    const std::pair<const char*, const char*> staff[] = {
        {"kari.nordmann", "solbakken"},  {"ola.nordmann", "solbakken"},
        {"siri.berg", "solbakken"},      {"even.lund", "hjemmetjenesten"},
        {"mona.vik", "hjemmetjenesten"}, {"trond.aas", "eikely"},
        {"heidi.foss", "eikely"},        {"kvalitet.koordinator", "kommune"},
    };
    for (const auto& [who, unit_id] : staff) {
        org.people.push_back(
            {mail(who), who, unit_id, "employee", bot::language::nb, bot::channel::console, true});
    }
    org.committees.push_back({"kvalitetsutvalg",
                              "Kvalitetsutvalget",
                              bot::committee_kind::quality,
                              "kommune",
                              {{mail("ingrid.bakke"), "chair"},
                               {mail("kvalitet.koordinator"), "facilitator"},
                               {mail("hilde.strand"), "member"}}});
    return org;
}

const std::string reporter = "kari.nordmann@eksempel.kommune.no";

// A folder of its own under the system's temporary folder, removed with everything in it.
class temp_folder {
  public:
    temp_folder() : path_(fs::temp_directory_path() / ("kv_bench-" + std::to_string(::getpid()))) {
        fs::remove_all(path_);
        fs::create_directories(path_);
    }
    ~temp_folder() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    temp_folder(const temp_folder&) = delete;
    temp_folder& operator=(const temp_folder&) = delete;
    const fs::path& path() const { return path_; }

  private:
    fs::path path_;
};

// ---- 1. Durable filing rate ----

// The organisation and the cases as the bot sees them, in memory.
class memory_directory final : public bot::directory {
  public:
    explicit memory_directory(const daemon::organisation& org) {
        for (const auto& u : org.units) {
            units_.emplace(u.id, u);
        }
        for (const auto& p : org.people) {
            people_.emplace(p.email, p);
        }
        committees_ = org.committees;
    }
    std::optional<bot::person> find_person(const std::string& email) const override {
        const auto it = people_.find(email);
        return it == people_.end() ? std::nullopt : std::optional{it->second};
    }
    std::optional<bot::unit> find_unit(const std::string& id) const override {
        const auto it = units_.find(id);
        return it == units_.end() ? std::nullopt : std::optional{it->second};
    }
    std::vector<bot::unit> all_units() const override {
        std::vector<bot::unit> out;
        for (const auto& [id, u] : units_) {
            out.push_back(u);
        }
        return out;
    }
    std::vector<bot::committee> all_committees() const override { return committees_; }

  private:
    std::map<std::string, bot::person> people_;
    std::map<std::string, bot::unit> units_;
    std::vector<bot::committee> committees_;
};

// No cases yet; one dialog in progress for everyone; the next case gets number `seq`.
class memory_repository final : public bot::repository {
  public:
    explicit memory_repository(bot::conversation_state conv, int seq = 42)
        : conv_(std::move(conv)), seq_(seq) {}
    std::optional<bot::deviation_case> find_case(const std::string&) const override {
        return std::nullopt;
    }
    std::vector<bot::deviation_case> cases_reported_by(const std::string&) const override {
        return {};
    }
    std::vector<bot::deviation_case> open_cases_in(const std::vector<std::string>&) const override {
        return {};
    }
    int next_case_seq(int) const override { return seq_; }
    bot::conversation_state conversation(const std::string&, bot::channel) const override {
        return conv_;
    }

  private:
    bot::conversation_state conv_;
    int seq_;
};

// A filing whose every field is set, waiting for "submit".
bot::conversation_state filled_in_filing() {
    bot::conversation_state s;
    s.flow = "file";
    s.fields = {{"asking", "confirm"},
                {"description",
                 "Feil medisin ble gitt til beboer på rom 12 under kveldsvakten; oppdaget ved "
                 "neste utdeling."},
                {"kind", "avvik"},
                {"kind_guessed", "1"},
                {"category", "tjeneste"},
                {"unit", "solbakken"},
                {"occurred", "2026-05-27 21:30"},
                {"immediate_action", "Lege kontaktet, beboer observert"}};
    return s;
}

std::string filer_email(int i) {
    return "ansatt" + std::to_string(i) + "@eksempel.kommune.no";
}

bot::inbound_event submit_by(int filer) {
    bot::inbound_event ev;
    ev.sender_email = filer_email(filer);
    ev.via = bot::channel::console;
    ev.conversation = "bench";
    ev.action_verb = "draft.submit";
    ev.dedupe_key = "console:bench:" + std::to_string(filer);
    return ev;
}

// The demo municipality with `filers` more staff at Solbakken.
daemon::organisation bench_organisation(int filers) {
    auto org = demo_organisation();
    for (int i = 0; i < filers; ++i) {
        org.people.push_back({filer_email(i), "Ansatt " + std::to_string(i), "solbakken",
                              "employee", bot::language::nb, bot::channel::console, true});
    }
    return org;
}

// Seats the staff of bench_organisation(filers) in the store, each with a filing filled in and
// stored as the turns before "submit" leave it, so that a submit ends a stored dialog.
void seat_filers(daemon::store& store, int filers) {
    store.sync_organisation(bench_organisation(filers), now);
    std::vector<bot::inbound_event> turns;
    for (int i = 0; i < filers; ++i) {
        turns.push_back(submit_by(i));
        turns.back().dedupe_key = "console:bench:fill:" + std::to_string(i);
    }
    const daemon::store::decide_fn fill_in = [](const bot::directory&, const bot::repository&) {
        bot::decision d;
        d.conversation = filled_in_filing();
        return d;
    };
    std::vector<daemon::store::batch_item> items;
    for (const auto& ev : turns) {
        items.push_back({&ev, &fill_in});
    }
    for (const auto& outcome : store.handle_many(items, now)) {
        if (outcome.error) {
            std::rethrow_exception(outcome.error);
        }
    }
}

// The bot's decision on a submit; throws when it is not a filing, so that a change in the
// dialog cannot turn the measurement into one of something else.
bot::decision submit_decision(const bot::bot& b, const bot::inbound_event& ev,
                              const bot::directory& dir, const bot::repository& repo) {
    auto d = b.decide(ev, dir, repo, now);
    if (!d.case_write || d.notifications.size() != 2 || !d.conversation ||
        !d.conversation->empty()) {
        throw std::runtime_error("the submit of " + ev.sender_email +
                                 " did not file a case with a card to leader and deputy");
    }
    return d;
}

// What the bot decides on the submit of each of `n` filers, in order, as it decides it in the
// store (the same organisation, the n-th filing numbered n): the case, its history line carrying
// the audit record, the card with its forms to the unit's leader and to the deputy, the end of
// the dialog.
std::vector<bot::decision> decided_filings(int n) {
    const memory_directory dir{bench_organisation(n)};
    const bot::bot b{bot::bot_settings{}};
    std::vector<bot::decision> out;
    for (int k = 0; k < n; ++k) {
        const memory_repository repo{filled_in_filing(), k + 1};
        out.push_back(submit_decision(b, submit_by(k), dir, repo));
    }
    return out;
}

// Files deviations through the store, one submit (one transaction) each: the store persisting
// the bot's decision (`decided` given), or the bot deciding through the store's directory and
// then the store persisting (end to end, `decided` empty).
class store_filer {
  public:
    store_filer(const fs::path& file, bool synchronous_full, int filings,
                std::vector<bot::decision> decided)
        : store_(daemon::store_options{file, synchronous_full, 5000}),
          decided_(std::move(decided)) {
        seat_filers(store_, filings);
    }
    // Files `n` more; returns the seconds it took.
    double run(int n) {
        const auto start = bench_clock::now();
        for (int k = 0; k < n; ++k, ++done_) {
            const auto ev = submit_by(done_);
            if (decided_.empty()) {
                store_.handle(ev, now, [&](const bot::directory& dir, const bot::repository& repo) {
                    return submit_decision(bot_, ev, dir, repo);
                });
            } else {
                auto& d = decided_[static_cast<std::size_t>(done_)];
                store_.handle(ev, now, [&d](const bot::directory&, const bot::repository&) {
                    return std::move(d);
                });
            }
        }
        return seconds_since(start);
    }

  private:
    daemon::store store_;
    const bot::bot bot_{bot::bot_settings{}};
    std::vector<bot::decision> decided_;
    int done_ = 0;
};

// Files deviations from `filers` people at once, each waiting for its receipt before filing the
// next, through the store thread's group commit, as `serve` handles Teams messages; the store
// persists the bot's decisions.
class group_filer {
  public:
    group_filer(const fs::path& file, bool synchronous_full, int filers,
                std::vector<bot::decision> decided)
        : store_(daemon::store_options{file, synchronous_full, 5000}),
          commits_(
              store_, [this](std::function<void()> f) { thread_.post(std::move(f)); },
              [] { return now; }),
          filers_(filers),
          decided_(std::move(decided)) {
        seat_filers(store_, static_cast<int>(decided_.size()));
    }
    // Files `n` more, spread over the filers; returns the seconds it took.
    double run(int n) {
        const auto start = bench_clock::now();
        std::vector<std::thread> people;
        for (int f = 0; f < filers_; ++f) {
            const int share = n / filers_ + (f < n % filers_ ? 1 : 0);
            people.emplace_back([this, share] {
                for (int k = 0; k < share; ++k) {
                    file_one();
                }
            });
        }
        for (auto& p : people) {
            p.join();
        }
        return seconds_since(start);
    }
    double events_per_commit() const {
        return static_cast<double>(commits_.events()) /
               static_cast<double>(std::max<std::uint64_t>(1, commits_.commits()));
    }

  private:
    void file_one() {
        const int k = next_.fetch_add(1);
        auto* d = &decided_[static_cast<std::size_t>(k)];
        std::promise<void> receipt;
        commits_.submit(
            submit_by(k),
            [d](const bot::directory&, const bot::repository&) { return std::move(*d); },
            [&receipt](daemon::handle_result, std::exception_ptr error) {
                if (error) {
                    receipt.set_exception(error);
                } else {
                    receipt.set_value();
                }
            });
        receipt.get_future().get();
    }

    daemon::store store_;
    test::task_thread thread_;  // declared after the store: stops first
    daemon::group_commit commits_;
    int filers_;
    std::vector<bot::decision> decided_;
    std::atomic<int> next_{0};
};

// The baseline: single-row inserts into a one-table database with the store's pragmas, each in
// its own IMMEDIATE transaction, statements prepared once. Throws std::runtime_error.
class raw_inserter {
  public:
    raw_inserter(const fs::path& file, bool synchronous_full) {
        if (sqlite3_open(file.c_str(), &db_) != SQLITE_OK) {
            const std::string why = db_ ? sqlite3_errmsg(db_) : "out of memory";
            sqlite3_close(db_);
            throw std::runtime_error(file.string() + ": " + why);
        }
        sqlite3_busy_timeout(db_, 5000);
        exec("PRAGMA journal_mode = WAL");
        exec(synchronous_full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
        exec("PRAGMA foreign_keys = ON");
        exec(
            "CREATE TABLE entries (id INTEGER PRIMARY KEY, at INTEGER NOT NULL, "
            "payload TEXT NOT NULL)");
        begin_ = prepare("BEGIN IMMEDIATE");
        insert_ = prepare("INSERT INTO entries (at, payload) VALUES (?, ?)");
        commit_ = prepare("COMMIT");
    }
    ~raw_inserter() {
        sqlite3_finalize(begin_);
        sqlite3_finalize(insert_);
        sqlite3_finalize(commit_);
        sqlite3_close(db_);
    }
    raw_inserter(const raw_inserter&) = delete;
    raw_inserter& operator=(const raw_inserter&) = delete;

    // Inserts `n` more rows; returns the seconds it took.
    double run(int n) {
        static constexpr std::string_view payload = "filed";
        const auto start = bench_clock::now();
        for (int k = 0; k < n; ++k, ++done_) {
            step(begin_);
            sqlite3_bind_int64(insert_, 1, now.time_since_epoch().count() + done_);
            sqlite3_bind_text(insert_, 2, payload.data(), static_cast<int>(payload.size()),
                              SQLITE_STATIC);
            step(insert_);
            step(commit_);
        }
        return seconds_since(start);
    }

  private:
    void exec(const char* sql) {
        if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) {
            fail(sql);
        }
    }
    sqlite3_stmt* prepare(const char* sql) {
        sqlite3_stmt* s = nullptr;
        if (sqlite3_prepare_v2(db_, sql, -1, &s, nullptr) != SQLITE_OK) {
            fail(sql);
        }
        return s;
    }
    void step(sqlite3_stmt* s) {
        if (sqlite3_step(s) != SQLITE_DONE) {
            sqlite3_reset(s);
            fail(sqlite3_sql(s));
        }
        sqlite3_reset(s);
    }
    [[noreturn]] void fail(const char* what) const {
        throw std::runtime_error(std::string{what} + ": " + sqlite3_errmsg(db_));
    }

    sqlite3* db_ = nullptr;
    sqlite3_stmt* begin_ = nullptr;
    sqlite3_stmt* insert_ = nullptr;
    sqlite3_stmt* commit_ = nullptr;
    std::int64_t done_ = 0;
};

// The submits of the first `n` filers, in order.
std::vector<bot::inbound_event> submits(int n) {
    std::vector<bot::inbound_event> out;
    for (int k = 0; k < n; ++k) {
        out.push_back(submit_by(k));
    }
    return out;
}

// A file the store has set up for `n` filings and closed, for plain SQL to file them.
fs::path seated_for_plain_sql(fs::path file, int n) {
    daemon::store store{daemon::store_options{file, true, 5000}};
    seat_filers(store, n);
    return file;
}

struct rates {
    double store = 0;       // filings/s persisted, one filer at a time
    double plain = 0;       // the same rows written by plain SQL (durable rounds only)
    double raw = 0;         // inserts/s
    double end_to_end = 0;  // filings/s decided through the store and persisted, one at a time
    double group = 0;       // filings/s persisted, `concurrent_filers` at once
    double per_commit = 0;
};

enum class medium { full, normal, memory };

constexpr int concurrent_filers = 8;

// One round on fresh files: `n` filings persisted one at a time, `n` inserts, `n` filings end to
// end, and `n` filings persisted from `concurrent_filers` people at once, in alternating chunks,
// so that a slow phase of a shared disk slows every side alike. In memory not the last.
rates measure_round(const fs::path& folder, int round, int n, medium m,
                    const std::vector<bot::decision>& decided) {
    constexpr int chunk = 50;
    const bool full = m == medium::full;
    const auto name = (full ? "-full-" : "-normal-") + std::to_string(round) + ".db";
    const auto file = [&](const char* side) {
        return m == medium::memory ? fs::path{":memory:"} : folder / (side + name);
    };
    store_filer filer{file("store"), full, n, decided};
    raw_inserter inserter{file("raw"), full};
    store_filer end_to_end{file("submit"), full, n, {}};
    std::optional<group_filer> group;
    if (m != medium::memory) {
        group.emplace(file("group"), full, concurrent_filers, decided);
    }
    std::optional<bench::plain_sql_filer> plain;
    if (full) {
        plain.emplace(seated_for_plain_sql(file("plain"), n), submits(n), decided, now);
    }
    double store_s = 0, raw_s = 0, plain_s = 0, end_to_end_s = 0, group_s = 0;
    for (int done = 0, c = 0; done < n; done += chunk, ++c) {
        const int k = std::min(chunk, n - done);
        if ((c + round) % 2 == 0) {
            store_s += filer.run(k);
            raw_s += inserter.run(k);
        } else {
            raw_s += inserter.run(k);
            store_s += filer.run(k);
        }
        if (plain) {
            plain_s += plain->run(k);
        }
        end_to_end_s += end_to_end.run(k);
        if (group) {
            group_s += group->run(k);
        }
    }
    rates r{n / store_s, 0, n / raw_s, n / end_to_end_s, 0, 0};
    if (plain) {
        bench::require_same_rows(file("store"), file("plain"));
        r.plain = n / plain_s;
    }
    if (group) {
        r.group = n / group_s;
        r.per_commit = group->events_per_commit();
    }
    return r;
}

const char* verdict(double ratio) {
    return ratio >= filing_goal_ratio ? "met" : "NOT MET";
}

void bench_filing(const options& o) {
    temp_folder dir;
    std::printf(
        "filing: %d filings and %d inserts per round, %d rounds, in %s; a filing is the bot's "
        "decision on a submit (the case, its history line, a card with its forms to the "
        "unit's leader and to the deputy, the stored dialog ended)\n",
        o.filings, o.filings, o.rounds, dir.path().c_str());
    const auto decided = decided_filings(o.filings);
    std::vector<double> store_rates, raw_rates, ratios, plain_ratios, of_plain, end_to_end_ratios,
        group_rates, group_ratios, per_commit;
    for (int r = 0; r < o.rounds; ++r) {
        const auto got = measure_round(dir.path(), r, o.filings, medium::full, decided);
        store_rates.push_back(got.store);
        raw_rates.push_back(got.raw);
        ratios.push_back(got.store / got.raw);
        plain_ratios.push_back(got.plain / got.raw);
        of_plain.push_back(got.store / got.plain);
        end_to_end_ratios.push_back(got.end_to_end / got.raw);
        group_rates.push_back(got.group);
        group_ratios.push_back(got.group / got.raw);
        per_commit.push_back(got.per_commit);
        std::printf(
            "  round %d: store %.0f /s, raw %.0f /s, ratio %.2f; plain SQL %.0f /s, ratio %.2f; "
            "end to end %.0f /s, ratio %.2f; %d filers at once: %.0f /s (%.1f filings per "
            "commit), ratio %.2f\n",
            r + 1, got.store, got.raw, got.store / got.raw, got.plain, got.plain / got.raw,
            got.end_to_end, got.end_to_end / got.raw, concurrent_filers, got.group, got.per_commit,
            got.group / got.raw);
        std::fflush(stdout);
    }
    // What is left without an fsync per commit is each side's write() and checkpoint cost plus
    // its CPU; in memory only the CPU.
    const auto normal = measure_round(dir.path(), 0, o.filings, medium::normal, decided);
    const auto memory = measure_round(dir.path(), 0, o.filings, medium::memory, decided);
    std::printf(
        "  synchronous=NORMAL (no fsync per commit): store %.0f /s, raw %.0f /s, ratio %.2f; "
        "end to end %.0f /s\n",
        normal.store, normal.raw, normal.store / normal.raw, normal.end_to_end);
    std::printf(
        "  :memory: (CPU only): store %.0f µs per filing, end to end %.0f µs, raw %.1f µs "
        "per insert\n",
        1e6 / memory.store, 1e6 / memory.end_to_end, 1e6 / memory.raw);
    // The ratio is taken per round, where every side shared the same disk weather.
    const double ratio = median(ratios);
    const double group_ratio = median(group_ratios);
    std::printf(
        "filing (store persisting the decision, one filer at a time): %.0f /s   raw insert: "
        "%.0f /s   ratio %.2f (median of rounds; goal >= %.2f: %s)\n",
        median(store_rates), median(raw_rates), ratio, filing_goal_ratio, verdict(ratio));
    std::printf(
        "ceiling, one filer at a time (plain SQL writing the same rows, checked equal, on the "
        "store's schema and WAL writer): ratio %.2f to raw; the store reaches %.2f of it "
        "(medians of rounds)\n",
        median(plain_ratios), median(of_plain));
    std::printf(
        "filing (store, %d filers at once, group commit): %.0f /s, %.1f filings per commit   "
        "ratio %.2f (goal >= %.2f: %s)\n",
        concurrent_filers, median(group_rates), median(per_commit), group_ratio, filing_goal_ratio,
        verdict(group_ratio));
    std::printf(
        "submit end to end (the bot deciding through the store's directory, then persisting, "
        "one at a time): ratio %.2f to raw (median of rounds)\n",
        median(end_to_end_ratios));
}

// ---- 2. Decision time ----

// Keeps the compiler from dropping work whose result nobody reads.
template <typename T>
void keep(const T& value) {
    asm volatile("" : : "g"(&value) : "memory");
}

// Per-call durations in µs of `fn`, run `batch` times per sample so that calls shorter than the
// clock's resolution still measure.
template <typename Fn>
std::vector<double> sample_us(int samples, int batch, Fn fn) {
    std::vector<double> out;
    out.reserve(static_cast<std::size_t>(samples));
    for (int s = 0; s < samples; ++s) {
        const auto start = bench_clock::now();
        for (int b = 0; b < batch; ++b) {
            fn();
        }
        out.push_back(seconds_since(start) * 1e6 / batch);
    }
    return out;
}

void bench_decide(const options& o) {
    const memory_directory dir{demo_organisation()};
    const auto conv = filled_in_filing();
    const memory_repository repo{conv};
    const bot::bot b{bot::bot_settings{}};
    bot::inbound_event ev;
    ev.sender_email = reporter;
    ev.via = bot::channel::console;
    ev.conversation = "bench";
    ev.dedupe_key = "console:bench:1";
    ev.action_verb = "draft.submit";

    const auto check = b.decide(ev, dir, repo, now);
    if (!check.case_write || check.notifications.empty()) {
        std::printf(
            "decide (bot): the filing did not file a case with a notification; the "
            "measurement would not mean anything\n");
        return;
    }
    const auto decide = [&] { keep(b.decide(ev, dir, repo, now)); };
    const auto copy = [&] { keep(bot::conversation_state{conv}); };
    sample_us(std::max(1, o.decisions / 10), 1, decide);  // warm-up
    const auto decide_us = sample_us(o.decisions, 1, decide);
    const auto copy_us = sample_us(std::max(1, o.decisions / 10), 100, copy);
    const double med = median(decide_us);
    std::printf(
        "decide (bot): median %.1f µs, p90 %.1f µs (goal < %.0f µs: %s)   "
        "[%d decisions, %zu notifications each]\n",
        med, percentile(decide_us, 0.9), decide_goal_us, med < decide_goal_us ? "met" : "NOT MET",
        o.decisions, check.notifications.size());
    std::printf("copy dialog state (baseline): median %.2f µs, decide/copy %.0fx\n",
                median(copy_us), med / median(copy_us));
}

int main_impl(int argc, char** argv) {
    const auto o = parse_args(argc, argv);
    if (!o) {
        std::fprintf(stderr,
                     "usage: kv_bench [filings per round (2000)] [rounds (3)] "
                     "[decisions (20000)]\n");
        return 2;
    }
    bench_decide(*o);
    bench_filing(*o);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return main_impl(argc, argv);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "kv_bench: %s\n", e.what());
        return 1;
    }
}
