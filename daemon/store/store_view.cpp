#include "daemon/store/store_view.hpp"

#include <charconv>

#include "bot/domain/names.hpp"
#include "daemon/store/message_json.hpp"

namespace kv::daemon::detail {
namespace {

constexpr std::string_view person_select =
    "SELECT email, name, unit_id, role, lang, channel, active FROM persons ";
constexpr std::string_view unit_select =
    "SELECT id, name, parent_id, leader_email, deputy_email FROM units ";

bot::unit read_unit(const statement& s) {
    return bot::unit{s.text(0), s.text(1), s.text(2), s.text(3), s.text(4)};
}

std::optional<int> parse_number(std::string_view digits) {
    int value = 0;
    const auto* end = digits.data() + digits.size();
    const auto [stop, ec] = std::from_chars(digits.data(), end, value);
    if (digits.empty() || ec != std::errc{} || stop != end || value < 0) {
        return std::nullopt;
    }
    return value;
}

}  // namespace

std::optional<case_number> parse_case_number(std::string_view human_id) {
    const auto last = human_id.rfind('-');
    if (last == std::string_view::npos || last == 0) {
        return std::nullopt;
    }
    const auto middle = human_id.rfind('-', last - 1);
    if (middle == std::string_view::npos) {
        return std::nullopt;
    }
    const auto year = parse_number(human_id.substr(middle + 1, last - middle - 1));
    const auto seq = parse_number(human_id.substr(last + 1));
    if (!year || !seq) {
        return std::nullopt;
    }
    return case_number{*year, *seq};
}

bot::person sql_view::read_person(const statement& s) const {
    bot::person p;
    p.email = s.text(0);
    p.name = s.text(1);
    p.unit_id = s.text(2);
    p.role = s.text(3);
    p.lang = parse_column(db_, bot::parse_language, s.text(4), "persons.lang");
    p.preferred = parse_column(db_, bot::parse_channel, s.text(5), "persons.channel");
    p.active = s.integer(6) != 0;
    return p;
}

std::optional<bot::person> sql_view::find_person(const std::string& email) const {
    auto& s = db_.cached(std::string{person_select} + "WHERE email = ?");
    s.bind_all(email);
    if (!s.step()) {
        return std::nullopt;
    }
    return read_person(s);
}

std::optional<bot::unit> sql_view::find_unit(const std::string& id) const {
    auto& s = db_.cached(std::string{unit_select} + "WHERE id = ? AND active = 1");
    s.bind_all(id);
    if (!s.step()) {
        return std::nullopt;
    }
    return read_unit(s);
}

std::vector<bot::unit> sql_view::all_units() const {
    auto& s = db_.cached(std::string{unit_select} + "WHERE active = 1 ORDER BY id");
    std::vector<bot::unit> out;
    while (s.step()) {
        out.push_back(read_unit(s));
    }
    return out;
}

std::vector<bot::committee> sql_view::all_committees() const {
    auto& s = db_.cached("SELECT id, name, kind, unit_id FROM committees ORDER BY id");
    std::vector<bot::committee> out;
    while (s.step()) {
        bot::committee c;
        c.id = s.text(0);
        c.name = s.text(1);
        c.kind = parse_column(db_, bot::parse_committee_kind, s.text(2), "committees.kind");
        c.unit_id = s.text(3);
        out.push_back(std::move(c));
    }
    auto& m = db_.cached(
        "SELECT email, role FROM committee_members WHERE committee_id = ? ORDER BY position");
    for (auto& c : out) {
        m.reset();
        m.bind_all(c.id);
        while (m.step()) {
            c.members.push_back(bot::committee_member{m.text(0), m.text(1)});
        }
    }
    return out;
}

bot::deviation_case sql_view::read_case(const statement& s) const {
    bot::deviation_case c;
    c.id = s.int64(0);
    c.human_id = s.text(1);
    c.year = s.integer(2);
    c.seq = s.integer(3);
    c.kind = parse_column(db_, bot::parse_case_kind, s.text(4), "cases.kind");
    c.cat = parse_column(db_, bot::parse_category, s.text(5), "cases.category");
    c.unit_id = s.text(6);
    c.reporter_email = s.text(7);
    c.description = s.text(8);
    c.occurred = s.text(9);
    c.immediate_action = s.text(10);
    c.state = parse_column(db_, bot::parse_case_state, s.text(11), "cases.state");
    if (!s.is_null(12) && !s.is_null(13)) {
        c.risk = bot::risk_assessment{s.integer(12), s.integer(13)};
    }
    c.authority = parse_column(db_, bot::parse_authority_flag, s.text(14), "cases.authority");
    c.authority_note = s.text(15);
    c.conclusion = s.text(16);
    c.created_at = from_unix(s.int64(17));
    c.updated_at = from_unix(s.int64(18));
    return c;
}

void sql_view::load_measures(bot::deviation_case& c) const {
    auto& s = db_.cached(
        "SELECT number, text, responsible_email, due_date, state, done_at, effect, "
        "evaluated_at FROM measures WHERE case_id = ? ORDER BY number");
    s.bind_all(c.id);
    while (s.step()) {
        bot::measure m;
        m.number = s.integer(0);
        m.text = s.text(1);
        m.responsible_email = s.text(2);
        m.due_date = s.text(3);
        m.state = parse_column(db_, bot::parse_measure_state, s.text(4), "measures.state");
        if (!s.is_null(5)) {
            m.done_at = from_unix(s.int64(5));
        }
        m.effect = s.text(6);
        if (!s.is_null(7)) {
            m.evaluated_at = from_unix(s.int64(7));
        }
        c.measures.push_back(std::move(m));
    }
}

std::optional<bot::deviation_case> sql_view::find_case(const std::string& human_id) const {
    const auto number = parse_case_number(human_id);
    if (!number) {
        return std::nullopt;
    }
    auto found = cases_where("WHERE id = ? AND human_id = ?", [&](statement& s) {
        s.bind_all(case_rowid(number->year, number->seq), human_id);
    });
    if (found.empty()) {
        return std::nullopt;
    }
    return std::move(found.front());
}

std::vector<bot::deviation_case> sql_view::cases_reported_by(const std::string& email) const {
    return cases_where("WHERE reporter_email = ?", [&](statement& s) { s.bind_all(email); });
}

std::vector<bot::deviation_case> sql_view::open_cases_in(
    const std::vector<std::string>& unit_ids) const {
    const std::string closed{bot::to_string(bot::case_state::lukket)};
    std::vector<bot::deviation_case> out;
    for (const auto& unit_id : unit_ids) {
        auto some = cases_where("WHERE unit_id = ? AND state <> ?",
                                [&](statement& s) { s.bind_all(unit_id, closed); });
        out.insert(out.end(), std::make_move_iterator(some.begin()),
                   std::make_move_iterator(some.end()));
    }
    return out;
}

int sql_view::next_case_seq(int year) const {
    // One seek to the year's last case; MAX(seq) would read every case of the year.
    auto& s = db_.cached("SELECT seq FROM cases WHERE id > ? AND id < ? ORDER BY id DESC LIMIT 1");
    s.bind_all(case_rowid(year, 0), case_rowid(year + 1, 0));
    return s.step() ? s.integer(0) + 1 : 1;
}

bot::conversation_state sql_view::conversation(const std::string& email, bot::channel via) const {
    auto& s = db_.cached("SELECT state_json FROM conversations WHERE email = ? AND channel = ?");
    s.bind_all(email, bot::to_string(via));
    if (!s.step()) {
        return {};
    }
    return conversation_from_json(s.text(0));
}

}  // namespace kv::daemon::detail
