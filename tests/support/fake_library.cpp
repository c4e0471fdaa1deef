#include "tests/support/fake_library.hpp"

#include "tests/support/fake_ports.hpp"

#include <algorithm>
#include <chrono>
#include <stdexcept>

namespace kv::test {

fake_library& fake_library::add_procedure(bot::procedure p) {
    const std::string id = p.id;
    procedures_.insert_or_assign(id, std::move(p));
    return *this;
}

void fake_library::apply(const bot::decision& d, const std::string&, bot::time_point now) {
    for (auto a : d.approval_writes) {
        if (a.created_at == bot::time_point{}) {
            a.created_at = now;
        }
        const auto it = std::find_if(approvals_.begin(), approvals_.end(),
                                     [&](const bot::approval& e) { return e.id == a.id; });
        if (it == approvals_.end()) {
            approvals_.push_back(std::move(a));
        } else {
            *it = std::move(a);
        }
    }
    for (const auto& c : d.procedure_changes) {
        if (!procedures_.contains(c.after.id)) {
            throw std::logic_error("cannot record '" + c.kind + "' for procedure " + c.after.id +
                                   ": there is no such procedure");
        }
        procedures_[c.after.id] = c.after;
        history_.emplace_back(c.after.id, c.kind);
    }
    for (const auto& r : d.reading_changes) {
        const auto it = std::find_if(reading_.begin(), reading_.end(), [&](const auto& e) {
            return e.procedure_id == r.procedure_id && e.version == r.version && e.email == r.email;
        });
        if (r.kind == bot::reading_change::change_kind::assign) {
            if (it == reading_.end()) {
                reading_.push_back({r.procedure_id, r.version, r.email, now, std::nullopt});
            }
        } else if (it != reading_.end() && !it->read_at) {
            it->read_at = now;
        }
    }
}

std::vector<std::string> fake_library::history(const std::string& procedure_id) const {
    std::vector<std::string> out;
    for (const auto& [id, kind] : history_) {
        if (id == procedure_id) {
            out.push_back(kind);
        }
    }
    return out;
}

std::optional<bot::procedure> fake_library::find_procedure(const std::string& id) const {
    const auto it = procedures_.find(id);
    return it == procedures_.end() ? std::nullopt : std::optional<bot::procedure>{it->second};
}

std::vector<bot::procedure> fake_library::procedures_reviewed_by(const std::string& email) const {
    std::vector<bot::procedure> out;
    for (const auto& [id, p] : procedures_) {
        if (p.active && p.revision_owner_email == email) {
            out.push_back(p);
        }
    }
    return out;
}

std::optional<bot::approval> fake_library::find_approval(std::int64_t id) const {
    for (const auto& a : approvals_) {
        if (a.id == id) {
            return a;
        }
    }
    return std::nullopt;
}

std::int64_t fake_library::next_approval_id() const {
    std::int64_t last = 0;
    for (const auto& a : approvals_) {
        last = std::max(last, a.id);
    }
    return last + 1;
}

std::vector<bot::approval> fake_library::pending_approvals_about(const std::string& subject) const {
    std::vector<bot::approval> out;
    for (const auto& a : approvals_) {
        if (a.subject == subject && a.state == bot::approval_state::pending) {
            out.push_back(a);
        }
    }
    return out;
}

std::vector<bot::person> fake_library::people_in_units(
    const std::vector<std::string>& unit_ids) const {
    std::vector<bot::person> out;
    for (const auto& p : staff) {
        if (p.active && std::find(unit_ids.begin(), unit_ids.end(), p.unit_id) != unit_ids.end()) {
            out.push_back(p);
        }
    }
    std::sort(out.begin(), out.end(),
              [](const bot::person& a, const bot::person& b) { return a.email < b.email; });
    return out;
}

std::vector<bot::reading_entry> fake_library::reading_status(
    const std::string& procedure_id) const {
    std::vector<bot::reading_entry> out;
    const auto p = find_procedure(procedure_id);
    for (const auto& e : reading_) {
        if (p && e.procedure_id == procedure_id && e.version == p->version) {
            out.push_back(e);
        }
    }
    std::sort(out.begin(), out.end(),
              [](const auto& a, const auto& b) { return a.email < b.email; });
    return out;
}

bot::procedure fall_procedure() {
    using namespace std::chrono;
    bot::procedure p;
    p.id = "HO-PR-012";
    p.title = "Forebygging av fall";
    p.unit_id = "sykehjem";
    p.owner_email = at_vik("leder.sol");
    p.revision_owner_email = at_vik("kari");
    p.version = "1.3";
    p.last_reviewed = year{2025} / December / 1;
    p.interval_months = 12;
    p.url = "https://vik.kommune.no/dok/HO-PR-012";
    return p;
}

}  // namespace kv::test
