#pragma once
// Error values of examdocs, shaped after RFC 9457 problem details.
//
// A Problem is a plain value: modules return field errors as values, and the service
// turns a Problem into an application/problem+json response in exactly one place.
// ProblemError carries a Problem through code that has to unwind (a handler deep in a
// call chain); it is the only exception a handler throws on purpose.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace examdocs {

// One problem with one input field. `pointer` is a JSON pointer (RFC 6901) into the
// request, e.g. "/candidate/idNumber"; `code` is stable and machine-readable
// ("required", "too-long", "id-number-checksum"); `message` is for a person.
struct FieldError {
    std::string pointer;
    std::string code;
    std::string message;
};

struct Problem {
    int status = 500;
    std::string slug;  // stable: becomes the type URI "urn:examdocs:problem:<slug>"
    std::string title;
    std::string detail;
    std::vector<FieldError> errors;
    // Response headers that belong to this problem: Allow for a 405, Retry-After for
    // a 429 or 503.
    std::vector<std::pair<std::string, std::string>> headers;
    // Extension members (RFC 9457 §3.2), e.g. the dependency states of a 503.
    Poco::JSON::Object::Ptr extensions;

    std::string type_uri() const;
};

class ProblemError : public std::runtime_error {
  public:
    explicit ProblemError(Problem problem);
    const Problem& problem() const noexcept { return problem_; }

  private:
    Problem problem_;
};

// The problems every part of examdocs uses, so that the same situation always has the
// same slug and title.
Problem bad_request(std::string detail);
Problem unauthorized(std::string detail);
Problem forbidden(std::string detail);
Problem not_found(std::string detail);
Problem method_not_allowed(const std::vector<std::string>& allowed_methods);
Problem conflict(std::string detail);
Problem payload_too_large(long long limit_bytes);
Problem unsupported_media_type(std::string detail);
Problem unprocessable(std::string detail, std::vector<FieldError> errors);
Problem too_many_requests(std::string detail, int retry_after_seconds);
Problem internal_error();
Problem service_unavailable(std::string detail, int retry_after_seconds);

// The application/problem+json body. `instance` is the request path; `request_id`
// is echoed so that a caller can quote it.
// [{pointer, code, message}, …], as in a problem's errors member (also bulk error files).
Poco::JSON::Array::Ptr field_errors_json(const std::vector<FieldError>& errors);

std::string problem_to_json(const Problem& problem, std::string_view instance,
                            std::string_view request_id);

}  // namespace examdocs
