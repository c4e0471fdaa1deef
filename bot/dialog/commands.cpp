#include "bot/dialog/commands.hpp"

#include <array>

#include "bot/dialog/annual_wheel_view.hpp"
#include "bot/dialog/case_rules.hpp"
#include "bot/dialog/case_view.hpp"
#include "bot/dialog/deadlines.hpp"
#include "bot/dialog/filing.hpp"
#include "bot/dialog/filing_form.hpp"
#include "bot/dialog/understanding.hpp"
#include "bot/domain/access.hpp"
#include "bot/domain/case_id.hpp"
#include "bot/domain/names.hpp"

namespace kv::bot {
namespace {

bool is_leader(const context& ctx) {
    return !units_led_by(ctx.dir, ctx.me.email).empty();
}

void file_deviation(context& ctx, std::string_view rest) {
    start_filing(ctx, case_kind::avvik, rest);
}
void file_near_miss(context& ctx, std::string_view rest) {
    start_filing(ctx, case_kind::nestenuhell, rest);
}
void file_suggestion(context& ctx, std::string_view rest) {
    start_filing(ctx, case_kind::forbedringsforslag, rest);
}
void file_complaint(context& ctx, std::string_view rest) {
    start_filing(ctx, case_kind::klage, rest);
}
void file_unspecified(context& ctx, std::string_view rest) {
    // Where a form can be shown, «meld avvik» opens it; elsewhere it asks step by step.
    if (rest.empty() && shows_forms(ctx.ev.via)) {
        open_filing_form(ctx, std::nullopt);
        return;
    }
    start_filing(ctx, std::nullopt, rest);
}

void list_my_cases(context& ctx, std::string_view) {
    const auto cases = ctx.repo.cases_reported_by(ctx.me.email);
    message m;
    m.title = std::string(ctx.t("Dine saker", "Your cases"));
    if (cases.empty()) {
        m.text =
            std::string(ctx.t("Du har ikke meldt noen saker ennå. Skriv «avvik: <hva skjedde>» "
                              "for å melde.",
                              "You have not reported anything yet. Type «report: <what "
                              "happened>» to report."));
    }
    for (const auto& c : cases) {
        m.facts.push_back({c.human_id, case_line(c, ctx.me.lang)});
        m.actions.push_back({"case.show",
                             std::string(ctx.t("Vis ", "Show ")) + c.human_id,
                             {{"case", c.human_id}},
                             {}});
    }
    ctx.reply(std::move(m));
}

void list_to_handle(context& ctx, std::string_view) {
    const auto units = units_led_by(ctx.dir, ctx.me.email);
    if (units.empty()) {
        ctx.say(ctx.t("Dette er for ledere. Skriv «hjelp» for å se hva du kan gjøre.",
                      "This is for leaders. Type «help» to see what you can do."));
        return;
    }
    const auto cases = ctx.repo.open_cases_in(units);
    message m;
    m.title = std::string(ctx.t("Til behandling", "To handle"));
    if (cases.empty()) {
        m.text =
            std::string(ctx.t("Ingen åpne saker i dine enheter.", "No open cases in your units."));
    }
    for (const auto& c : cases) {
        std::string line = case_line(c, ctx.me.lang) + " · " + unit_label(ctx.dir, c.unit_id);
        if (c.authority == authority_flag::pending) {
            line += ctx.t(" · KAN VÆRE MELDEPLIKTIG", " · MAY BE REPORTABLE");
        }
        m.facts.push_back({c.human_id, line});
        m.actions.push_back({"case.show",
                             std::string(ctx.t("Åpne ", "Open ")) + c.human_id,
                             {{"case", c.human_id}},
                             {}});
    }
    ctx.reply(std::move(m));
}

// "<case id> [text]" -> the case id and the rest.
std::pair<std::optional<std::string>, std::string_view> split_case_id(std::string_view rest) {
    const auto space = rest.find_first_of(" \t");
    const auto id = normalise_case_id(rest.substr(0, space));
    return {id, space == std::string_view::npos ? std::string_view{} : trim(rest.substr(space))};
}

void case_command(context& ctx, std::string_view rest, const std::string& verb,
                  const char* text_input) {
    const auto [id, text] = split_case_id(rest);
    if (!id) {
        ctx.say(ctx.t("Skriv saksnummeret, f.eks. «sak AV-2026-0001».",
                      "Give the case id, e.g. «case AV-2026-0001»."));
        return;
    }
    action_values values{{"case", *id}};
    if (text_input != nullptr && !text.empty()) {
        values[text_input] = std::string(text);
    }
    run_case_action(ctx, verb, std::move(values));
}

void show_case(context& ctx, std::string_view rest) {
    case_command(ctx, rest, "case.show", nullptr);
}
void add_info(context& ctx, std::string_view rest) {
    case_command(ctx, rest, "case.add_info", "info");
}
void receive_case(context& ctx, std::string_view rest) {
    case_command(ctx, rest, "case.receive", nullptr);
}
void assess_case(context& ctx, std::string_view rest) {
    case_command(ctx, rest, "case.assess", nullptr);
}
void add_measure(context& ctx, std::string_view rest) {
    case_command(ctx, rest, "case.add_measure", "text");
}
void forward_case(context& ctx, std::string_view rest) {
    case_command(ctx, rest, "case.forward", nullptr);
}
void close_case(context& ctx, std::string_view rest) {
    case_command(ctx, rest, "case.close", "conclusion");
}
void decide_authority(context& ctx, std::string_view rest) {
    case_command(ctx, rest, "case.authority", nullptr);
}

// "<case id> <measure number> [text]" for the per-measure actions.
void measure_command(context& ctx, std::string_view rest, const std::string& verb,
                     const char* text_input) {
    const auto [id, after] = split_case_id(rest);
    const auto space = after.find_first_of(" \t");
    const std::string number(after.substr(0, space));
    if (!id || number.empty() || number.find_first_not_of("0123456789") != std::string::npos) {
        ctx.say(ctx.t("Skriv saksnummer og tiltaksnummer, f.eks. «utført AV-2026-0001 1».",
                      "Give the case id and the measure number, e.g. «done AV-2026-0001 1»."));
        return;
    }
    action_values values{{"case", *id}, {"measure", number}};
    if (text_input != nullptr && space != std::string_view::npos) {
        values[text_input] = std::string(trim(after.substr(space)));
    }
    run_case_action(ctx, verb, std::move(values));
}
void measure_done(context& ctx, std::string_view rest) {
    measure_command(ctx, rest, "case.measure_done", nullptr);
}
void evaluate_measure(context& ctx, std::string_view rest) {
    measure_command(ctx, rest, "case.evaluate", "effect");
}

void set_language(context& ctx, std::string_view rest) {
    const std::string want = fold_case(rest);
    std::optional<language> l;
    if (want == "nb" || want == "norsk" || want == "no" || want == "norwegian") {
        l = language::nb;
    } else if (want == "en" || want == "engelsk" || want == "english") {
        l = language::en;
    }
    if (!l) {
        ctx.say(ctx.t("Velg «språk nb» (norsk) eller «språk en» (English).",
                      "Choose «language nb» (Norwegian) or «language en» (English)."));
        return;
    }
    ctx.out.preferences = person_preferences{ctx.me.email, *l};
    ctx.say(*l == language::nb ? "Jeg snakker norsk med deg fra nå."
                               : "I will use English from now on.");
}

void set_digest(context& ctx, std::string_view rest) {
    const std::string want = fold_case(rest);
    std::optional<bool> daily;
    if (want == "daglig" || want == "daily" || want == "på" || want == "on") {
        daily = true;
    } else if (want == "av" || want == "off") {
        daily = false;
    }
    if (!daily) {
        ctx.say(
            ctx.t("Skriv «sammendrag daglig» for å få påminnelsene samlet i én melding kl. "
                  "08:00 hver arbeidsdag, eller «sammendrag av» for å få dem hver for seg.",
                  "Type «digest daily» to get your reminders in one message at 08:00 each "
                  "working day, or «digest off» to get them one by one."));
        return;
    }
    ctx.out.daily_digest = *daily;
    ctx.audit("preferences.digest", ctx.me.email, "ok", *daily ? "daily" : "off");
    ctx.say(*daily ? ctx.t("Fra nå får du påminnelsene dine samlet i ett sammendrag kl. 08:00 hver "
                           "arbeidsdag. Hastesaker kommer fortsatt med én gang.",
                           "From now on your reminders come in one digest at 08:00 each working "
                           "day. Urgent matters still come at once.")
                   : ctx.t("Fra nå får du hver påminnelse for seg, når den kommer.",
                           "From now on you get each reminder on its own, as it comes."));
}

void show_help(context& ctx, std::string_view) {
    ctx.reply(help_message(ctx));
}

void nothing_to_cancel(context& ctx, std::string_view) {
    ctx.say(ctx.t("Det er ingenting å avbryte.", "There is nothing to cancel."));
}

const std::array<command_spec, 23> commands{{
    {{"avvik"},
     {"report", "deviation"},
     "avvik: <hva skjedde>",
     "report: <what happened>",
     "melde et avvik",
     "report a deviation",
     audience::everyone,
     file_deviation},
    {{"nestenuhell"},
     {"near miss"},
     "nestenuhell: <hva skjedde>",
     "near miss: <what happened>",
     "melde et nestenuhell",
     "report a near miss",
     audience::everyone,
     file_near_miss},
    {{"forslag", "forbedringsforslag"},
     {"suggestion"},
     "forslag: <ideen din>",
     "suggestion: <your idea>",
     "foreslå en forbedring",
     "suggest an improvement",
     audience::everyone,
     file_suggestion},
    {{"klage", "synspunkt"},
     {"complaint", "feedback"},
     "klage: <hva gjelder det>",
     "complaint: <what about>",
     "registrere en klage eller et synspunkt",
     "register a complaint or feedback",
     audience::everyone,
     file_complaint},
    {{"meld avvik", "meld", "ny sak"},
     {"new case", "file"},
     "meld avvik",
     "new case",
     "melde med et skjema (i Teams) eller steg for steg",
     "report with a form (in Teams) or step by step",
     audience::everyone,
     file_unspecified},
    {{"mine saker"},
     {"my cases"},
     "mine saker",
     "my cases",
     "se sakene du har meldt",
     "see the cases you reported",
     audience::everyone,
     list_my_cases},
    {{"frister"},
     {"deadlines"},
     "frister",
     "deadlines",
     "se dine egne frister: gjennomganger, tiltak og saker å motta",
     "see your own deadlines: reviews, measures and cases to receive",
     audience::everyone,
     list_my_deadlines},
    {{"årshjul", "arshjul"},
     {"annual wheel", "wheel"},
     "årshjul",
     "annual wheel",
     "se de neste møtene og fristene i årshjulet for utvalgene dine",
     "see the next meetings and deadlines in the annual wheel for your committees",
     audience::everyone,
     show_annual_wheel},
    {{"sak"},
     {"case"},
     "sak <saksnr>",
     "case <case id>",
     "vise en sak",
     "show a case",
     audience::everyone,
     show_case},
    {{"tillegg"},
     {"add"},
     "tillegg <saksnr> <tekst>",
     "add <case id> <text>",
     "legge til informasjon i en sak",
     "add information to a case",
     audience::everyone,
     add_info},
    {{"til behandling"},
     {"to handle"},
     "til behandling",
     "to handle",
     "se åpne saker i enhetene dine",
     "see open cases in your units",
     audience::leaders,
     list_to_handle},
    {{"motta"},
     {"receive"},
     "motta <saksnr>",
     "receive <case id>",
     "motta en sak",
     "receive a case",
     audience::leaders,
     receive_case},
    {{"risikovurder"},
     {"assess"},
     "risikovurder <saksnr>",
     "assess <case id>",
     "vurdere sannsynlighet og konsekvens",
     "assess probability and consequence",
     audience::leaders,
     assess_case},
    {{"tiltak"},
     {"measure"},
     "tiltak <saksnr> [tiltaket]",
     "measure <case id> [the measure]",
     "legge til et tiltak med ansvarlig og frist",
     "add a measure with owner and due date",
     audience::leaders,
     add_measure},
    {{"utført"},
     {"done"},
     "utført <saksnr> <tiltaksnr>",
     "done <case id> <measure no>",
     "melde et tiltak utført",
     "mark a measure done",
     audience::everyone,
     measure_done},
    {{"vurder effekt", "effekt"},
     {"evaluate"},
     "effekt <saksnr> <tiltaksnr> [effekten]",
     "evaluate <case id> <measure no> [the effect]",
     "vurdere effekten av et utført tiltak",
     "evaluate the effect of a measure",
     audience::leaders,
     evaluate_measure},
    {{"videresend"},
     {"forward"},
     "videresend <saksnr>",
     "forward <case id>",
     "sende saken til en annen enhet, med begrunnelse",
     "send the case to another unit",
     audience::leaders,
     forward_case},
    {{"lukk"},
     {"close"},
     "lukk <saksnr> <konklusjon>",
     "close <case id> <conclusion>",
     "lukke en sak med konklusjon",
     "close a case with a conclusion",
     audience::leaders,
     close_case},
    {{"meldeplikt"},
     {"reporting duty"},
     "meldeplikt <saksnr>",
     "reporting duty <case id>",
     "registrere vurdering av meldeplikt",
     "record the reporting-duty decision",
     audience::leaders,
     decide_authority},
    {{"språk"},
     {"language"},
     "språk nb|en",
     "language nb|en",
     "velge språk",
     "choose language",
     audience::everyone,
     set_language},
    {{"sammendrag"},
     {"digest"},
     "sammendrag daglig|av",
     "digest daily|off",
     "få påminnelsene samlet i én melding kl. 08:00, eller hver for seg",
     "get your reminders in one message at 08:00, or one by one",
     audience::everyone,
     set_digest},
    {{"hjelp", "?"},
     {"help"},
     "hjelp",
     "help",
     "vise denne hjelpen",
     "show this help",
     audience::everyone,
     show_help},
    {{"avbryt"},
     {"cancel"},
     "avbryt",
     "cancel",
     "avbryte det du holder på med",
     "stop what you are doing",
     audience::everyone,
     nothing_to_cancel},
}};

// Matches `word` at the start of `text`, followed by the end, a space or a colon.
std::optional<std::string_view> after_word(std::string_view folded, std::string_view original,
                                           std::string_view word) {
    if (folded.substr(0, word.size()) != word) {
        return std::nullopt;
    }
    if (folded.size() > word.size()) {
        const char next = folded[word.size()];
        if (next != ' ' && next != ':' && next != '\t') {
            return std::nullopt;
        }
    }
    std::string_view rest = original.substr(word.size());
    if (!rest.empty() && rest.front() == ':') {
        rest.remove_prefix(1);
    }
    return trim(rest);
}

}  // namespace

std::span<const command_spec> command_specs() {
    return commands;
}

void run_command(context& ctx, std::string_view text) {
    const std::string_view original = trim(text);
    const std::string folded = fold_case(original);
    // Folding keeps byte lengths for the letters it touches, so positions line up.
    const command_spec* best = nullptr;
    std::string_view best_rest;
    std::size_t best_len = 0;
    for (const auto& c : commands) {
        for (const auto* words : {&c.words_nb, &c.words_en}) {
            for (const auto w : *words) {
                if (w.size() <= best_len) {
                    continue;
                }
                if (const auto rest = after_word(folded, original, w)) {
                    best = &c;
                    best_rest = *rest;
                    best_len = w.size();
                }
            }
        }
    }
    if (best == nullptr) {
        message m = help_message(ctx);
        m.title = std::string(ctx.t("Det forsto jeg ikke. Dette kan du skrive:",
                                    "I did not understand that. This is what you can type:"));
        ctx.reply(std::move(m));
        return;
    }
    // Case actions check the person against the case themselves (and audit a refusal), so
    // `audience` only decides what help shows.
    best->run(ctx, best_rest);
}

message help_message(const context& ctx) {
    const bool leader = is_leader(ctx);
    message m;
    m.title = std::string(ctx.t("Dette kan du skrive:", "This is what you can type:"));
    for (const auto& c : commands) {
        if (c.who == audience::leaders && !leader) {
            continue;
        }
        m.facts.push_back(
            {std::string(ctx.t(c.usage_nb, c.usage_en)), std::string(ctx.t(c.help_nb, c.help_en))});
    }
    m.text = std::string(ctx.t("Når jeg viser valg med tall, svarer du med tallet.",
                               "When I show numbered choices, answer with the number."));
    return m;
}

}  // namespace kv::bot
