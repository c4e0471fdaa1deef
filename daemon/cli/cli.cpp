#include "daemon/cli/cli.hpp"

#include <unistd.h>

#include <charconv>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "daemon/app/commands.hpp"
#include "daemon/version.hpp"

namespace kv::daemon {
namespace {

constexpr const char* default_config = "config/kvalitetsvakt.toml";

struct command_help {
    const char* name;
    const char* usage;
    const char* text;
};

const std::vector<command_help> helps{
    {"serve", "kvalitetsvakt serve",
     "Runs the daemon: the HTTP listener (GET /healthz, GET /metrics) on the address in the\n"
     "configuration's [http] section, until SIGTERM or SIGINT; then it finishes the work in\n"
     "flight, closes the store and exits 0."},
    {"chat", "kvalitetsvakt chat --as EMAIL",
     "Talks to the bot on this terminal as the person with EMAIL, through the same bot and\n"
     "store as every other channel. Type a number to press a button. With input from a pipe,\n"
     "each line is one message and the output is plain text."},
    {"check-config", "kvalitetsvakt check-config",
     "Validates the configuration and the organisation file it names. Prints each error as\n"
     "file:line: key: message and exits 2 when there is any, else prints 'ok'."},
    {"report", "kvalitetsvakt report deviations [--year Y] [--format json|csv]",
     "Lists the deviation cases (all, or those of year Y) with id, kind, category, unit, state,\n"
     "risk, the time of each transition and the redacted text. Default format: json."},
    {"import", "kvalitetsvakt import people FILE.csv",
     "Adds or updates people from an HR export with the columns email, name, unit, role\n"
     "(';' or ',' separated, UTF-8). All or nothing: any bad row is reported with its number\n"
     "and nothing is imported. Prints what was added and changed."},
    {"import", "kvalitetsvakt import procedures FILE.csv",
     "Loads the quality library from its export with the columns id, title, area, subgroup,\n"
     "unit, owner_email, revision_owner_email, version, last_reviewed, interval_months, url\n"
     "(';' or ',' separated, UTF-8). Procedures are matched by id: new ones are added, changed\n"
     "ones updated, and those no longer in the file removed from the active library. All or\n"
     "nothing: any bad row is reported with its number and nothing is imported."},
    {"remind", "kvalitetsvakt remind --at 2027-03-25T07:00:00+01:00 [--dry-run]",
     "Runs the scheduler once as if now were the given instant and prints each reminder it\n"
     "enqueues as one JSON line: deliver_at, recipient, channel, kind, subject, step,\n"
     "dedupe_key, title. A reminder already enqueued before is not enqueued or printed again.\n"
     "With --dry-run nothing is enqueued."},

    {"mail", "kvalitetsvakt mail ingest < message.eml",
     "Handles one email read from standard input (for an MTA pipe transport or support\n"
     "staff) through the same path as mail read over IMAP, and prints one JSON line:\n"
     "{\"message_id\", \"from\", \"outcome\", \"case\", \"detail\"}. Exits 0 for every handled\n"
     "outcome, including refusals; 75 (try again later) when it could not be stored."},
    {"teams", "kvalitetsvakt teams manifest --out kvalitetsvakt.zip",
     "Writes the Teams app package to upload in Teams: manifest.json (bot id = teams.app_id,\n"
     "personal, team and group chat scopes, the Norwegian command list, teams.app_domain as\n"
     "valid domain, version teams.package_version), color.png and outline.png."},
};

void print_usage(std::ostream& out) {
    out << "Kvalitetsvakt " << version
        << " – deviations, reminders and approvals for a municipality's quality system.\n\n"
           "Usage: kvalitetsvakt [--config FILE] <command> [options]\n\nCommands:\n";
    for (const auto& h : helps) {
        out << "  " << h.usage << "\n";
    }
    out << "\nOptions:\n  --config FILE  configuration file (default " << default_config
        << ")\n  --version      print the version\n  --help         this help; "
           "<command> --help for one command\n";
}

bool print_command_help(const std::string& name, std::ostream& out) {
    bool found = false;
    for (const auto& h : helps) {
        if (name == h.name) {
            out << (found ? "\n" : "") << "Usage: " << h.usage << "\n\n" << h.text << "\n";
            found = true;
        }
    }
    return found;
}

int usage_error(const std::string& message) {
    std::cerr << "kvalitetsvakt: " << message << "\nTry 'kvalitetsvakt --help'.\n";
    return exit_usage;
}

}  // namespace

int main_impl(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    std::string config = default_config;
    std::vector<std::string> rest;
    bool want_help = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--config") {
            if (i + 1 >= args.size()) {
                return usage_error("--config needs a file");
            }
            config = args[++i];
        } else if (args[i].rfind("--config=", 0) == 0) {
            config = args[i].substr(9);
        } else if (args[i] == "--version") {
            std::cout << "kvalitetsvakt " << version << "\n";
            return exit_ok;
        } else if (args[i] == "--help" || args[i] == "-h") {
            want_help = true;
        } else {
            rest.push_back(args[i]);
        }
    }
    if (rest.empty()) {
        print_usage(want_help ? std::cout : std::cerr);
        return want_help ? exit_ok : exit_usage;
    }
    const std::string command = rest[0];
    if (want_help) {
        if (!print_command_help(command, std::cout)) {
            return usage_error("unknown command '" + command + "'");
        }
        return exit_ok;
    }
    if (command == "remind") {
        bool dry_run = false;
        std::string at;
        for (std::size_t i = 1; i < rest.size(); ++i) {
            if (rest[i] == "--dry-run") {
                dry_run = true;
            } else if (rest[i] == "--at" && i + 1 < rest.size()) {
                at = rest[++i];
            } else {
                return usage_error("usage: kvalitetsvakt remind --at INSTANT [--dry-run]");
            }
        }
        if (at.empty()) {
            return usage_error("remind needs --at, e.g. --at 2027-03-25T07:00:00+01:00");
        }
        int exit_code = exit_ok;
        auto a = open_app(config, std::cerr, exit_code);
        if (!a) {
            return exit_code;
        }
        return run_remind(*a, at, dry_run, std::cout, std::cerr);
    }

    if (command == "teams") {
        if (rest.size() != 4 || rest[1] != "manifest" || rest[2] != "--out") {
            return usage_error("usage: kvalitetsvakt teams manifest --out FILE.zip");
        }
        const auto c = load_config(config, std::cerr);
        if (!c) {
            return exit_usage;
        }
        return run_teams_manifest(*c, rest[3], std::cout, std::cerr);
    }

    // Options of the form --name VALUE after the command.
    std::map<std::string, std::string> options;
    std::vector<std::string> positional;
    for (std::size_t i = 1; i < rest.size(); ++i) {
        if (rest[i].rfind("--", 0) == 0) {
            if (i + 1 >= rest.size()) {
                return usage_error(rest[i] + " needs a value");
            }
            options[rest[i].substr(2)] = rest[i + 1];
            ++i;
        } else {
            positional.push_back(rest[i]);
        }
    }
    const auto allow = [&](std::initializer_list<const char*> names) -> std::optional<int> {
        for (const auto& [name, value] : options) {
            bool known = false;
            for (const char* n : names) {
                known = known || name == n;
            }
            if (!known) {
                return usage_error("unknown option --" + name + " for '" + command + "'");
            }
        }
        return std::nullopt;
    };

    if (command == "check-config") {
        if (auto e = allow({})) {
            return *e;
        }
        if (!load_config(config, std::cerr)) {
            return exit_usage;
        }
        std::cout << "ok: " << config << "\n";
        return exit_ok;
    }

    const bool known_command = command == "serve" || command == "chat" || command == "report" ||
                               command == "import" || command == "mail";
    if (!known_command) {
        return usage_error("unknown command '" + command + "'");
    }
    if (command == "report" && (positional.size() != 1 || positional[0] != "deviations")) {
        return usage_error("usage: kvalitetsvakt report deviations [--year Y] [--format json|csv]");
    }
    if (command == "import" &&
        (positional.size() != 2 || (positional[0] != "people" && positional[0] != "procedures"))) {
        return usage_error("usage: kvalitetsvakt import people|procedures FILE.csv");
    }
    if (command == "mail" && (positional.size() != 1 || positional[0] != "ingest")) {
        return usage_error("usage: kvalitetsvakt mail ingest < message.eml");
    }
    if ((command == "serve" || command == "chat") && !positional.empty()) {
        return usage_error("unexpected argument '" + positional[0] + "'");
    }
    std::optional<int> year;
    std::string format = "json";
    if (command == "report") {
        if (auto e = allow({"year", "format"})) {
            return *e;
        }
        if (options.count("year") != 0U) {
            const std::string& y = options["year"];
            int value = 0;
            const auto [p, ec] = std::from_chars(y.data(), y.data() + y.size(), value);
            if (ec != std::errc{} || p != y.data() + y.size() || value < 2000 || value > 2999) {
                return usage_error("--year must be a year such as 2026");
            }
            year = value;
        }
        if (options.count("format") != 0U) {
            format = options["format"];
            if (format != "json" && format != "csv") {
                return usage_error("--format must be json or csv");
            }
        }
    } else if (command == "chat") {
        if (auto e = allow({"as"})) {
            return *e;
        }
        if (options.count("as") == 0U) {
            return usage_error("chat needs --as EMAIL");
        }
    } else if (auto e = allow({})) {
        return *e;
    }

    int exit_code = exit_ok;
    auto a = open_app(config, std::cerr, exit_code);
    if (!a) {
        return exit_code;
    }
    if (command == "serve") {
        return run_serve(*a);
    }
    if (command == "chat") {
        return run_chat(*a, options["as"], std::cin, std::cout, isatty(STDIN_FILENO) != 0);
    }
    if (command == "report") {
        return run_report_deviations(*a, year, format, std::cout);
    }
    if (command == "mail") {
        return run_mail_ingest(*a, std::cin, std::cout);
    }
    if (positional[0] == "procedures") {
        return run_import_procedures(*a, positional[1], std::cout, std::cerr);
    }
    return run_import_people(*a, positional[1], std::cout, std::cerr);
}

}  // namespace kv::daemon
