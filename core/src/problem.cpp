#include "examdocs/core/problem.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Stringifier.h>

#include <sstream>

namespace examdocs {

namespace {

Problem make(int status, std::string slug, std::string title, std::string detail) {
    Problem p;
    p.status = status;
    p.slug = std::move(slug);
    p.title = std::move(title);
    p.detail = std::move(detail);
    return p;
}

}  // namespace

std::string Problem::type_uri() const { return "urn:examdocs:problem:" + slug; }

ProblemError::ProblemError(Problem problem)
    : std::runtime_error(problem.title + ": " + problem.detail), problem_(std::move(problem)) {}

Problem bad_request(std::string detail) {
    return make(400, "malformed-request", "Malformed request", std::move(detail));
}

Problem unauthorized(std::string detail) {
    Problem p = make(401, "unauthorized", "Authentication required", std::move(detail));
    p.headers.emplace_back("WWW-Authenticate", "Bearer");
    return p;
}

Problem forbidden(std::string detail) {
    return make(403, "forbidden", "Not allowed", std::move(detail));
}

Problem not_found(std::string detail) {
    return make(404, "not-found", "Not found", std::move(detail));
}

Problem method_not_allowed(const std::vector<std::string>& allowed_methods) {
    std::string allow;
    for (const auto& m : allowed_methods) {
        if (!allow.empty()) allow += ", ";
        allow += m;
    }
    Problem p = make(405, "method-not-allowed", "Method not allowed",
                     "This resource answers to: " + allow + ".");
    p.headers.emplace_back("Allow", allow);
    return p;
}

Problem conflict(std::string detail) {
    return make(409, "conflict", "Conflict", std::move(detail));
}

Problem payload_too_large(long long limit_bytes) {
    return make(
        413, "payload-too-large", "Request body too large",
        "The request body is larger than the limit of " + std::to_string(limit_bytes) + " bytes.");
}

Problem unsupported_media_type(std::string detail) {
    return make(415, "unsupported-media-type", "Unsupported media type", std::move(detail));
}

Problem unprocessable(std::string detail, std::vector<FieldError> errors) {
    Problem p = make(422, "invalid-input", "Invalid input", std::move(detail));
    p.errors = std::move(errors);
    return p;
}

Problem too_many_requests(std::string detail, int retry_after_seconds) {
    Problem p = make(429, "too-many-requests", "Too many requests", std::move(detail));
    p.headers.emplace_back("Retry-After", std::to_string(retry_after_seconds));
    return p;
}

Problem internal_error() {
    return make(500, "internal-error", "Internal error",
                "The server failed to handle this request. Quote the request id when "
                "reporting it.");
}

Problem service_unavailable(std::string detail, int retry_after_seconds) {
    Problem p = make(503, "unavailable", "Service unavailable", std::move(detail));
    p.headers.emplace_back("Retry-After", std::to_string(retry_after_seconds));
    return p;
}

Poco::JSON::Array::Ptr field_errors_json(const std::vector<FieldError>& errors) {
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const auto& e : errors) {
        Poco::JSON::Object item(Poco::JSON_PRESERVE_KEY_ORDER);
        item.set("pointer", e.pointer);
        item.set("code", e.code);
        item.set("message", e.message);
        list->add(item);
    }
    return list;
}

std::string problem_to_json(const Problem& problem, std::string_view instance,
                            std::string_view request_id) {
    Poco::JSON::Object body(Poco::JSON_PRESERVE_KEY_ORDER);
    body.set("type", problem.type_uri());
    body.set("title", problem.title);
    body.set("status", problem.status);
    body.set("detail", problem.detail);
    body.set("instance", std::string(instance));
    body.set("requestId", std::string(request_id));
    if (!problem.errors.empty()) body.set("errors", field_errors_json(problem.errors));
    if (problem.extensions) {
        for (const auto& [key, value] : *problem.extensions) {
            if (!body.has(key)) body.set(key, value);
        }
    }
    std::ostringstream out;
    Poco::JSON::Stringifier::stringify(body, out, 0, -1, Poco::JSON_WRAP_STRINGS);
    return out.str();
}

}  // namespace examdocs
