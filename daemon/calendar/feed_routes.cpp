#include "daemon/calendar/feed_routes.hpp"

#include <memory>
#include <optional>
#include <string>

#include "bot/domain/oslo_time.hpp"
#include "daemon/calendar/feed_events.hpp"
#include "daemon/calendar/feed_store.hpp"
#include "daemon/calendar/feed_token.hpp"
#include "daemon/log.hpp"

namespace kv::daemon {
namespace {

http_response not_found() {
    http_response r = text_response(404, "Ikke funnet\n");
    r.headers.set("Cache-Control", "no-store");
    return r;
}

http_response calendar_response(const calendar_document& doc) {
    http_response r;
    r.status = 200;
    r.content_type = "text/calendar; charset=utf-8";
    // The URL is a credential: keep it out of shared caches, referrers and search engines.
    r.headers.set("Cache-Control", "private, max-age=300");
    r.headers.set("Referrer-Policy", "no-referrer");
    r.headers.set("X-Robots-Tag", "noindex, nofollow");
    r.body = write_icalendar(doc);
    return r;
}

class feed_pages {
  public:
    feed_pages(app& a, const scheduler& sched)
        : a_(a), sched_(sched), signer_(a.cfg.email.link_secret) {}

    http_response feed(const http_request& req) {
        const auto row = checked_row(req.path_param);
        if (!row) {
            return not_found();
        }
        auto doc = feed_document(*a_.db, sched_, row->feed_id, now_seconds());
        return doc ? calendar_response(*doc) : not_found();
    }

    // "<token>.<item id>.<YYYYMMDD>": one occurrence of the token's feed.
    http_response event(const http_request& req) {
        const std::string& param = req.path_param;
        const auto first = param.find('.');
        const auto last = param.rfind('.');
        if (first == std::string::npos || last == first || param.size() - last - 1 != 8) {
            return not_found();
        }
        const auto row = checked_row(param.substr(0, first));
        // "YYYYMMDD" as the ISO date the parser reads.
        const std::string d = param.substr(last + 1);
        const auto date =
            bot::parse_iso_date(d.substr(0, 4) + "-" + d.substr(4, 2) + "-" + d.substr(6, 2));
        if (!row || !date) {
            return not_found();
        }
        auto doc =
            occurrence_document(*a_.db, sched_, row->feed_id,
                                param.substr(first + 1, last - first - 1), *date, now_seconds());
        return doc ? calendar_response(*doc) : not_found();
    }

  private:
    // The feed the token names, when it is that feed's current token.
    std::optional<calendar_feed_row> checked_row(const std::string& token) {
        if (!signer_.enabled()) {
            return std::nullopt;
        }
        const auto parsed = feed_token_signer::parse(token);
        if (!parsed) {
            return std::nullopt;
        }
        auto row = find_calendar_feed(a_.db->db(), parsed->key);
        if (!row || !signer_.matches(*parsed, row->feed_id, row->generation)) {
            log::debug("calendar feed request with a token that does not match");
            return std::nullopt;
        }
        return row;
    }

    app& a_;
    const scheduler& sched_;
    feed_token_signer signer_;
};

}  // namespace

void append_calendar_routes(std::vector<route>& table, app& a, const scheduler& sched) {
    auto pages = std::make_shared<feed_pages>(a, sched);
    table.push_back(
        {"GET", "/calendar/*.ics", [pages](const http_request& r) { return pages->feed(r); }});
    table.push_back({"GET", "/calendar/event/*.ics",
                     [pages](const http_request& r) { return pages->event(r); }});
}

}  // namespace kv::daemon
