#pragma once
// The domain records the bot reasons about: people, units, committees, deviation cases and
// their measures. Plain values with no behaviour beyond naming; rules live beside them.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kv::bot {

using time_point = std::chrono::sys_seconds;

enum class language { nb, en };

// The channel a person prefers for notifications.
enum class channel { console, teams, email };

enum class case_kind { avvik, nestenuhell, forbedringsforslag, klage };
enum class category { hms, organisasjon, tjeneste };

// ny: filed, nobody has acted; mottatt: a leader has taken it; under_behandling: risk assessed or
// measures decided; lukket: closed with a conclusion.
enum class case_state { ny, mottatt, under_behandling, lukket };

enum class risk_level { green, yellow, red };

// Whether a serious event may have to be reported to the supervisory authorities.
enum class authority_flag { none, pending, reported, not_required };

enum class measure_state { open, done };

struct person {
    std::string email;  // lower case; the identity across channels
    std::string name;
    std::string unit_id;
    std::string role;  // "employee", "leader", "deputy", "quality_coordinator", "admin" ...
    language lang = language::nb;
    channel preferred = channel::console;
    bool active = true;
};

struct unit {
    std::string id;
    std::string name;
    std::string parent_id;  // empty at the top
    std::string leader_email;
    std::string deputy_email;
};

enum class committee_kind { quality, patient_safety };

struct committee_member {
    std::string email;
    std::string role;  // "chair", "facilitator", "member", "employee_rep", "safety_delegate" ...
};

struct committee {
    std::string id;
    std::string name;
    committee_kind kind = committee_kind::quality;
    std::string unit_id;  // the part of the organisation it covers
    std::vector<committee_member> members;
};

struct risk_assessment {
    int probability = 0;  // 1..5
    int consequence = 0;  // 1..5
    int score() const { return probability * consequence; }
};

struct measure {
    int number = 0;  // 1.. within the case
    std::string text;
    std::string responsible_email;
    std::string due_date;  // YYYY-MM-DD, local
    measure_state state = measure_state::open;
    std::optional<time_point> done_at;
    std::string effect;  // the leader's evaluation of whether it worked
    std::optional<time_point> evaluated_at;
};

struct deviation_case {
    std::int64_t id = 0;    // store key; 0 until stored
    std::string human_id;   // AV-2026-0001
    int year = 0;
    int seq = 0;
    case_kind kind = case_kind::avvik;
    category cat = category::tjeneste;
    std::string unit_id;
    std::string reporter_email;
    std::string description;  // redacted before it gets here
    std::string occurred;     // local date and time as the reporter gave it, normalised
    std::string immediate_action;
    case_state state = case_state::ny;
    std::optional<risk_assessment> risk;
    authority_flag authority = authority_flag::none;
    std::string authority_note;
    std::string conclusion;
    time_point created_at{};
    time_point updated_at{};
    std::vector<measure> measures;
};

// One line of a case's history: what happened, when, by whom, through which channel.
struct case_event {
    std::string case_human_id;
    time_point at{};
    std::string actor_email;
    channel via = channel::console;
    std::string kind;    // "filed", "received", "assessed", "measure_added", "forwarded", ...
    std::string detail;  // short, redacted, never health data beyond what the case holds
};

}  // namespace kv::bot
