#include "bot/dialog/filing_form.hpp"

#include <array>
#include <chrono>
#include <cstdio>
#include <map>

#include "bot/dialog/filing.hpp"
#include "bot/dialog/understanding.hpp"
#include "bot/domain/names.hpp"
#include "bot/domain/oslo_time.hpp"
#include "bot/domain/redaction.hpp"

namespace kv::bot {
namespace {

constexpr std::array<case_kind, 4> form_kinds{case_kind::avvik, case_kind::nestenuhell,
                                              case_kind::forbedringsforslag, case_kind::klage};
constexpr std::array<category, 3> form_categories{category::hms, category::organisasjon,
                                                  category::tjeneste};

using values = std::map<std::string, std::string>;

std::string value_of(const values& v, const std::string& name) {
    const auto it = v.find(name);
    return it == v.end() ? std::string{} : std::string(trim(it->second));
}

std::string two_digits(unsigned n) {
    char buf[3];
    std::snprintf(buf, sizeof buf, "%02u", n % 100);
    return buf;
}

// The person's own unit first, then every other unit of the organisation.
std::vector<std::pair<std::string, std::string>> unit_choices(const context& ctx) {
    std::vector<std::pair<std::string, std::string>> out;
    const auto units = ctx.dir.all_units();
    for (const auto& u : units) {
        if (u.id == ctx.me.unit_id) {
            out.emplace_back(u.id, u.name);
        }
    }
    for (const auto& u : units) {
        if (u.id != ctx.me.unit_id) {
            out.emplace_back(u.id, u.name);
        }
    }
    return out;
}

bool is_unit(const context& ctx, const std::string& id) {
    return !id.empty() && ctx.dir.find_unit(id).has_value();
}

// "HH:MM" to (hour, minute); nullopt unless both are in range.
std::optional<std::pair<unsigned, unsigned>> parse_hh_mm(std::string_view s) {
    if (s.size() != 5 || s[2] != ':') {
        return std::nullopt;
    }
    for (const std::size_t i : {0U, 1U, 3U, 4U}) {
        if (s[i] < '0' || s[i] > '9') {
            return std::nullopt;
        }
    }
    const auto h = static_cast<unsigned>((s[0] - '0') * 10 + (s[1] - '0'));
    const auto m = static_cast<unsigned>((s[3] - '0') * 10 + (s[4] - '0'));
    if (h > 23 || m > 59) {
        return std::nullopt;
    }
    return std::pair{h, m};
}

message filing_form(const context& ctx, const values& typed, std::string_view error) {
    const language l = ctx.me.lang;
    const auto typed_or = [&](const std::string& name, std::string preset) {
        const auto it = typed.find(name);
        return it == typed.end() ? preset : it->second;
    };
    const local_date_time local = to_oslo(ctx.now);

    action_input kind{
        "kind", std::string(ctx.t("Type", "Kind")), action_input::input_kind::choice, {}};
    for (const auto k : form_kinds) {
        kind.choices.emplace_back(std::string(to_string(k)), std::string(display_name(k, l)));
    }
    kind.value = typed_or("kind", "avvik");

    action_input cat{"category",
                     std::string(ctx.t("Kategori", "Category")),
                     action_input::input_kind::choice,
                     {}};
    for (const auto c : form_categories) {
        cat.choices.emplace_back(std::string(to_string(c)), std::string(display_name(c, l)));
    }
    cat.value = typed_or("category", "");

    action_input unit{"unit",
                      std::string(ctx.t("Enhet (hvor skjedde det)", "Unit (where)")),
                      action_input::input_kind::choice,
                      {}};
    unit.choices = unit_choices(ctx);
    unit.value = typed_or("unit", ctx.me.unit_id);

    action_input date{
        "date", std::string(ctx.t("Dato", "Date")), action_input::input_kind::date, {}};
    date.value = typed_or("date", format_date(local.date));

    action_input time{
        "time", std::string(ctx.t("Klokkeslett", "Time")), action_input::input_kind::time, {}};
    time.value =
        typed_or("time", two_digits(static_cast<unsigned>(local.time.hours().count())) + ":" +
                             two_digits(static_cast<unsigned>(local.time.minutes().count())));

    action_input what{"description",
                      std::string(ctx.t("Hva skjedde?", "What happened?")),
                      action_input::input_kind::text,
                      {}};
    what.value = typed_or("description", "");

    action_input immediate{"immediate_action",
                           std::string(ctx.t("Strakstiltak (hva ble gjort med en gang)",
                                             "Immediate action (what was done at once)")),
                           action_input::input_kind::text,
                           {}};
    immediate.required = false;
    immediate.value = typed_or("immediate_action", "");

    message m;
    m.title = std::string(ctx.t("Meld avvik", "Report a deviation"));
    m.text = error.empty()
                 ? std::string(ctx.t("Fyll ut og trykk «Send inn». Ikke skriv personnummer eller "
                                     "navn på brukere.",
                                     "Fill in and press «Submit». Do not write identity numbers "
                                     "or names of service users."))
                 : std::string(error);
    action submit{std::string(form_submit_verb), std::string(ctx.t("Send inn", "Submit")), {}, {}};
    submit.inputs = {std::move(kind), std::move(cat),  std::move(unit),     std::move(date),
                     std::move(time), std::move(what), std::move(immediate)};
    submit.form = true;
    m.actions.push_back(std::move(submit));
    return m;
}

}  // namespace

bool shows_forms(channel via) {
    return via == channel::teams;
}

void open_filing_form(context& ctx, std::optional<case_kind> kind) {
    values preset;
    if (kind) {
        preset["kind"] = std::string(to_string(*kind));
    }
    ctx.reply(filing_form(ctx, preset, {}));
}

void submit_filing_form(context& ctx) {
    const values& in = ctx.ev.action_data;
    std::vector<std::string> problems;
    std::vector<std::string> bad_fields;
    const auto problem = [&](const char* field_name, std::string_view text) {
        bad_fields.emplace_back(field_name);
        problems.emplace_back(text);
    };

    const auto kind = parse_case_kind(value_of(in, "kind"));
    if (!kind) {
        problem("kind", ctx.t("Velg type.", "Choose a kind."));
    }
    const auto cat = parse_category(value_of(in, "category"));
    if (!cat) {
        problem("category", ctx.t("Velg kategori.", "Choose a category."));
    }
    const std::string unit_id = value_of(in, "unit");
    if (!is_unit(ctx, unit_id)) {
        problem("unit",
                ctx.t("Velg enheten der det skjedde.", "Choose the unit where it happened."));
    }
    const auto date = parse_iso_date(value_of(in, "date"));
    const std::string time_text = value_of(in, "time");
    const auto hm =
        time_text.empty() ? std::optional<std::pair<unsigned, unsigned>>{} : parse_hh_mm(time_text);
    std::string occurred;
    if (!date || (!time_text.empty() && !hm)) {
        problem("when", ctx.t("Skriv en gyldig dato og et gyldig klokkeslett.",
                              "Give a valid date and time."));
    } else {
        const auto [h, m] = hm.value_or(std::pair{0U, 0U});
        const auto local =
            std::chrono::local_days{*date} + std::chrono::hours{h} + std::chrono::minutes{m};
        if (from_oslo(std::chrono::local_seconds{local}) > ctx.now) {
            problem("when", ctx.t("Tidspunktet er fram i tid.", "The time is in the future."));
        } else {
            occurred = format_date(*date) +
                       (hm ? " " + two_digits(h) + ":" + two_digits(m) : std::string{});
        }
    }
    const std::string description = value_of(in, "description");
    if (description.empty()) {
        problem("description", ctx.t("Beskriv hva som skjedde.", "Describe what happened."));
    }

    if (!problems.empty()) {
        std::string error(ctx.t("Ikke sendt inn ennå: ", "Not submitted yet: "));
        std::string detail = "missing=";
        for (std::size_t i = 0; i < problems.size(); ++i) {
            error += (i == 0 ? "" : " ") + problems[i];
            detail += (i == 0 ? "" : ",") + bad_fields[i];
        }
        ctx.audit(std::string(form_submit_verb), "", "invalid", detail);
        // What comes back may be stored (the outbox) and shown again: no identity numbers in it.
        values kept = in;
        for (const char* free_text : {"description", "immediate_action"}) {
            if (const auto it = kept.find(free_text); it != kept.end()) {
                it->second = redact_identity_numbers(it->second).text;
            }
        }
        ctx.reply(filing_form(ctx, kept, error));
        return;
    }

    const auto described = redact_identity_numbers(description);
    auto immediate = redact_identity_numbers(value_of(in, "immediate_action"));
    if (immediate.text.empty()) {
        immediate.text = std::string(ctx.t("Ingen", "None"));
    }
    conversation_state draft;
    draft.flow = "file";
    draft.fields = {{"kind", std::string(to_string(*kind))},
                    {"category", std::string(to_string(*cat))},
                    {"unit", unit_id},
                    {"occurred", occurred},
                    {"description", described.text},
                    {"immediate_action", immediate.text}};
    ctx.conv = std::move(draft);
    file_draft(ctx);
    if (const auto removed = described.removed + immediate.removed; removed > 0) {
        ctx.say(ctx.t("Jeg fjernet " + std::to_string(removed) +
                          " personnummer fra teksten. Personnummer og andre direkte "
                          "identifiserende opplysninger skal ikke stå i en avviksmelding.",
                      "I removed " + std::to_string(removed) +
                          " identity number(s) from the text. Identity numbers do not belong "
                          "in a deviation report."));
    }
}

}  // namespace kv::bot
