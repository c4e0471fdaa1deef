#include "daemon/config/load_organisation.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "bot/domain/names.hpp"
#include "daemon/config/toml_reader.hpp"
#include "daemon/config/validation.hpp"

namespace kv::daemon {
namespace {

using detail::error_list;
using detail::table_reader;

// Where an element came from, so cross-checks made after reading can still name key and line.
struct origin {
    std::string key;  // "unit[3]"
    const toml::table* table = nullptr;

    int line(std::string_view field) const {
        if (const toml::node* node = table->get(field)) {
            return detail::line_of(*node);
        }
        return detail::line_of(*table);
    }
    std::string path(std::string_view field) const { return key + "." + std::string(field); }
};

struct unit_entry {
    bot::unit value;
    origin from;
};

struct person_entry {
    bot::person value;
    origin from;
};

struct member_entry {
    bot::committee_member value;
    origin from;
};

struct committee_entry {
    bot::committee value;
    std::vector<member_entry> members;
    origin from;
};

std::string element_key(std::string_view array, std::size_t index) {
    return std::string(array) + "[" + std::to_string(index) + "]";
}

// Lower-cases the address and checks its form; the error names the field as written.
std::string read_email(table_reader& r, std::string_view field, bool required) {
    auto raw = required ? r.get_required_string(field) : r.get_string(field);
    if (!raw || raw->empty()) {
        return {};
    }
    std::string email = detail::normalise_email(*raw);
    if (!detail::is_email_address(email)) {
        r.error(field, "'" + *raw + "' is not an email address");
        return {};
    }
    return email;
}

std::vector<unit_entry> read_units(table_reader& root, error_list& errors) {
    std::vector<unit_entry> out;
    for (const auto& [index, table] : root.get_table_array("unit")) {
        unit_entry e{{}, {element_key("unit", index), table}};
        table_reader r(*table, e.from.key, errors);
        e.value.id = r.get_required_string("id").value_or("");
        e.value.name = r.get_required_string("name").value_or("");
        e.value.parent_id = r.get_string("parent").value_or("");
        e.value.leader_email = read_email(r, "leader", true);
        e.value.deputy_email = read_email(r, "deputy", false);
        r.report_unknown_keys();
        out.push_back(std::move(e));
    }
    return out;
}

std::vector<person_entry> read_people(table_reader& root, error_list& errors) {
    std::vector<person_entry> out;
    for (const auto& [index, table] : root.get_table_array("person")) {
        person_entry e{{}, {element_key("person", index), table}};
        table_reader r(*table, e.from.key, errors);
        e.value.email = read_email(r, "email", true);
        e.value.name = r.get_required_string("name").value_or("");
        e.value.unit_id = r.get_required_string("unit").value_or("");
        e.value.role = r.get_choice("role", detail::person_roles()).value_or("employee");
        if (auto lang = r.get_choice("language", {"nb", "en"})) {
            e.value.lang = *bot::parse_language(*lang);
        }
        if (auto channel = r.get_choice("channel", {"console", "teams", "email"})) {
            e.value.preferred = *bot::parse_channel(*channel);
        }
        e.value.active = r.get_bool("active").value_or(true);
        r.report_unknown_keys();
        out.push_back(std::move(e));
    }
    return out;
}

std::vector<committee_entry> read_committees(table_reader& root, error_list& errors) {
    std::vector<committee_entry> out;
    for (const auto& [index, table] : root.get_table_array("committee")) {
        committee_entry e{{}, {}, {element_key("committee", index), table}};
        table_reader r(*table, e.from.key, errors);
        e.value.id = r.get_required_string("id").value_or("");
        e.value.name = r.get_required_string("name").value_or("");
        if (auto kind = r.get_choice("kind", {"quality", "patient_safety"})) {
            e.value.kind = *bot::parse_committee_kind(*kind);
        }
        e.value.unit_id = r.get_required_string("unit").value_or("");
        for (const auto& [m, member_table] : r.get_table_array("members")) {
            member_entry member{{},
                                {r.path("members") + "[" + std::to_string(m) + "]", member_table}};
            table_reader mr(*member_table, member.from.key, errors);
            member.value.email = read_email(mr, "email", true);
            member.value.role = mr.get_choice("role", detail::committee_roles()).value_or("member");
            mr.report_unknown_keys();
            e.members.push_back(std::move(member));
        }
        r.report_unknown_keys();
        out.push_back(std::move(e));
    }
    return out;
}

// Adds an error for each repeated id and returns where each id was first seen.
template <typename Entry, typename Id>
std::map<std::string, const Entry*> index_unique(const std::vector<Entry>& entries,
                                                 std::string_view field, std::string_view what,
                                                 Id id_of, error_list& errors) {
    std::map<std::string, const Entry*> seen;
    for (const auto& e : entries) {
        const std::string& id = id_of(e);
        if (id.empty()) {
            continue;
        }
        auto [it, inserted] = seen.emplace(id, &e);
        if (!inserted) {
            errors.add(e.from.line(field), e.from.path(field),
                       "duplicate " + std::string(what) + " '" + id + "' (first at line " +
                           std::to_string(it->second->from.line(field)) + ")");
        }
    }
    return seen;
}

void check_unit_tree(const std::vector<unit_entry>& units,
                     const std::map<std::string, const unit_entry*>& by_id, error_list& errors) {
    for (const auto& u : units) {
        const auto& parent = u.value.parent_id;
        if (!parent.empty() && !by_id.contains(parent)) {
            errors.add(u.from.line("parent"), u.from.path("parent"),
                       "unknown unit '" + parent + "'");
        }
    }
    enum class mark { unvisited, on_path, done };
    std::map<const unit_entry*, mark> marks;
    for (const auto& start : units) {
        std::vector<const unit_entry*> path;
        const unit_entry* at = &start;
        while (at != nullptr && marks[at] == mark::unvisited) {
            marks[at] = mark::on_path;
            path.push_back(at);
            auto parent = by_id.find(at->value.parent_id);
            at = parent == by_id.end() ? nullptr : parent->second;
        }
        if (at != nullptr && marks[at] == mark::on_path) {
            std::string cycle;
            for (auto it = std::find(path.begin(), path.end(), at); it != path.end(); ++it) {
                cycle += (*it)->value.id + " -> ";
            }
            cycle += at->value.id;
            const unit_entry& closing = *path.back();
            errors.add(closing.from.line("parent"), closing.from.path("parent"),
                       "cycle in the unit tree: " + cycle);
        }
        for (const auto* p : path) {
            marks[p] = mark::done;
        }
    }
}

template <typename Entry>
void check_person(const Entry& e, std::string_view field, const std::string& email,
                  const std::map<std::string, const person_entry*>& people, error_list& errors) {
    if (!email.empty() && !people.contains(email)) {
        errors.add(e.from.line(field), e.from.path(field), "unknown person '" + email + "'");
    }
}

template <typename Entry>
void check_unit(const Entry& e, std::string_view field, const std::string& unit_id,
                const std::map<std::string, const unit_entry*>& units, error_list& errors) {
    if (!unit_id.empty() && !units.contains(unit_id)) {
        errors.add(e.from.line(field), e.from.path(field), "unknown unit '" + unit_id + "'");
    }
}

}  // namespace

organisation_result load_organisation(const std::filesystem::path& file) {
    error_list errors(file.string());
    auto document = detail::parse_toml_file(file, errors);
    if (!document) {
        return {std::nullopt, errors.take()};
    }
    table_reader root(*document, "", errors);
    organisation org;
    org.name = root.get_required_string("name").value_or("");
    const auto units = read_units(root, errors);
    const auto people = read_people(root, errors);
    const auto committees = read_committees(root, errors);
    root.report_unknown_keys();

    const auto unit_ids = index_unique(
        units, "id", "unit id",
        [](const unit_entry& e) -> const std::string& { return e.value.id; }, errors);
    const auto emails = index_unique(
        people, "email", "email",
        [](const person_entry& e) -> const std::string& { return e.value.email; }, errors);
    index_unique(
        committees, "id", "committee id",
        [](const committee_entry& e) -> const std::string& { return e.value.id; }, errors);

    check_unit_tree(units, unit_ids, errors);
    for (const auto& u : units) {
        check_person(u, "leader", u.value.leader_email, emails, errors);
        check_person(u, "deputy", u.value.deputy_email, emails, errors);
    }
    for (const auto& p : people) {
        check_unit(p, "unit", p.value.unit_id, unit_ids, errors);
    }
    for (const auto& c : committees) {
        check_unit(c, "unit", c.value.unit_id, unit_ids, errors);
        index_unique(
            c.members, "email", "member",
            [](const member_entry& e) -> const std::string& { return e.value.email; }, errors);
        for (const auto& m : c.members) {
            check_person(m, "email", m.value.email, emails, errors);
        }
    }
    if (!errors.empty()) {
        return {std::nullopt, errors.take()};
    }
    for (const auto& u : units) {
        org.units.push_back(u.value);
    }
    for (const auto& p : people) {
        org.people.push_back(p.value);
    }
    for (const auto& c : committees) {
        bot::committee value = c.value;
        for (const auto& m : c.members) {
            value.members.push_back(m.value);
        }
        org.committees.push_back(std::move(value));
    }
    return {std::move(org), {}};
}

}  // namespace kv::daemon
