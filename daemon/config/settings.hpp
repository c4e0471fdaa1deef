#pragma once
// The daemon's settings, as read from config/kvalitetsvakt.toml. Plain structs with defaults;
// daemon/config/load_settings.cpp fills them and reports every mistake with file, line and key.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "bot/schedule/approval_reminders.hpp"
#include "bot/schedule/deviation_followup.hpp"
#include "bot/schedule/procedure_reviews.hpp"
#include "bot/schedule/reading_reminders.hpp"
#include "bot/settings.hpp"

namespace kv::daemon {

// [store]. database: relative paths stay relative; synchronous: "full" or "normal".
struct store_settings {
    std::filesystem::path database = "var/kvalitetsvakt.db";  // relative: to the working dir
    bool synchronous_full = true;                             // "full" (default) or "normal"
    int busy_timeout_ms = 5000;                               // 0..600000
};

// [http]. listen: default 127.0.0.1; port: 0..65535, default 8080;
// body_limit: largest request body in bytes, 1024..67108864, default 262144.
struct http_settings {
    std::string listen = "127.0.0.1";  // an IPv4 or IPv6 address literal
    std::uint16_t port = 8080;         // 0 picks a free port (tests)
    std::size_t body_limit = 256 * 1024;
};

// [delivery]. retry_max_seconds: retry_base_seconds..86400, default 3600.
struct delivery_settings {
    int max_attempts = 12;         // 1..1000; after that a row is marked failed
    int retry_base_seconds = 30;   // first retry delay, doubled each attempt, 1..3600
    int retry_max_seconds = 3600;  // cap on the delay, >= retry_base_seconds
};

// [teams]: the Microsoft Teams channel (Bot Framework). Off unless enabled = true; when enabled,
// app_id (a GUID), app_password (or app_password_env) and tenant_id (a GUID) are required.
// allowed_tenants: tenant GUIDs whose people may use the bot; empty: tenant_id only.
// openid_metadata_url / token_url: https URLs; token_url empty means
// https://login.microsoftonline.com/{tenant_id}/oauth2/v2.0/token.
// allowed_service_urls: serviceUrl prefixes our token may be sent to; empty: the public-cloud
// and GCC Teams hosts. ca_bundle: PEM file of trusted CAs for outbound HTTPS; empty: the system's.
// allow_plain_http: also allow http:// URLs (tests against a local emulator only), default false.
struct teams_settings {
    bool enabled = false;
    std::string app_id;
    std::string app_password;  // never logged
    std::string tenant_id;
    std::vector<std::string> allowed_tenants;
    std::string openid_metadata_url =
        "https://login.botframework.com/v1/.well-known/openidconfiguration";
    std::string token_url;
    std::vector<std::string> allowed_service_urls;
    std::filesystem::path ca_bundle;
    bool allow_plain_http = false;
    // The app package (`teams manifest`): app_domain is the host the bot is reached at, without
    // scheme or path (default empty; the package needs it); package_version is the app's semver,
    // raised for every re-upload (default "1.0.0").
    std::string app_domain;
    std::string package_version = "1.0.0";

    // token_url, or the tenant's Entra v2 token endpoint when it is empty.
    std::string effective_token_url() const {
        return token_url.empty()
                   ? "https://login.microsoftonline.com/" + tenant_id + "/oauth2/v2.0/token"
                   : token_url;
    }
};

// [schedule] annual_wheel: the annual wheel file, relative to the config file's folder like
// organisation; empty (default): no wheel. working_hours_start/working_hours_end: "HH:MM" Oslo
// time, default "08:00"/"16:00", start before end; non-urgent reminders go out only then, on
// working days.
struct schedule_settings {
    std::filesystem::path annual_wheel_file;
    int working_start_minutes = 8 * 60;
    int working_end_minutes = 16 * 60;
};

// [email], outbound: how mail is sent and what it looks like. Every key is optional.
// smtp_url: "smtp://host:587/EHLONAME" (STARTTLS required) or "smtps://host:465/EHLONAME";
// without a path the EHLO name is the domain of from_address. Empty (default): no SMTP server,
// mail is written as .eml files into outbox_dir. smtp_auth: "auto" (XOAUTH2 when a token is
// set, else what the server offers), "plain", "login" or "xoauth2" (needs smtp_xoauth2_token).
// Secrets (smtp_password, smtp_xoauth2_token, link_secret) belong in `*_env` keys.
// link_secret: at least 32 characters; empty (default): mail has reply keywords but no links,
// and /a/<token> answers that links are off. public_base_url: http(s)://host[:port][/path]
// without a trailing '/', the daemon as mail readers reach it. link_lifetime_days: 1..90.
struct email_settings {
    std::string smtp_url;
    std::string smtp_ca_file;  // PEM file of CAs to trust instead of the system's; empty: system
    std::string smtp_user;
    std::string smtp_password;
    std::string smtp_xoauth2_token;
    std::string smtp_auth = "auto";
    std::string from_address = "kvalitetsvakt@eksempel.kommune.no";
    std::string from_name = "Kvalitetsvakt";
    std::string reply_address;  // empty: from_address; replies go to local+<token>@domain
    std::string deviation_address = "avvik@eksempel.kommune.no";
    std::string link_secret;
    std::string public_base_url = "http://127.0.0.1:8080";
    int link_lifetime_days = 14;
    std::filesystem::path outbox_dir = "var/mail/outbox";  // relative: to the working dir
    // SMTP connections a batch of outbound mail is spread over, each on its own thread (1..8).
    // 1 (default): one connection, mail leaves in outbox order.
    int smtp_connections = 1;

    // Inbound. imap_url: "imaps://host:993" or "imap://host:143" (STARTTLS required); empty
    // (default): no mailbox is read, mail arrives only through `kvalitetsvakt mail ingest`.
    // imap_auth: "auto" (XOAUTH2 when a token is set, else LOGIN), "login" or "xoauth2".
    // imap_poll_seconds: 5..3600, default 60 (also the safety net under IDLE).
    // trusted_authserv_id: the authserv-id our receiving server writes in
    // Authentication-Results; empty (default): no sender counts as verified unless
    // trust_m365_internal. max_message_bytes: 1024..104857600, default 10 MB.
    // answers_per_hour: answers to one sender per hour, 0..1000, default 20.
    std::string imap_url;
    std::string imap_ca_file;  // PEM file of CAs to trust instead of the system's
    std::string imap_user;
    std::string imap_password;
    std::string imap_xoauth2_token;
    std::string imap_auth = "auto";
    std::string imap_folder = "INBOX";
    std::string imap_processed_folder = "Behandlet";
    std::string imap_failed_folder = "Feilet";
    int imap_poll_seconds = 60;
    std::string trusted_authserv_id;
    bool trust_m365_internal = false;
    std::size_t max_message_bytes = 10 * 1024 * 1024;
    int answers_per_hour = 20;

    // XOAUTH2 for SMTP and IMAP with a token that is refreshed outside the daemon: the file
    // holding the current access token, read again for each new connection when it changed.
    // Empty (default): the fixed smtp_xoauth2_token / imap_xoauth2_token, if any.
    std::filesystem::path oauth2_token_file;
};

// [reminders]: when procedure reviews, deviation follow-up, reading lists and approvals remind
// and escalate. Each field's default and legal range is documented where it is declared
// (bot/schedule/procedure_reviews.hpp, deviation_followup.hpp, reading_reminders.hpp,
// approval_reminders.hpp).
struct reminder_settings {
    bot::procedure_review_settings reviews;
    bot::deviation_followup_settings followup;
    bot::reading_settings reading;
    bot::approval_reminder_settings approvals;
};

// [general] organisation: default "organisation.toml"; load_settings() resolves a relative path
// against the config file's folder, so organisation_file can be opened as it is.
// [general] log_level: default "info".
// [deviations] fills `bot` (bot/settings.hpp): case_prefix 1 to 8 capital letters A-Z, default
// "AV"; risk_yellow_from 1..25, default 5; risk_red_from 1..25 and above risk_yellow_from,
// default 15; serious_category "hms", "organisasjon" or "tjeneste", default "tjeneste";
// serious_min_consequence 1..5, default 4; max_message_chars 100..100000, default 4000.
// A string key `foo` may be given as `foo_env = "VAR"` to read it from the environment.
struct settings {
    std::filesystem::path config_file;                              // the file these came from
    std::filesystem::path organisation_file = "organisation.toml";  // relative: to config_file
    std::string log_level = "info";  // "debug", "info", "warn", "error"
    store_settings store;
    http_settings http;
    delivery_settings delivery;
    bot::bot_settings bot;
    teams_settings teams;
    schedule_settings schedule;
    email_settings email;
    reminder_settings reminders;
};

}  // namespace kv::daemon
