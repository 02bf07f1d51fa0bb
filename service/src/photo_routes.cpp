#include "photo_routes.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/String.h>

#include <array>
#include <optional>
#include <sstream>

#include "examdocs/core/base64.h"
#include "examdocs/core/problem.h"
#include "examdocs/photos/photo_check.h"
#include "examdocs/service/service.h"
#include "form_parts.h"

namespace examdocs::service {

namespace {

std::string media_type(const std::string& content_type) {
    std::string base = content_type.substr(0, content_type.find(';'));
    Poco::trimInPlace(base);
    return Poco::toLower(base);
}

// Reads at most `limit` bytes of a stream; more is a 413.
std::string read_limited(std::istream& in, long long limit) {
    std::string out;
    std::array<char, 16384> chunk{};
    while (in.read(chunk.data(), chunk.size()) || in.gcount() > 0) {
        out.append(chunk.data(), static_cast<std::size_t>(in.gcount()));
        if (static_cast<long long>(out.size()) > limit)
            throw ProblemError(payload_too_large(limit));
    }
    return out;
}

std::string decode_base64(const std::string& text) {
    auto bytes = base64_decode(text);
    if (!bytes) {
        throw ProblemError(
            unprocessable("The photo is not valid base64.",
                          {{"/photo", "base64", "照片不是有效的Base64编码 / Not valid base64."}}));
    }
    return std::move(*bytes);
}

// The uploaded photo, however it came: a raw image body, a multipart form with a part
// named "photo" (read as a stream, with its own limit), or JSON {"photo": base64}.
std::string read_photo(Exchange& ex, long long limit) {
    const std::string content_type = ex.header("Content-Type");
    const std::string type = media_type(content_type);
    if (type == "image/jpeg" || type == "image/png" || type == "application/octet-stream") {
        return read_limited(ex.body_stream(), limit);
    }
    if (type == "multipart/form-data") {
        std::optional<std::string> photo;
        read_form_parts(ex, [&](FormPart& part) {
            // Other parts are skipped, bounded as well.
            if (part.name == "photo" && !photo) photo = read_limited(part.body, limit);
        });
        if (photo) return std::move(*photo);
        throw ProblemError(
            unprocessable("The form has no part named 'photo'.",
                          {{"/photo", "required", "缺少照片 / The photo part is missing."}}));
    }
    if (type == "application/json") {
        Poco::JSON::Parser parser;
        auto body = parser.parse(ex.read_body());
        if (body.type() != typeid(Poco::JSON::Object::Ptr) ||
            !body.extract<Poco::JSON::Object::Ptr>()->has("photo") ||
            !body.extract<Poco::JSON::Object::Ptr>()->get("photo").isString()) {
            throw ProblemError(
                unprocessable("Send {\"photo\": \"<base64>\"}.",
                              {{"/photo", "required", "缺少照片 / The photo is missing."}}));
        }
        std::string bytes =
            decode_base64(body.extract<Poco::JSON::Object::Ptr>()->getValue<std::string>("photo"));
        if (static_cast<long long>(bytes.size()) > limit)
            throw ProblemError(payload_too_large(limit));
        return bytes;
    }
    throw ProblemError(unsupported_media_type(
        "Send the photo as image/jpeg or image/png, as multipart/form-data with a part named "
        "'photo', or as JSON {\"photo\": base64}."));
}

const photos::PhotoProfile& profile_of(const Service& service, Exchange& ex) {
    const auto name = ex.query("profile");
    if (!name || name->empty()) {
        throw ProblemError(
            unprocessable("Name a profile: ?profile=ruankao (GET /v1/photo-profiles lists them).",
                          {{"/profile", "required", "缺少照片规格 / The profile is missing."}}));
    }
    const auto& profiles = service.photo_profiles();
    auto it = profiles.find(*name);
    if (it == profiles.end()) {
        throw ProblemError(unprocessable(
            "There is no photo profile '" + *name + "'.",
            {{"/profile", "unknown-profile",
              "没有该照片规格 / No such profile; GET /v1/photo-profiles lists them."}}));
    }
    return it->second;
}

void refuse_rejected(const photos::PhotoReport& report) {
    if (report.rejection == photos::Rejection::unsupported_type) {
        throw ProblemError(unsupported_media_type(report.rejection_detail));
    }
    if (report.rejection == photos::Rejection::not_an_image) {
        // The image gate's code (truncated-image, image-scans, image-too-large, …) is both
        // the field error's code and the problem type, so a caller can branch on either.
        const std::string code =
            report.rejection_code.empty() ? "not-an-image" : report.rejection_code;
        Problem p =
            unprocessable(report.rejection_detail, {{"/photo", code, report.rejection_detail}});
        p.slug = code;
        p.title = code == "not-an-image" ? "Not an image" : "The image was refused";
        throw ProblemError(p);
    }
}

}  // namespace

void add_photo_routes(Service& service) {
    Router& r = service.router();

    r.add({"GET", "/v1/photo-profiles", [&service](Exchange&) {
               std::string body = "{\"profiles\":[";
               bool first = true;
               for (const auto& [name, profile] : service.photo_profiles()) {
                   if (!first) body += ",";
                   body += photos::describe_profile(profile);
                   first = false;
               }
               return Response::json(body + "]}");
           }});

    r.add({"POST", "/v1/photos/check", [&service](Exchange& ex) {
               const auto& profile = profile_of(service, ex);
               const std::string bytes = read_photo(ex, service.settings().max_photo_bytes);
               auto report = photos::check_photo(
                   std::as_bytes(std::span(bytes.data(), bytes.size())), profile);
               refuse_rejected(report);
               std::vector<std::string> failed;
               for (const auto& c : report.checks) {
                   if (!c.passed) failed.push_back(c.code);
               }
               service.metrics().photo_checked(report.passed ? "pass" : "fail", failed);
               return Response::json(photos::report_to_json(report));
           }});

    r.add({"POST", "/v1/photos/normalize", [&service](Exchange& ex) {
               const auto& profile = profile_of(service, ex);
               const std::string bytes = read_photo(ex, service.settings().max_photo_bytes);
               auto result = photos::normalize_photo(
                   std::as_bytes(std::span(bytes.data(), bytes.size())), profile);
               refuse_rejected(result.report);
               if (result.jpeg.empty()) {
                   Problem p =
                       unprocessable(result.problem_detail,
                                     {{"/photo", result.problem_code, result.problem_detail}});
                   p.slug = "photo-not-fixable";
                   p.title = "The photo cannot be fixed";
                   throw ProblemError(p);
               }
               Response reply;
               reply.content_type = "image/jpeg";
               reply.body = std::move(result.jpeg);
               reply.headers.emplace_back("Content-Disposition", "attachment; filename=\"photo-" +
                                                                     profile.name + ".jpg\"");
               return reply;
           }});
}

}  // namespace examdocs::service
