#include "bot/dialog/annual_wheel_view.hpp"

#include <string>

#include "bot/domain/oslo_time.hpp"
#include "bot/schedule/wheel_overview.hpp"

namespace kv::bot {
namespace {

std::string_view kind_label(wheel_item_kind kind, bool nb) {
    switch (kind) {
        case wheel_item_kind::meeting:
            return nb ? "møte" : "meeting";
        case wheel_item_kind::deadline:
            return nb ? "frist" : "deadline";
        case wheel_item_kind::report:
            return nb ? "rapport" : "report";
        case wheel_item_kind::review:
            return nb ? "gjennomgang" : "review";
        case wheel_item_kind::audit:
            return nb ? "revisjon" : "audit";
    }
    return "";
}

std::string owner_label(const wheel_item& item, const std::vector<committee>& committees, bool nb) {
    if (!item.role.empty()) {
        return (nb ? "alle med rollen " : "everyone with the role ") + item.role;
    }
    for (const auto& c : committees) {
        if (c.id == item.committee_id) {
            return c.name;
        }
    }
    return item.committee_id;
}

}  // namespace

void show_annual_wheel(context& ctx, std::string_view) {
    const bool nb = ctx.nb();
    message m;
    m.title = nb ? "Årshjulet ditt" : "Your annual wheel";
    if (ctx.wheel == nullptr) {
        m.text = nb ? "Årshjulet er ikke satt opp her ennå. Kvalitetskoordinatoren kan fortelle "
                      "deg når møtene er."
                    : "The annual wheel is not set up here yet. The quality coordinator can tell "
                      "you when the meetings are.";
        ctx.reply(std::move(m));
        return;
    }
    const wheel_overview_settings settings;
    const auto committees = ctx.dir.all_committees();
    const auto all = ctx.wheel->occurrences(ctx.now, ctx.now + settings.horizon);
    const auto mine = upcoming_for(all, ctx.me, committees, ctx.now, settings);
    if (mine.empty()) {
        m.text = nb ? "Du er ikke med i noe utvalg i årshjulet, så du har ingen møter eller "
                      "frister der. Skriv «frister» for å se dine egne frister, eller spør "
                      "kvalitetskoordinatoren om årshjulet for enheten din."
                    : "You are not on any committee in the annual wheel, so you have no meetings "
                      "or deadlines there. Type «deadlines» to see your own deadlines, or ask the "
                      "quality coordinator about your unit's annual wheel.";
        ctx.reply(std::move(m));
        return;
    }
    for (const auto& o : mine) {
        if (!m.text.empty()) {
            m.text += "\n";
        }
        m.text += format_oslo(o.start) + "  " + o.item->title + " · " +
                  owner_label(*o.item, committees, nb) + " · " +
                  std::string(kind_label(o.item->kind, nb));
    }
    ctx.reply(std::move(m));
}

}  // namespace kv::bot
