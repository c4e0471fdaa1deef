#pragma once
// The HTTP edge's own request and response types. Handlers see only these: never Beast, never a
// socket, so they can be tested as plain functions.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kv::daemon {

// Header fields in arrival order. Lookup ignores ASCII case, as HTTP field names do.
// A value type: not synchronised; copy it to share it between threads.
class http_headers {
  public:
    using field = std::pair<std::string, std::string>;

    // Appends a field, keeping any earlier field of the same name.
    http_headers& add(std::string name, std::string value);
    // Replaces every field of that name with one field.
    http_headers& set(std::string name, std::string value);

    // The value of the first field named `name`, or nothing.
    std::optional<std::string_view> find(std::string_view name) const;
    bool contains(std::string_view name) const { return find(name).has_value(); }

    std::vector<field>::const_iterator begin() const { return fields_.begin(); }
    std::vector<field>::const_iterator end() const { return fields_.end(); }
    std::size_t size() const { return fields_.size(); }

  private:
    std::vector<field> fields_;
};

// True when `a` and `b` are equal ignoring ASCII case.
bool iequals(std::string_view a, std::string_view b);

struct http_request {
    std::string method;      // as sent, e.g. "GET", "POST"
    std::string target;      // as sent: path and query, e.g. "/calendar/x1.ics?lang=nb"
    std::string path;        // the target up to '?', not percent-decoded
    std::string query;       // the target after '?', without it; empty when there is none
    std::string path_param;  // what a route's '*' matched (see router), else empty
    http_headers headers;
    std::string body;
};

struct http_response {
    int status = 200;
    std::string content_type = "text/plain; charset=utf-8";  // empty: no Content-Type field
    http_headers headers;  // besides Content-Type; Content-Length and Connection are the server's
    std::string body;
};

http_response text_response(int status, std::string body);
http_response json_response(int status, std::string body);

}  // namespace kv::daemon
