#pragma once
// The subcommands that work on an opened app. Each returns the process's exit code.

#include <iosfwd>
#include <optional>
#include <string>

#include "daemon/app/app.hpp"

namespace kv::daemon {

// `kvalitetsvakt serve`: HTTP (/healthz, /metrics) until SIGTERM or SIGINT, then a graceful stop.
int run_serve(app& a);

// `kvalitetsvakt chat --as EMAIL`: talk to the bot as one person on the console.
int run_chat(app& a, const std::string& email, std::istream& in, std::ostream& out,
             bool interactive);

// `kvalitetsvakt report deviations [--year Y] [--format json|csv]`.
int run_report_deviations(app& a, std::optional<int> year, const std::string& format,
                          std::ostream& out);

// `kvalitetsvakt import people FILE.csv`.
int run_import_people(app& a, const std::string& file, std::ostream& out, std::ostream& err);

// `kvalitetsvakt import procedures FILE.csv`: the quality library, all or nothing.
int run_import_procedures(app& a, const std::string& file, std::ostream& out, std::ostream& err);

// `kvalitetsvakt remind --at T [--dry-run]`: the scheduler once, as if now were T; prints each
// reminder it enqueues (or, dry, would enqueue) as one JSON line.
int run_remind(app& a, const std::string& at, bool dry_run, std::ostream& out, std::ostream& err);

// EX_TEMPFAIL: an MTA pipe transport offers the message again later.
inline constexpr int exit_tempfail = 75;

// `kvalitetsvakt mail ingest < message.eml`: handles one message from `in` through the inbound
// email path and prints its outcome as one JSON line. Exit 0 for every handled outcome (also
// refusals), exit_tempfail when the message could not be read or stored.
int run_mail_ingest(app& a, std::istream& in, std::ostream& out);

// `kvalitetsvakt teams manifest --out FILE.zip`: writes the Teams app package (manifest.json
// with the bot id and the command list, color.png, outline.png). Needs teams.app_id and
// teams.app_domain; exit_usage naming each missing key, exit_failure when the file cannot be
// written (nothing is left half-written), else exit_ok.
int run_teams_manifest(const loaded_config& c, const std::string& out_file, std::ostream& out,
                       std::ostream& err);
// The manifest.json of that package (for tests).
std::string teams_manifest_json(const loaded_config& c);

}  // namespace kv::daemon
