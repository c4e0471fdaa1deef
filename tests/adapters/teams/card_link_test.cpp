#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "adapters/teams/card.hpp"

using namespace kv::teams;
using json = nlohmann::json;

namespace {

kv::bot::message meeting_reminder() {
    kv::bot::message m;
    m.title = "Møte i kvalitetsutvalget i Helse og omsorg";
    m.text = "Saksliste: åpne avvik og risiko";
    m.subject_key = "wheel:ku-helse-mote:2027-03-02";
    return m;
}

// Every Action.OpenUrl anywhere in the card, as (title, url).
std::vector<std::pair<std::string, std::string>> open_urls(const json& card) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& element : card.at("body")) {
        if (element.at("type") != "ActionSet") {
            continue;
        }
        for (const auto& a : element.at("actions")) {
            if (a.at("type") == "Action.OpenUrl") {
                out.emplace_back(a.at("title"), a.at("url"));
            }
        }
    }
    return out;
}

}  // namespace

TEST_CASE("a card with a calendar link shows it as an Action.OpenUrl button", "[teams][card]") {
    card_options o;
    o.links = {{"Legg i kalender",
                "https://kv.eksempel.kommune.no/calendar/event/1-abc.ku-helse-mote.20270302.ics"}};
    const auto card = json::parse(render_card(meeting_reminder(), o));
    const auto urls = open_urls(card);
    REQUIRE(urls.size() == 1);
    CHECK(urls[0].first == "Legg i kalender");
    CHECK(urls[0].second ==
          "https://kv.eksempel.kommune.no/calendar/event/1-abc.ku-helse-mote.20270302.ics");
}

TEST_CASE("only http and https links are rendered", "[teams][card]") {
    card_options o;
    o.links = {{"Skadelig", "javascript:alert(1)"}, {"Fil", "file:///etc/passwd"}};
    const auto card = json::parse(render_card(meeting_reminder(), o));
    CHECK(open_urls(card).empty());
}

TEST_CASE("a card without links has no OpenUrl button", "[teams][card]") {
    const auto card = json::parse(render_card(meeting_reminder()));
    CHECK(open_urls(card).empty());
}
