#include "tests/support/fake_ports.hpp"

#include <algorithm>
#include <stdexcept>

namespace kv::test {

fake_directory& fake_directory::add_person(bot::person p) {
    const std::string email = p.email;
    people_.insert_or_assign(email, std::move(p));
    return *this;
}

fake_directory& fake_directory::add_unit(bot::unit u) {
    const auto same = std::find_if(units_.begin(), units_.end(),
                                   [&](const bot::unit& existing) { return existing.id == u.id; });
    if (same != units_.end()) {
        *same = std::move(u);
    } else {
        units_.push_back(std::move(u));
    }
    return *this;
}

fake_directory& fake_directory::add_committee(bot::committee c) {
    committees_.push_back(std::move(c));
    return *this;
}

void fake_directory::set_language(const std::string& email, bot::language lang) {
    if (const auto it = people_.find(email); it != people_.end()) {
        it->second.lang = lang;
    }
}

std::optional<bot::person> fake_directory::find_person(const std::string& email) const {
    const auto it = people_.find(email);
    return it == people_.end() ? std::nullopt : std::optional<bot::person>{it->second};
}

std::optional<bot::unit> fake_directory::find_unit(const std::string& id) const {
    for (const auto& u : units_) {
        if (u.id == id) {
            return u;
        }
    }
    return std::nullopt;
}

std::vector<bot::unit> fake_directory::all_units() const {
    return units_;
}

std::vector<bot::committee> fake_directory::all_committees() const {
    return committees_;
}

std::vector<bot::person> fake_directory::people() const {
    std::vector<bot::person> out;
    for (const auto& [email, p] : people_) {
        out.push_back(p);
    }
    return out;
}

std::int64_t fake_repository::store_case(bot::deviation_case c) {
    if (c.id == 0) {
        c.id = next_id_++;
        cases_.push_back(std::move(c));
        return cases_.back().id;
    }
    const auto it = std::find_if(cases_.begin(), cases_.end(),
                                 [&](const bot::deviation_case& e) { return e.id == c.id; });
    if (it == cases_.end()) {
        throw std::logic_error("cannot update case " + c.human_id + ": no case has id " +
                               std::to_string(c.id));
    }
    *it = std::move(c);
    return it->id;
}

void fake_repository::set_conversation(const std::string& email, bot::channel via,
                                       bot::conversation_state s) {
    if (s.empty()) {
        conversations_.erase({email, via});
    } else {
        conversations_.insert_or_assign({email, via}, std::move(s));
    }
}

std::optional<bot::deviation_case> fake_repository::find_case(const std::string& human_id) const {
    for (const auto& c : cases_) {
        if (c.human_id == human_id) {
            return c;
        }
    }
    return std::nullopt;
}

std::vector<bot::deviation_case> fake_repository::cases_reported_by(
    const std::string& email) const {
    std::vector<bot::deviation_case> out;
    std::copy_if(cases_.begin(), cases_.end(), std::back_inserter(out),
                 [&](const bot::deviation_case& c) { return c.reporter_email == email; });
    return out;
}

std::vector<bot::deviation_case> fake_repository::open_cases_in(
    const std::vector<std::string>& unit_ids) const {
    std::vector<bot::deviation_case> out;
    for (const auto& unit_id : unit_ids) {
        for (const auto& c : cases_) {
            if (c.unit_id == unit_id && c.state != bot::case_state::lukket) {
                out.push_back(c);
            }
        }
    }
    return out;
}

int fake_repository::next_case_seq(int year) const {
    int last = 0;
    for (const auto& c : cases_) {
        if (c.year == year) {
            last = std::max(last, c.seq);
        }
    }
    return last + 1;
}

bot::conversation_state fake_repository::conversation(const std::string& email,
                                                      bot::channel via) const {
    const auto it = conversations_.find({email, via});
    return it == conversations_.end() ? bot::conversation_state{} : it->second;
}

void fake_world::apply(const bot::decision& d, const std::string& actor, bot::channel via) {
    if (d.case_write) {
        repo.store_case(*d.case_write);
        ++case_writes;
    }
    for (const auto& e : d.events) {
        if (!repo.find_case(e.case_human_id)) {
            throw std::logic_error("cannot record '" + e.kind + "' in the history of case " +
                                   e.case_human_id + ": there is no such case");
        }
        history.push_back(e);
    }
    audit.insert(audit.end(), d.audit.begin(), d.audit.end());
    for (const auto& n : d.notifications) {
        inbox[n.recipient_email].push_back(n);
    }
    if (d.conversation) {
        repo.set_conversation(actor, via, *d.conversation);
    }
    if (d.preferences && d.preferences->lang) {
        dir.set_language(d.preferences->email, *d.preferences->lang);
    }
}

void fake_world::apply(const bot::decision& d, const std::string& actor, bot::channel via,
                       bot::time_point now) {
    apply(d, actor, via);
    repo.library().apply(d, actor, now);
}

bot::decision fake_world::handle(const bot::bot& b, const bot::inbound_event& ev,
                                 bot::time_point now) {
    repo.library().staff = dir.people();
    bot::decision d = b.decide(ev, dir, repo, now);
    apply(d, ev.sender_email, ev.via, now);
    return d;
}

const std::vector<bot::notification>& fake_world::received(const std::string& email) const {
    static const std::vector<bot::notification> none;
    const auto it = inbox.find(email);
    return it == inbox.end() ? none : it->second;
}

bot_harness::bot_harness(fake_directory dir, bot::time_point at, bot::bot_settings settings)
    : b(std::move(settings)), now(at) {
    world.dir = std::move(dir);
}

bot::decision bot_harness::say(const std::string& email, std::string text) {
    bot::inbound_event ev;
    ev.sender_email = email;
    ev.via = bot::channel::console;
    ev.text = std::move(text);
    return world.handle(b, ev, now);
}

bot::decision bot_harness::press(const std::string& email, std::string verb,
                                 std::map<std::string, std::string> data) {
    bot::inbound_event ev;
    ev.sender_email = email;
    ev.via = bot::channel::console;
    ev.action_verb = std::move(verb);
    ev.action_data = std::move(data);
    return world.handle(b, ev, now);
}

bot::conversation_state bot_harness::conversation(const std::string& email) const {
    return world.repo.conversation(email, bot::channel::console);
}

std::string flatten(const bot::message& m) {
    std::string out;
    const auto line = [&](const std::string& s) {
        if (!s.empty()) {
            out += s;
            out += '\n';
        }
    };
    line(m.title);
    for (const auto& f : m.facts) {
        line(f.label + ": " + f.value);
    }
    line(m.text);
    for (const auto& a : m.actions) {
        line("[" + a.label + "]");
    }
    return out;
}

std::string flatten(const std::vector<bot::message>& ms) {
    std::string out;
    for (const auto& m : ms) {
        out += flatten(m);
    }
    return out;
}

std::string at_vik(const std::string& local_part) {
    return local_part + "@vik.kommune.no";
}

fake_directory small_municipality() {
    fake_directory dir;
    dir.add_unit({"kommune", "Vik kommune", "", at_vik("radmann"), ""})
        .add_unit({"helse", "Helse og omsorg", "kommune", at_vik("helsesjef"), ""})
        .add_unit({"sykehjem", "Solsiden sykehjem", "helse", at_vik("leder.sol"),
                   at_vik("nestleder.sol")})
        .add_unit({"hjemme", "Hjemmetjenesten", "helse", at_vik("leder.hjem"), ""})
        .add_unit({"skole", "Vik skole", "kommune", at_vik("rektor"), ""});
    const auto add = [&](const std::string& local, const std::string& name,
                         const std::string& unit_id, const std::string& role,
                         bot::language lang = bot::language::nb, bool active = true) {
        dir.add_person({at_vik(local), name, unit_id, role, lang, bot::channel::console, active});
    };
    add("radmann", "Rita Rådmann", "kommune", "leader");
    add("helsesjef", "Helge Helsesjef", "helse", "leader");
    add("leder.sol", "Sol Leder", "sykehjem", "leader");
    add("nestleder.sol", "Nils Nestleder", "sykehjem", "deputy");
    add("leder.hjem", "Hanne Hjemleder", "hjemme", "leader");
    add("rektor", "Rolf Rektor", "skole", "leader");
    add("kari", "Kari Nordmann", "sykehjem", "employee");
    add("per", "Per Pleier", "sykehjem", "employee");
    add("john", "John Smith", "sykehjem", "employee", bot::language::en);
    add("tone", "Tone Tjeneste", "hjemme", "employee");
    add("gammel", "Gamle Gunnar", "sykehjem", "employee", bot::language::nb, false);
    add("psu.leder", "Petra Pasientsikkerhet", "kommune", "quality_coordinator");
    add("kvalitet", "Kjell Kvalitet", "kommune", "quality_coordinator");
    dir.add_committee({"psu",
                       "Pasient- og brukersikkerhetsutvalget",
                       bot::committee_kind::patient_safety,
                       "kommune",
                       {{at_vik("psu.leder"), "chair"}, {at_vik("kvalitet"), "member"}}});
    dir.add_committee({"ku",
                       "Kvalitetsutvalget",
                       bot::committee_kind::quality,
                       "kommune",
                       {{at_vik("radmann"), "chair"}}});
    return dir;
}

}  // namespace kv::test
