#pragma once
// The pages behind the signed action links in email: GET /a/<token> shows a confirmation page in
// Norwegian (what will happen, the case in short, one button) and changes nothing, so mail
// scanners that fetch links act on nothing; POST /a/<token> from that page carries the action
// out through the bot and the store, like any other event, and uses the link up in the same
// transaction. A used, expired, tampered or unknown link gets a page that says so.
//
// The handlers use the app's store: register them only with an http_server whose handler
// executor is the store thread (see run_serve).

#include <vector>

#include "daemon/app/app.hpp"
#include "daemon/http/router.hpp"

namespace kv::daemon {

// Appends GET and POST /a/* to `table`. Without a link secret in [email], both answer 404 with
// a page saying links are off.
void append_email_link_routes(std::vector<route>& table, app& a);

}  // namespace kv::daemon
