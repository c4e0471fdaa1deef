#pragma once
// Checks shared by the configuration loaders and the people import: email addresses, role
// names, and "did you mean" suggestions. Pure functions.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kv::daemon::detail {

// Lower-cases ASCII letters and trims surrounding blanks; the result is how emails are compared.
std::string normalise_email(std::string_view email);

// True for "local@domain" with exactly one '@', a non-empty local part, a domain with a dot that
// neither starts nor ends it, and no blanks. Deliberately loose: HR exports are the real check.
bool is_email_address(std::string_view email);

// The roles a person may have: "employee", "leader", "deputy", "quality_coordinator", "admin".
const std::vector<std::string_view>& person_roles();

// The roles in a committee: "chair", "facilitator", "member", "employee_rep", "safety_delegate".
const std::vector<std::string_view>& committee_roles();

bool contains(const std::vector<std::string_view>& names, std::string_view name);

// `must be one of "a", "b", "c"`.
std::string one_of_message(const std::vector<std::string_view>& names);

// Levenshtein distance over bytes.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word`, if it is close enough to be a likely typo.
std::optional<std::string> closest_match(std::string_view word,
                                         const std::vector<std::string>& candidates);

// True when `text` is well-formed UTF-8 (no overlongs, no surrogates).
bool is_valid_utf8(std::string_view text);

}  // namespace kv::daemon::detail
