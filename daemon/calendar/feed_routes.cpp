#include "daemon/calendar/feed_routes.hpp"

#include <memory>
#include <optional>
#include <string>

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
        auto doc = checked_feed(req.path_param);
        return doc ? calendar_response(*doc) : not_found();
    }

    // "<token>.<item id>.<YYYYMMDD>": one occurrence of the token's feed.
    http_response event(const http_request& req) {
        const std::string& param = req.path_param;
        const auto first = param.find('.');
        if (first == std::string::npos) {
            return not_found();
        }
        auto doc = checked_feed(param.substr(0, first));
        if (!doc) {
            return not_found();
        }
        const std::string rest = param.substr(first + 1);
        const auto dot = rest.rfind('.');
        if (dot == std::string::npos) {
            return not_found();
        }
        const std::string wanted =
            "wheel-" + rest.substr(0, dot) + "-" + rest.substr(dot + 1) + "@kvalitetsvakt";
        std::erase_if(doc->events, [&](const calendar_event& e) { return e.uid != wanted; });
        if (doc->events.empty()) {
            return not_found();
        }
        return calendar_response(*doc);
    }

  private:
    std::optional<calendar_document> checked_feed(const std::string& token) {
        if (!signer_.enabled()) {
            return std::nullopt;
        }
        const auto parsed = feed_token_signer::parse(token);
        if (!parsed) {
            return std::nullopt;
        }
        const auto row = find_calendar_feed(a_.db->db(), parsed->key);
        if (!row || !signer_.matches(*parsed, row->feed_id, row->generation)) {
            log::debug("calendar feed request with a token that does not match");
            return std::nullopt;
        }
        return feed_document(*a_.db, sched_, row->feed_id, now_seconds());
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
