#pragma once
// Private to service/: reading a multipart/form-data body part by part, with the limits
// every door that takes a form shares. Malformed bodies (no boundary, a body that does
// not start with its boundary, a part without headers) are 400 problems and a form with
// more than `max_parts` parts is refused before the extra parts are read, so a request
// cannot make us parse thousands of parts.
#include <functional>
#include <istream>
#include <string>
#include <string_view>

namespace examdocs::service {

class Exchange;

struct FormPart {
    std::string name;          // from Content-Disposition
    std::string filename;      // empty for a plain field
    std::string content_type;  // the part's own Content-Type, lower case, no parameters
    std::istream& body;        // read it (bounded) or leave it: the next part skips the rest
};

// The default part limit: every form of ours has fewer fields than this.
inline constexpr int kMaxFormParts = 8;

// Calls `on_part` for each part in order. Throws ProblemError: 400 for a malformed body or
// more than `max_parts` parts, 415 when the body is not multipart/form-data; whatever
// `on_part` throws passes through.
void read_form_parts(Exchange& ex, const std::function<void(FormPart&)>& on_part,
                     int max_parts = kMaxFormParts);

// The same for a body and its Content-Type from anywhere (the fuzz target reads forms
// this way).
void read_form_parts(std::string_view content_type, std::istream& body,
                     const std::function<void(FormPart&)>& on_part, int max_parts = kMaxFormParts);

}  // namespace examdocs::service
