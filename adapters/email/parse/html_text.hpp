#pragma once
// HTML mail bodies as readable text. Mail HTML is rendered by nobody here: this keeps the words
// and the line structure (paragraphs, line breaks, list items, table rows) and drops the rest.

#include <string>
#include <string_view>

namespace kv::email {

// Converts UTF-8 HTML to UTF-8 text: drops <head>, <style>, <script> and comments; breaks lines
// at <br>, <p>, <div>, <tr>, <li>, headings and <hr>; decodes named and numeric character
// references; collapses runs of spaces; at most one empty line in a row; no leading or trailing
// empty lines. Never throws for any input (only std::bad_alloc); unclosed tags end the text.
std::string html_to_text(std::string_view html);

}  // namespace kv::email
