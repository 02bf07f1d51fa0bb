#pragma once
// Checks a document request against the field rules of its layout, and adds what is
// derived rather than typed (sex and birth date from the ID number). Every problem found
// is returned, not just the first, so that a form can mark all its bad fields at once.
// Pure function; thread-safe.
#include <Poco/Dynamic/Var.h>

#include <optional>
#include <string_view>
#include <vector>

#include "examdocs/core/problem.h"
#include "examdocs/renderers/layout.h"

namespace examdocs::renderers {

// Bounds on any request, whatever its layout says: beyond them a body is refused before
// any rule is looked at.
struct InputLimits {
    int max_depth = 16;
    std::size_t max_array_items = 2000;
    std::size_t max_string_bytes = 2 * 1024 * 1024;  // a base64 photo fits
};

struct CheckedInput {
    std::vector<FieldError> errors;  // empty when the input is good
    Poco::Dynamic::Var data;         // the input with derived values added
};

// Whether the layout checks or prints the field at `pointer` (array indices as numbers:
// "/sessions/0/room"): nothing when it does or when the layout is "passthrough", else an
// unknown field naming it and, when one is close, the nearest known field. The
// bulk reader refuses a CSV header with it before any record prints.
struct UnknownField {
    std::string pointer;                 // "/candidate/nmae"
    std::optional<std::string> nearest;  // "/candidate/name", when one is close
    FieldError error() const;            // code "unknown-field"
};
std::optional<UnknownField> check_field_known(const Layout& layout, std::string_view pointer);

// Only the shape limits and the unknown-field check of check_input, for a part of a record
// such as a bulk job's defaults (which go under every record, so a misspelt field in them
// is refused once, before any record prints; required fields may come with the records).
std::vector<FieldError> check_fields_known(const Layout& layout, const Poco::Dynamic::Var& partial,
                                           const InputLimits& limits = {});

// `data` is what Poco::JSON::Parser produced; `today` is "YYYY-MM-DD".
CheckedInput check_input(const Layout& layout, const Poco::Dynamic::Var& data,
                         std::string_view today, const InputLimits& limits = {});

}  // namespace examdocs::renderers
