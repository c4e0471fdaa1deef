#pragma once
// Reading the organisation file (units, people, committees) named by general.organisation.
//
// Shape of the file:
//
//     name = "Eksempel kommune"
//
//     [[unit]]                 # id, name required; parent empty or absent at the top
//     id = "solbakken"
//     name = "Solbakken sykehjem"
//     parent = "helse"
//     leader = "per.hansen@eksempel.kommune.no"   # required
//     deputy = "anne.johansen@eksempel.kommune.no"
//
//     [[person]]               # email, name, unit required
//     email = "kari.nordmann@eksempel.kommune.no"
//     name = "Kari Nordmann"
//     unit = "solbakken"
//     role = "employee"        # employee (default), leader, deputy, quality_coordinator, admin
//     language = "nb"          # nb (default) or en
//     channel = "console"      # console (default), teams, email
//     active = true            # default true
//
//     [[committee]]            # id, name, kind, unit required
//     id = "ku-solbakken"
//     name = "Kvalitetsutvalget ved Solbakken sykehjem"
//     kind = "quality"         # quality or patient_safety
//     unit = "solbakken"
//     members = [{ email = "per.hansen@eksempel.kommune.no", role = "chair" }]
//
// Errors name the element by its 0-based index, as in `unit[3].parent`.

#include <filesystem>
#include <optional>
#include <vector>

#include "daemon/config/config_error.hpp"
#include "daemon/config/organisation.hpp"

namespace kv::daemon {

// Either an organisation (and no errors) or the errors (and no organisation).
struct organisation_result {
    std::optional<organisation> value;
    std::vector<config_error> errors;
};

// Reads and validates the organisation file: required keys, types and enum words, unique unit
// and committee ids, unique email addresses (stored lower-cased), parents that exist and form
// no cycle, leaders, deputies and committee members who are listed people, and units that
// exist. Returns all errors found. Completes synchronously; throws only std::bad_alloc.
organisation_result load_organisation(const std::filesystem::path& file);

}  // namespace kv::daemon
