#include "daemon/config/load_settings.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <tuple>

#include "bot/domain/names.hpp"
#include "daemon/config/toml_reader.hpp"
#include "daemon/config/validation.hpp"

namespace kv::daemon {
namespace {

using detail::table_reader;

bool is_ip_literal(const std::string& text) {
    std::array<unsigned char, 16> buffer{};
    return inet_pton(AF_INET, text.c_str(), buffer.data()) == 1 ||
           inet_pton(AF_INET6, text.c_str(), buffer.data()) == 1;
}

bool is_case_prefix(const std::string& text) {
    if (text.empty() || text.size() > 8) {
        return false;
    }
    for (char c : text) {
        if (c < 'A' || c > 'Z') {
            return false;
        }
    }
    return true;
}

void read_general(table_reader& r, settings& s) {
    if (auto organisation = r.get_string("organisation")) {
        if (organisation->empty()) {
            r.error("organisation", "must not be empty");
        } else {
            s.organisation_file = *organisation;
        }
    }
    if (auto level = r.get_choice("log_level", {"debug", "info", "warn", "error"})) {
        s.log_level = *level;
    }
}

void read_store(table_reader& r, store_settings& s) {
    if (auto database = r.get_string("database")) {
        if (database->empty()) {
            r.error("database", "must not be empty");
        } else {
            s.database = *database;
        }
    }
    if (auto synchronous = r.get_choice("synchronous", {"full", "normal"})) {
        s.synchronous_full = *synchronous == "full";
    }
    if (auto timeout = r.get_integer("busy_timeout_ms", 0, 600000)) {
        s.busy_timeout_ms = static_cast<int>(*timeout);
    }
}

void read_http(table_reader& r, http_settings& s) {
    if (auto listen = r.get_string("listen")) {
        if (!is_ip_literal(*listen)) {
            r.error("listen", "must be an IPv4 or IPv6 address literal");
        } else {
            s.listen = *listen;
        }
    }
    if (auto port = r.get_integer("port", 0, 65535)) {
        s.port = static_cast<std::uint16_t>(*port);
    }
    if (auto limit = r.get_integer("body_limit", 1024, 64 * 1024 * 1024)) {
        s.body_limit = static_cast<std::size_t>(*limit);
    }
}

void read_delivery(table_reader& r, delivery_settings& s) {
    if (auto attempts = r.get_integer("max_attempts", 1, 1000)) {
        s.max_attempts = static_cast<int>(*attempts);
    }
    auto base = r.get_integer("retry_base_seconds", 1, 3600);
    if (base) {
        s.retry_base_seconds = static_cast<int>(*base);
    }
    auto max = r.get_integer("retry_max_seconds", 1, 86400);
    if (max) {
        s.retry_max_seconds = static_cast<int>(*max);
    }
    if ((base || max) && s.retry_max_seconds < s.retry_base_seconds) {
        r.error(max ? "retry_max_seconds" : "retry_base_seconds",
                max ? "must be at least retry_base_seconds (" +
                          std::to_string(s.retry_base_seconds) + ")"
                    : "must be at most retry_max_seconds (" + std::to_string(s.retry_max_seconds) +
                          ")");
    }
}

void read_deviations(table_reader& r, bot::bot_settings& s) {
    if (auto prefix = r.get_string("case_prefix")) {
        if (!is_case_prefix(*prefix)) {
            r.error("case_prefix", "must be 1 to 8 capital letters A-Z");
        } else {
            s.case_prefix = *prefix;
        }
    }
    auto yellow = r.get_integer("risk_yellow_from", 1, 25);
    if (yellow) {
        s.risk.yellow_from = static_cast<int>(*yellow);
    }
    auto red = r.get_integer("risk_red_from", 1, 25);
    if (red) {
        s.risk.red_from = static_cast<int>(*red);
    }
    if ((yellow || red) && s.risk.red_from <= s.risk.yellow_from) {
        r.error(red ? "risk_red_from" : "risk_yellow_from",
                red ? "must be greater than risk_yellow_from (" +
                          std::to_string(s.risk.yellow_from) + ")"
                    : "must be less than risk_red_from (" + std::to_string(s.risk.red_from) + ")");
    }
    if (auto cat = r.get_choice("serious_category", {"hms", "organisasjon", "tjeneste"})) {
        s.serious.cat = *bot::parse_category(*cat);
    }
    if (auto consequence = r.get_integer("serious_min_consequence", 1, 5)) {
        s.serious.min_consequence = static_cast<int>(*consequence);
    }
    if (auto chars = r.get_integer("max_message_chars", 100, 100000)) {
        s.max_message_chars = static_cast<std::size_t>(*chars);
    }
}

// [teams]. The two list keys are read here from the raw table (the reader has no string lists);
// the rest through the reader, so unknown keys are still reported.
bool is_guid(const std::string& text) {
    if (text.size() != 36) {
        return false;
    }
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        if (dash ? c != '-' : !hex) {
            return false;
        }
    }
    return true;
}

bool is_web_url(const std::string& url, bool allow_http) {
    const bool https = url.rfind("https://", 0) == 0 && url.size() > 8;
    const bool http = allow_http && url.rfind("http://", 0) == 0 && url.size() > 7;
    return https || http;
}

std::vector<std::string> read_string_list(const toml::table& table, std::string_view key,
                                          detail::error_list& errors) {
    std::vector<std::string> out;
    const toml::node* node = table.get(key);
    if (node == nullptr) {
        return out;
    }
    const std::string path = "teams." + std::string(key);
    const toml::array* array = node->as_array();
    if (array == nullptr) {
        errors.add(detail::line_of(*node), path, "must be a list of strings");
        return out;
    }
    for (const auto& element : *array) {
        if (!element.is_string() || element.as_string()->get().empty()) {
            errors.add(detail::line_of(element), path, "must be a list of non-empty strings");
            continue;
        }
        out.push_back(element.as_string()->get());
    }
    return out;
}

void read_teams(const toml::table& table, detail::error_list& errors, const env_lookup& env,
                teams_settings& s) {
    table_reader r(table, "teams", errors, &env);
    if (auto enabled = r.get_bool("enabled")) {
        s.enabled = *enabled;
    }
    if (auto plain = r.get_bool("allow_plain_http")) {
        s.allow_plain_http = *plain;
    }
    if (auto v = r.get_string("app_id")) {
        s.app_id = *v;
    }
    if (auto v = r.get_string("app_password")) {
        s.app_password = *v;
    }
    if (auto v = r.get_string("tenant_id")) {
        s.tenant_id = *v;
    }
    if (auto v = r.get_string("openid_metadata_url")) {
        if (!is_web_url(*v, s.allow_plain_http)) {
            r.error("openid_metadata_url", "must be an https:// URL");
        } else {
            s.openid_metadata_url = *v;
        }
    }
    if (auto v = r.get_string("token_url")) {
        if (!v->empty() && !is_web_url(*v, s.allow_plain_http)) {
            r.error("token_url", "must be an https:// URL");
        } else {
            s.token_url = *v;
        }
    }
    if (auto v = r.get_string("ca_bundle")) {
        if (v->empty()) {
            r.error("ca_bundle", "must not be empty");
        } else {
            s.ca_bundle = *v;
        }
    }
    if (auto v = r.get_string("app_domain")) {
        if (v->empty() || v->find_first_of(":/ ") != std::string::npos) {
            r.error("app_domain", "must be a host name without scheme or path");
        } else {
            s.app_domain = *v;
        }
    }
    if (auto v = r.get_string("package_version")) {
        const bool semver = std::count(v->begin(), v->end(), '.') == 2 &&
                            v->find_first_not_of("0123456789.") == std::string::npos &&
                            v->find("..") == std::string::npos && v->front() != '.' &&
                            v->back() != '.';
        if (!semver) {
            r.error("package_version", "must be MAJOR.MINOR.PATCH, e.g. 1.0.0");
        } else {
            s.package_version = *v;
        }
    }
    s.allowed_tenants = read_string_list(table, "allowed_tenants", errors);
    for (const auto& t : s.allowed_tenants) {
        if (!is_guid(t)) {
            errors.add(detail::line_of(*table.get("allowed_tenants")), "teams.allowed_tenants",
                       "'" + t + "' is not a tenant GUID");
        }
    }
    s.allowed_service_urls = read_string_list(table, "allowed_service_urls", errors);
    for (const auto& u : s.allowed_service_urls) {
        if (!is_web_url(u, s.allow_plain_http)) {
            errors.add(detail::line_of(*table.get("allowed_service_urls")),
                       "teams.allowed_service_urls", "'" + u + "' is not an https:// URL");
        }
    }
    if (s.enabled) {
        if (s.app_id.empty()) {
            r.error("app_id", "required when teams.enabled = true");
        } else if (!is_guid(s.app_id)) {
            r.error("app_id", "must be the bot's Microsoft App ID (a GUID)");
        }
        if (s.app_password.empty()) {
            r.error("app_password", "required when teams.enabled = true (or app_password_env)");
        }
        if (s.tenant_id.empty()) {
            r.error("tenant_id", "required when teams.enabled = true");
        } else if (!is_guid(s.tenant_id)) {
            r.error("tenant_id", "must be the Entra tenant id (a GUID)");
        }
    }
    // The reader cannot know the list keys, so unknown keys are found here.
    static constexpr std::string_view known[] = {"enabled",
                                                 "allow_plain_http",
                                                 "app_id",
                                                 "app_password",
                                                 "app_password_env",
                                                 "tenant_id",
                                                 "openid_metadata_url",
                                                 "token_url",
                                                 "ca_bundle",
                                                 "allowed_tenants",
                                                 "allowed_service_urls",
                                                 "app_domain",
                                                 "package_version"};
    for (const auto& [key, node] : table) {
        if (std::find(std::begin(known), std::end(known), key.str()) == std::end(known)) {
            const int line = static_cast<int>(key.source().begin.line);
            errors.add(line > 0 ? line : detail::line_of(node), "teams." + std::string(key.str()),
                       "unknown key");
        }
    }
}

// "HH:MM" as minutes after midnight.
std::optional<int> minutes_of_day(const std::string& text) {
    if (text.size() != 5 || text[2] != ':') {
        return std::nullopt;
    }
    for (const std::size_t i : {0u, 1u, 3u, 4u}) {
        if (text[i] < '0' || text[i] > '9') {
            return std::nullopt;
        }
    }
    const int h = (text[0] - '0') * 10 + (text[1] - '0');
    const int m = (text[3] - '0') * 10 + (text[4] - '0');
    if (h > 23 || m > 59) {
        return std::nullopt;
    }
    return h * 60 + m;
}

void read_schedule(table_reader& r, schedule_settings& s) {
    if (auto wheel = r.get_string("annual_wheel")) {
        s.annual_wheel_file = *wheel;
    }
    for (const auto& [key, target] : {std::pair{"working_hours_start", &s.working_start_minutes},
                                      std::pair{"working_hours_end", &s.working_end_minutes}}) {
        if (auto text = r.get_string(key)) {
            if (auto minutes = minutes_of_day(*text)) {
                *target = *minutes;
            } else {
                r.error(key, "'" + *text + "' is not a time of day (HH:MM)");
            }
        }
    }
    if (s.working_start_minutes >= s.working_end_minutes) {
        r.error("working_hours_end", "must be after working_hours_start");
    }
}

void read_reminders(table_reader& r, reminder_settings& s) {
    auto& reviews = s.reviews;
    auto first = r.get_integer("review_first_reminder_days", 1, 365);
    auto last = r.get_integer("review_last_reminder_days", 1, 365);
    if (first || last) {
        const int f = first ? static_cast<int>(*first) : reviews.lead_days.front();
        const int l = last ? static_cast<int>(*last) : reviews.lead_days.back();
        if (f <= l) {
            r.error(
                first ? "review_first_reminder_days" : "review_last_reminder_days",
                first ? "must be greater than review_last_reminder_days (" + std::to_string(l) + ")"
                      : "must be less than review_first_reminder_days (" + std::to_string(f) + ")");
        } else {
            reviews.lead_days = {f, l};
        }
    }
    const std::array<std::tuple<const char*, int*, int, int>, 11> integers{{
        {"review_overdue_every_days", &reviews.overdue_every_days, 1, 90},
        {"review_escalate_owner_after_days", &reviews.escalate_owner_after_days, 0, 365},
        {"review_escalate_superior_after_days", &reviews.escalate_superior_after_days, 0, 365},
        {"deviation_receive_within_working_days", &s.followup.receive_within_working_days, 0, 30},
        {"deviation_escalate_after_working_days", &s.followup.escalate_after_working_days, 0, 30},
        {"serious_receive_within_working_days", &s.followup.serious_receive_within_working_days, 0,
         30},
        {"serious_escalate_after_working_days", &s.followup.serious_escalate_after_working_days, 0,
         30},
        {"measure_escalate_after_working_days", &s.followup.measure_escalate_after_working_days, 0,
         30},
        {"reading_remind_after_days", &s.reading.remind_after_days, 1, 90},
        {"approval_remind_after_working_days", &s.approvals.remind_after_working_days, 1, 30},
        {"approval_remind_every_days", &s.approvals.every_days, 1, 90},
    }};
    for (const auto& [key, target, min, max] : integers) {
        if (auto value = r.get_integer(key, min, max)) {
            *target = static_cast<int>(*value);
        }
    }
    r.get_table("kinds");   // [reminders.kinds.<kind>], read by read_reminder_kinds
    r.get_table("levels");  // [reminders.levels.<level>], read by read_reminder_levels
    if (reviews.escalate_superior_after_days < reviews.escalate_owner_after_days) {
        r.error("review_escalate_superior_after_days",
                "must be at least review_escalate_owner_after_days (" +
                    std::to_string(reviews.escalate_owner_after_days) + ")");
    }
    if (s.followup.serious_receive_within_working_days > s.followup.receive_within_working_days) {
        r.error("serious_receive_within_working_days",
                "must be at most deviation_receive_within_working_days (" +
                    std::to_string(s.followup.receive_within_working_days) +
                    "): serious events are chased faster");
    }
}

// The two deviation follow-up numbers of one [reminders.kinds.*] or [reminders.levels.*] table,
// each defaulting to that of [reminders].
bot::followup_days followup_days_in(const toml::table& table, const std::string& path,
                                    detail::error_list& errors,
                                    const bot::deviation_followup_settings& s) {
    table_reader t(table, path, errors);
    bot::followup_days days{s.receive_within_working_days, s.escalate_after_working_days};
    if (auto v = t.get_integer("deviation_receive_within_working_days", 0, 30)) {
        days.receive_within_working_days = static_cast<int>(*v);
    }
    if (auto v = t.get_integer("deviation_escalate_after_working_days", 0, 30)) {
        days.escalate_after_working_days = static_cast<int>(*v);
    }
    t.report_unknown_keys();
    return days;
}

// [reminders.kinds.<kind>]: deviation_receive_within_working_days and
// deviation_escalate_after_working_days (0..30, default: those of [reminders]) for one case kind.
void read_reminder_kinds(const toml::table& reminders, detail::error_list& errors,
                         bot::deviation_followup_settings& s) {
    table_reader parent(reminders, "reminders", errors);
    const toml::table* kinds = parent.get_table("kinds");
    if (kinds == nullptr) {
        return;
    }
    table_reader kr(*kinds, "reminders.kinds", errors);
    for (const auto& [name, node] : *kinds) {
        const auto kind = bot::parse_case_kind(name.str());
        if (!kind) {
            kr.error(name.str(),
                     "unknown kind; use avvik, nestenuhell, forbedringsforslag or klage");
            continue;
        }
        if (!node.is_table()) {
            kr.error(name.str(), "must be a table");
            continue;
        }
        s.by_kind[*kind] = followup_days_in(*node.as_table(), kr.path(name.str()), errors, s);
    }
}

// [reminders.levels.<green|yellow|red>]: deviation_receive_within_working_days and
// deviation_escalate_after_working_days (0..30, default: those of [reminders]) for a case
// risk-assessed at that level. Precedence: serious event > risk level > kind > [reminders].
void read_reminder_levels(const toml::table& reminders, detail::error_list& errors,
                          bot::deviation_followup_settings& s) {
    table_reader parent(reminders, "reminders", errors);
    const toml::table* levels = parent.get_table("levels");
    if (levels == nullptr) {
        return;
    }
    table_reader lr(*levels, "reminders.levels", errors);
    for (const auto& [name, node] : *levels) {
        std::optional<bot::risk_level> level;
        for (const auto l :
             {bot::risk_level::green, bot::risk_level::yellow, bot::risk_level::red}) {
            if (name.str() == bot::to_string(l)) {
                level = l;
            }
        }
        if (!level) {
            lr.error(name.str(), "unknown risk level; use green, yellow or red");
            continue;
        }
        if (!node.is_table()) {
            lr.error(name.str(), "must be a table");
            continue;
        }
        s.by_level[*level] = followup_days_in(*node.as_table(), lr.path(name.str()), errors, s);
    }
}

bool has_url_scheme(const std::string& url, std::initializer_list<std::string_view> schemes) {
    for (const auto scheme : schemes) {
        if (url.size() > scheme.size() && url.compare(0, scheme.size(), scheme) == 0) {
            return true;
        }
    }
    return false;
}

void read_email_address(table_reader& r, std::string_view key, std::string& target) {
    if (auto address = r.get_string(key)) {
        if (!detail::is_email_address(*address)) {
            r.error(key, "'" + *address + "' is not an email address");
        } else {
            target = detail::normalise_email(*address);
        }
    }
}

// [email]: the outbound half (sending, links). The inbound half adds its keys in read_email.
void read_email_outbound(table_reader& r, email_settings& s) {
    if (auto url = r.get_string("smtp_url")) {
        if (!url->empty() && !has_url_scheme(*url, {"smtp://", "smtps://"})) {
            r.error("smtp_url", "must start with smtp:// (STARTTLS) or smtps:// (implicit TLS)");
        } else {
            s.smtp_url = *url;
        }
    }
    if (auto ca = r.get_string("smtp_ca_file")) {
        s.smtp_ca_file = *ca;
    }
    if (auto user = r.get_string("smtp_user")) {
        s.smtp_user = *user;
    }
    if (auto password = r.get_string("smtp_password")) {
        s.smtp_password = *password;
    }
    if (auto token = r.get_string("smtp_xoauth2_token")) {
        s.smtp_xoauth2_token = *token;
    }
    if (auto file = r.get_string("oauth2_token_file")) {
        s.oauth2_token_file = *file;
    }
    if (auto auth = r.get_choice("smtp_auth", {"auto", "plain", "login", "xoauth2"})) {
        s.smtp_auth = *auth;
        if (*auth == "xoauth2" && s.smtp_xoauth2_token.empty() && s.oauth2_token_file.empty()) {
            r.error("smtp_auth",
                    "\"xoauth2\" needs oauth2_token_file or smtp_xoauth2_token (or "
                    "smtp_xoauth2_token_env)");
        }
    }
    read_email_address(r, "from_address", s.from_address);
    if (auto name = r.get_string("from_name")) {
        s.from_name = *name;
    }
    read_email_address(r, "reply_address", s.reply_address);
    read_email_address(r, "deviation_address", s.deviation_address);
    if (auto secret = r.get_string("link_secret")) {
        if (!secret->empty() && secret->size() < 32) {
            r.error("link_secret", "must be at least 32 characters (or empty: no links)");
        } else {
            s.link_secret = *secret;
        }
    }
    if (auto base = r.get_string("public_base_url")) {
        if (!has_url_scheme(*base, {"http://", "https://"}) || base->back() == '/' ||
            base->find_first_of(" ?#") != std::string::npos) {
            r.error("public_base_url",
                    "must be an http:// or https:// URL without a trailing '/', query or fragment");
        } else {
            s.public_base_url = *base;
        }
    }
    if (auto days = r.get_integer("link_lifetime_days", 1, 90)) {
        s.link_lifetime_days = static_cast<int>(*days);
    }
    if (auto connections = r.get_integer("smtp_connections", 1, 8)) {
        s.smtp_connections = static_cast<int>(*connections);
    }
    if (auto dir = r.get_string("outbox_dir")) {
        if (dir->empty()) {
            r.error("outbox_dir", "must not be empty");
        } else {
            s.outbox_dir = *dir;
        }
    }
}

// [email]: the inbound half (reading a mailbox, trusting senders, limits).
void read_email_inbound(table_reader& r, email_settings& s) {
    if (auto url = r.get_string("imap_url")) {
        if (!url->empty() && !has_url_scheme(*url, {"imap://", "imaps://"})) {
            r.error("imap_url", "must start with imap:// (STARTTLS) or imaps:// (implicit TLS)");
        } else {
            s.imap_url = *url;
        }
    }
    for (auto [key, target] :
         {std::pair{"imap_ca_file", &s.imap_ca_file}, std::pair{"imap_user", &s.imap_user},
          std::pair{"imap_password", &s.imap_password},
          std::pair{"imap_xoauth2_token", &s.imap_xoauth2_token},
          std::pair{"trusted_authserv_id", &s.trusted_authserv_id}}) {
        if (auto v = r.get_string(key)) {
            *target = *v;
        }
    }
    for (auto [key, target] : {std::pair{"imap_folder", &s.imap_folder},
                               std::pair{"imap_processed_folder", &s.imap_processed_folder},
                               std::pair{"imap_failed_folder", &s.imap_failed_folder}}) {
        if (auto v = r.get_string(key)) {
            if (v->empty()) {
                r.error(key, "must not be empty");
            } else {
                *target = *v;
            }
        }
    }
    if (auto auth = r.get_choice("imap_auth", {"auto", "login", "xoauth2"})) {
        s.imap_auth = *auth;
        if (*auth == "xoauth2" && s.imap_xoauth2_token.empty() && s.oauth2_token_file.empty()) {
            r.error("imap_auth",
                    "\"xoauth2\" needs oauth2_token_file or imap_xoauth2_token (or "
                    "imap_xoauth2_token_env)");
        }
    }
    if (auto seconds = r.get_integer("imap_poll_seconds", 5, 3600)) {
        s.imap_poll_seconds = static_cast<int>(*seconds);
    }
    if (auto trust = r.get_bool("trust_m365_internal")) {
        s.trust_m365_internal = *trust;
    }
    if (auto bytes = r.get_integer("max_message_bytes", 1024, 100 * 1024 * 1024)) {
        s.max_message_bytes = static_cast<std::size_t>(*bytes);
    }
    if (auto answers = r.get_integer("answers_per_hour", 0, 1000)) {
        s.answers_per_hour = static_cast<int>(*answers);
    }
}

void read_email(table_reader& r, email_settings& s) {
    read_email_outbound(r, s);
    read_email_inbound(r, s);
}

template <typename Read, typename Target>
void read_section(table_reader& root, std::string_view name, detail::error_list& errors,
                  const env_lookup& env, Read read, Target& target) {
    if (const toml::table* table = root.get_table(name)) {
        table_reader r(*table, std::string(name), errors, &env);
        read(r, target);
        r.report_unknown_keys();
    }
}

}  // namespace

settings_result load_settings(const std::filesystem::path& file, const env_lookup& env) {
    detail::error_list errors(file.string());
    auto document = detail::parse_toml_file(file, errors);
    if (!document) {
        return {std::nullopt, errors.take()};
    }
    settings s;
    s.config_file = file;
    table_reader root(*document, "", errors, &env);
    read_section(root, "general", errors, env, read_general, s);
    read_section(root, "store", errors, env, read_store, s.store);
    read_section(root, "http", errors, env, read_http, s.http);
    read_section(root, "delivery", errors, env, read_delivery, s.delivery);
    read_section(root, "deviations", errors, env, read_deviations, s.bot);
    if (const toml::table* teams = root.get_table("teams")) {
        read_teams(*teams, errors, env, s.teams);
    }
    read_section(root, "schedule", errors, env, read_schedule, s.schedule);

    read_section(root, "email", errors, env, read_email, s.email);
    read_section(root, "reminders", errors, env, read_reminders, s.reminders);
    if (const toml::table* reminders = root.get_table("reminders")) {
        read_reminder_kinds(*reminders, errors, s.reminders.followup);
        read_reminder_levels(*reminders, errors, s.reminders.followup);
    }
    root.report_unknown_keys();
    if (!errors.empty()) {
        return {std::nullopt, errors.take()};
    }
    if (s.organisation_file.is_relative()) {
        s.organisation_file = file.parent_path() / s.organisation_file;
    }
    if (!s.schedule.annual_wheel_file.empty() && s.schedule.annual_wheel_file.is_relative()) {
        s.schedule.annual_wheel_file = file.parent_path() / s.schedule.annual_wheel_file;
    }
    return {std::move(s), {}};
}

}  // namespace kv::daemon
