#pragma once
// What an outbound mail was about, read from the thread a reply found: a deviation case, an
// approval request, a procedure-review reminder, a reading-list mail, or something a reply
// cannot act on (an annual-wheel reminder, a plain notification). A reply is routed by this,
// so a reply to a procedure mail never reaches a case.
// Uses the connection it is given from one thread at a time; throws store_error.

#include <string>
#include <vector>

#include "daemon/store/email_threads.hpp"

namespace kv::daemon {

struct reply_topic {
    enum class kind { deviation_case, approval, procedure_review, reading_list, unsupported };
    kind what = kind::unsupported;
    std::string id;  // the case's human id, the approval id, or the procedure id
    struct reading {
        std::string procedure;
        std::string version;
    };
    std::vector<reading> readings;  // reading_list: what the mail asked the person to read
};

reply_topic topic_of(database& db, const email_thread& thread);

}  // namespace kv::daemon
