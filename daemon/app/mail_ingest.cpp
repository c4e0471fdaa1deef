#include <iostream>
#include <limits>
#include <string>

#include "daemon/app/commands.hpp"
#include "daemon/email/inbound.hpp"
#include "daemon/log.hpp"

namespace kv::daemon {

int run_mail_ingest(app& a, std::istream& in, std::ostream& out) {
    const auto options = inbound_options_from(a.cfg.email);
    // Read at most one byte over the limit: the parser then refuses the message by its size
    // and reads only its headers; the rest of the input is drained unread.
    std::string raw;
    raw.resize(options.max_bytes + 1);
    in.read(raw.data(), static_cast<std::streamsize>(raw.size()));
    raw.resize(static_cast<std::size_t>(in.gcount()));
    if (in.gcount() > 0 && raw.size() > options.max_bytes) {
        in.ignore(std::numeric_limits<std::streamsize>::max());
    }
    if (in.bad()) {
        std::cerr << "kvalitetsvakt: mail ingest: cannot read the message from standard input\n";
        return exit_tempfail;
    }
    try {
        inbound_mail inbound(*a.db, a.brain, options);
        out << to_json_line(inbound.handle(raw, now_seconds())) << "\n";
        return exit_ok;
    } catch (const std::exception& e) {
        log::error(std::string("mail ingest failed: ") + e.what());
        std::cerr << "kvalitetsvakt: mail ingest: the message could not be stored; try again\n";
        return exit_tempfail;
    }
}

}  // namespace kv::daemon
