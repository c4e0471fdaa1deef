#include <ctime>
#include <ostream>

#include <nlohmann/json.hpp>

#include "bot/domain/names.hpp"
#include "bot/domain/risk.hpp"
#include "daemon/app/commands.hpp"

namespace kv::daemon {
namespace {

std::string iso(std::chrono::sys_seconds t) {
    const std::time_t tt = t.time_since_epoch().count();
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

nlohmann::json case_json(const case_report_row& row, const bot::risk_thresholds& t) {
    const auto& c = row.c;
    nlohmann::json j{{"id", c.human_id},
                     {"kind", bot::to_string(c.kind)},
                     {"category", bot::to_string(c.cat)},
                     {"unit", c.unit_id},
                     {"state", bot::to_string(c.state)},
                     {"occurred", c.occurred},
                     {"description", c.description},
                     {"immediate_action", c.immediate_action},
                     {"authority", bot::to_string(c.authority)},
                     {"conclusion", c.conclusion},
                     {"created_at", iso(c.created_at)},
                     {"updated_at", iso(c.updated_at)}};
    if (c.risk) {
        j["risk"] = {{"probability", c.risk->probability},
                     {"consequence", c.risk->consequence},
                     {"score", c.risk->score()},
                     {"level", bot::to_string(bot::level_of(*c.risk, t))}};
    } else {
        j["risk"] = nullptr;
    }
    j["measures"] = nlohmann::json::array();
    for (const auto& m : c.measures) {
        j["measures"].push_back({{"number", m.number},
                                 {"text", m.text},
                                 {"due", m.due_date},
                                 {"state", bot::to_string(m.state)},
                                 {"effect", m.effect}});
    }
    j["transitions"] = nlohmann::json::array();
    for (const auto& h : row.history) {
        j["transitions"].push_back({{"kind", h.kind}, {"at", iso(h.at)}, {"via", h.via}});
    }
    return j;
}

std::string csv_field(const std::string& s) {
    if (s.find_first_of(",\"\r\n") == std::string::npos) {
        return s;
    }
    std::string out = "\"";
    for (const char ch : s) {
        out += ch == '"' ? std::string("\"\"") : std::string(1, ch);
    }
    return out + "\"";
}

std::string first_time(const case_report_row& row, std::string_view kind) {
    for (const auto& h : row.history) {
        if (h.kind == kind) {
            return iso(h.at);
        }
    }
    return {};
}

}  // namespace

int run_report_deviations(app& a, std::optional<int> year, const std::string& format,
                          std::ostream& out) {
    const auto rows = a.db->report_cases(year);
    const auto& thresholds = a.cfg.bot.risk;
    if (format == "json") {
        nlohmann::json all = nlohmann::json::array();
        for (const auto& row : rows) {
            all.push_back(case_json(row, thresholds));
        }
        out << all.dump(2) << "\n";
        return exit_ok;
    }
    out << "id,kind,category,unit,state,risk_score,risk_level,authority,occurred,filed_at,"
           "received_at,assessed_at,closed_at,transitions,description\n";
    for (const auto& row : rows) {
        const auto& c = row.c;
        std::string transitions;
        for (const auto& h : row.history) {
            transitions += (transitions.empty() ? "" : ";") + h.kind + "@" + iso(h.at);
        }
        out << csv_field(c.human_id) << ',' << bot::to_string(c.kind) << ','
            << bot::to_string(c.cat) << ',' << csv_field(c.unit_id) << ','
            << bot::to_string(c.state) << ',' << (c.risk ? std::to_string(c.risk->score()) : "")
            << ','
            << (c.risk ? std::string(bot::to_string(bot::level_of(*c.risk, thresholds))) : "")
            << ',' << bot::to_string(c.authority) << ',' << csv_field(c.occurred) << ','
            << first_time(row, "filed") << ',' << first_time(row, "received") << ','
            << first_time(row, "assessed") << ',' << first_time(row, "closed") << ','
            << csv_field(transitions) << ',' << csv_field(c.description) << "\n";
    }
    return exit_ok;
}

}  // namespace kv::daemon
