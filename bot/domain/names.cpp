#include "bot/domain/names.hpp"

#include <array>
#include <utility>

namespace kv::bot {
namespace {

template <typename E, std::size_t N>
using name_table = std::array<std::pair<E, std::string_view>, N>;

constexpr name_table<case_kind, 4> kind_names{
    {{case_kind::avvik, "avvik"},
     {case_kind::nestenuhell, "nestenuhell"},
     {case_kind::forbedringsforslag, "forbedringsforslag"},
     {case_kind::klage, "klage"}}};
constexpr name_table<category, 3> category_names{{{category::hms, "hms"},
                                                  {category::organisasjon, "organisasjon"},
                                                  {category::tjeneste, "tjeneste"}}};
constexpr name_table<case_state, 4> state_names{{{case_state::ny, "ny"},
                                                 {case_state::mottatt, "mottatt"},
                                                 {case_state::under_behandling, "under_behandling"},
                                                 {case_state::lukket, "lukket"}}};
constexpr name_table<authority_flag, 4> authority_names{
    {{authority_flag::none, "none"},
     {authority_flag::pending, "pending"},
     {authority_flag::reported, "reported"},
     {authority_flag::not_required, "not_required"}}};
constexpr name_table<measure_state, 2> measure_names{
    {{measure_state::open, "open"}, {measure_state::done, "done"}}};
constexpr name_table<channel, 3> channel_names{
    {{channel::console, "console"}, {channel::teams, "teams"}, {channel::email, "email"}}};
constexpr name_table<language, 2> language_names{{{language::nb, "nb"}, {language::en, "en"}}};
constexpr name_table<risk_level, 3> level_names{
    {{risk_level::green, "green"}, {risk_level::yellow, "yellow"}, {risk_level::red, "red"}}};
constexpr name_table<committee_kind, 2> committee_names{
    {{committee_kind::quality, "quality"}, {committee_kind::patient_safety, "patient_safety"}}};

template <typename E, std::size_t N>
std::string_view name_of(const name_table<E, N>& table, E value) {
    for (const auto& [e, name] : table) {
        if (e == value) {
            return name;
        }
    }
    return "?";
}

template <typename E, std::size_t N>
std::optional<E> parse(const name_table<E, N>& table, std::string_view s) {
    for (const auto& [e, name] : table) {
        if (name == s) {
            return e;
        }
    }
    return std::nullopt;
}

}  // namespace

std::string_view to_string(case_kind k) {
    return name_of(kind_names, k);
}
std::string_view to_string(category c) {
    return name_of(category_names, c);
}
std::string_view to_string(case_state s) {
    return name_of(state_names, s);
}
std::string_view to_string(authority_flag f) {
    return name_of(authority_names, f);
}
std::string_view to_string(measure_state s) {
    return name_of(measure_names, s);
}
std::string_view to_string(channel c) {
    return name_of(channel_names, c);
}
std::string_view to_string(language l) {
    return name_of(language_names, l);
}
std::string_view to_string(risk_level l) {
    return name_of(level_names, l);
}
std::string_view to_string(committee_kind k) {
    return name_of(committee_names, k);
}

std::optional<case_kind> parse_case_kind(std::string_view s) {
    return parse(kind_names, s);
}
std::optional<category> parse_category(std::string_view s) {
    return parse(category_names, s);
}
std::optional<case_state> parse_case_state(std::string_view s) {
    return parse(state_names, s);
}
std::optional<authority_flag> parse_authority_flag(std::string_view s) {
    return parse(authority_names, s);
}
std::optional<measure_state> parse_measure_state(std::string_view s) {
    return parse(measure_names, s);
}
std::optional<channel> parse_channel(std::string_view s) {
    return parse(channel_names, s);
}
std::optional<language> parse_language(std::string_view s) {
    return parse(language_names, s);
}
std::optional<committee_kind> parse_committee_kind(std::string_view s) {
    return parse(committee_names, s);
}

std::string_view display_name(case_kind k, language lang) {
    const bool nb = lang == language::nb;
    switch (k) {
        case case_kind::avvik:
            return nb ? "Avvik" : "Deviation";
        case case_kind::nestenuhell:
            return nb ? "Nestenuhell" : "Near miss";
        case case_kind::forbedringsforslag:
            return nb ? "Forbedringsforslag" : "Improvement suggestion";
        case case_kind::klage:
            return nb ? "Klage/synspunkt" : "Complaint/feedback";
    }
    return "?";
}

std::string_view display_name(category c, language lang) {
    const bool nb = lang == language::nb;
    switch (c) {
        case category::hms:
            return nb ? "HMS" : "Health, safety, environment";
        case category::organisasjon:
            return nb ? "Organisasjon/internt" : "Organisation/internal";
        case category::tjeneste:
            return nb ? "Tjeneste/bruker" : "Service/user";
    }
    return "?";
}

std::string_view display_name(case_state s, language lang) {
    const bool nb = lang == language::nb;
    switch (s) {
        case case_state::ny:
            return nb ? "Ny" : "New";
        case case_state::mottatt:
            return nb ? "Mottatt" : "Received";
        case case_state::under_behandling:
            return nb ? "Under behandling" : "In progress";
        case case_state::lukket:
            return nb ? "Lukket" : "Closed";
    }
    return "?";
}

}  // namespace kv::bot
