#pragma once
// In-memory implementations of the bot's ports (bot/ports.hpp) and a small world that applies
// decisions to them the way the SQLite store does, so conversations can be scripted in tests.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "bot/decision.hpp"
#include "bot/dialog/bot.hpp"
#include "bot/events.hpp"
#include "bot/ports.hpp"
#include "tests/support/fake_library.hpp"

namespace kv::test {

// The organisation in memory: people by email, units and committees in the order added.
// Not thread-safe. Adding a person or unit with an existing key replaces it.
class fake_directory final : public bot::directory {
  public:
    fake_directory& add_person(bot::person p);
    fake_directory& add_unit(bot::unit u);
    fake_directory& add_committee(bot::committee c);
    // Sets a known person's language, as a stored preference does; ignores unknown people.
    void set_language(const std::string& email, bot::language lang);

    std::optional<bot::person> find_person(const std::string& email) const override;
    std::optional<bot::unit> find_unit(const std::string& id) const override;
    std::vector<bot::unit> all_units() const override;
    std::vector<bot::committee> all_committees() const override;
    // Everyone, active or not, ordered by email.
    std::vector<bot::person> people() const;

  private:
    std::map<std::string, bot::person> people_;
    std::vector<bot::unit> units_;
    std::vector<bot::committee> committees_;
};

// Cases and dialog state in memory. Cases keep insertion order; a case with id 0 gets the next
// free id when stored. Not thread-safe.
class fake_repository final : public bot::repository {
  public:
    // Inserts `c` when its id is 0 (returning the id given), else replaces the case with that id.
    // Throws std::logic_error when no case has that id, as the store refuses such a write.
    std::int64_t store_case(bot::deviation_case c);
    // Stores `s` for the person on the channel; an empty state removes it.
    void set_conversation(const std::string& email, bot::channel via, bot::conversation_state s);
    const std::vector<bot::deviation_case>& cases() const { return cases_; }

    std::optional<bot::deviation_case> find_case(const std::string& human_id) const override;
    std::vector<bot::deviation_case> cases_reported_by(const std::string& email) const override;
    std::vector<bot::deviation_case> open_cases_in(
        const std::vector<std::string>& unit_ids) const override;
    int next_case_seq(int year) const override;
    bot::conversation_state conversation(const std::string& email, bot::channel via) const override;
    const bot::library* quality_library() const override { return &library_; }
    fake_library& library() { return library_; }

  private:
    fake_library library_;
    std::vector<bot::deviation_case> cases_;
    std::int64_t next_id_ = 1;
    std::map<std::pair<std::string, bot::channel>, bot::conversation_state> conversations_;
};

// A directory and a repository with what a real store would have recorded besides them:
// notifications per recipient, audit rows and case history. Not thread-safe.
struct fake_world {
    fake_directory dir;
    fake_repository repo;
    std::map<std::string, std::vector<bot::notification>> inbox;  // by recipient email
    std::vector<bot::audit_record> audit;
    std::vector<bot::case_event> history;
    int case_writes = 0;

    // Applies `d` as the store does for an event from `actor` on `via`: writes the case, keeps
    // the dialog state (set, or cleared when empty), the language preference, and collects
    // notifications, audit rows and history. Throws std::logic_error for a case update whose
    // id is unknown, or history for a case that does not exist.
    void apply(const bot::decision& d, const std::string& actor, bot::channel via);
    // As apply, and the decision's library part at `now`.
    void apply(const bot::decision& d, const std::string& actor, bot::channel via,
               bot::time_point now);

    // Lets `b` decide `ev` against this world at `now`, applies the decision and returns it.
    bot::decision handle(const bot::bot& b, const bot::inbound_event& ev, bot::time_point now);

    // The notifications `email` received so far (empty when none).
    const std::vector<bot::notification>& received(const std::string& email) const;
};

// A bot with its world and a fixed clock, to script conversations line by line. Not thread-safe.
struct bot_harness {
    fake_world world;
    bot::bot b;
    bot::time_point now;

    bot_harness(fake_directory dir, bot::time_point at, bot::bot_settings settings = {});
    // `email` types `text` on the console; returns the applied decision.
    bot::decision say(const std::string& email, std::string text);
    // `email` presses a button with `verb` and `data` on the console; returns the applied decision.
    bot::decision press(const std::string& email, std::string verb,
                        std::map<std::string, std::string> data = {});
    bot::conversation_state conversation(const std::string& email) const;
};

// Everything a person would read in `m`, one piece per line: title, "label: value" facts, text,
// and the action labels as "[label]".
std::string flatten(const bot::message& m);
std::string flatten(const std::vector<bot::message>& ms);

// A small municipality to talk to the bot in. All addresses end in "@vik.kommune.no".
//
//   kommune (Vik kommune; leader radmann)
//   ├── helse (Helse og omsorg; leader helsesjef)
//   │   ├── sykehjem (Solsiden sykehjem; leader leder.sol, deputy nestleder.sol)
//   │   └── hjemme (Hjemmetjenesten; leader leder.hjem)
//   └── skole (Vik skole; leader rektor)
//
// Staff: kari (sykehjem), per (sykehjem), john (sykehjem, English), tone (hjemme), and
// gammel (sykehjem, inactive). The patient and user safety committee has psu.leder and
// kvalitet; the quality committee has radmann only.
fake_directory small_municipality();

// "<local part>@vik.kommune.no".
std::string at_vik(const std::string& local_part);

// The fixed "now" of the dialog tests: Monday 2026-11-23 10:00 UTC, 11:00 in Oslo.
inline constexpr bot::time_point monday_morning{
    std::chrono::sys_days{std::chrono::year{2026} / std::chrono::November / 23} +
    std::chrono::hours{10}};

inline bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// The value of the fact labelled `label`, or a text saying there is none.
inline std::string fact(const bot::message& m, const std::string& label) {
    for (const auto& f : m.facts) {
        if (f.label == label) {
            return f.value;
        }
    }
    return "(no fact " + label + ")";
}

}  // namespace kv::test
