#pragma once
// GET /calendar/<token>.ics: a person's or a committee's iCalendar feed (feed_events.hpp), for
// Outlook and other clients to subscribe to; and GET /calendar/event/<token>.<item>.<date>.ics:
// one wheel occurrence of that feed, for a "Legg i kalender" link. An unknown, malformed,
// rotated or tampered token, and a feed without the occurrence, get a bare 404 that says
// nothing about why. Feeds are off (404) without a link secret in [email].
//
// The handlers use the app's store: register them only with an http_server whose handler
// executor is the store thread (see run_serve). `sched` must outlive the routes.

#include <vector>

#include "daemon/app/app.hpp"
#include "daemon/http/router.hpp"
#include "daemon/schedule/scheduler.hpp"

namespace kv::daemon {

void append_calendar_routes(std::vector<route>& table, app& a, const scheduler& sched);

}  // namespace kv::daemon
