#include "examdocs/core/problem.h"

#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

namespace {

using namespace examdocs;

Poco::JSON::Object::Ptr parse(const std::string& text) {
    Poco::JSON::Parser parser;
    return parser.parse(text).extract<Poco::JSON::Object::Ptr>();
}

TEST(Problem, SerializesRfc9457MembersAndFieldErrors) {
    Problem p = unprocessable("Two fields are invalid.",
                              {{"/candidate/idNumber", "id-number-checksum", "校验位不正确"},
                               {"/candidate/name", "required", "姓名必填"}});
    auto body = parse(problem_to_json(p, "/v1/documents/admission-ticket", "req-1"));
    EXPECT_EQ(body->getValue<std::string>("type"), "urn:examdocs:problem:invalid-input");
    EXPECT_EQ(body->getValue<int>("status"), 422);
    EXPECT_EQ(body->getValue<std::string>("title"), "Invalid input");
    EXPECT_EQ(body->getValue<std::string>("detail"), "Two fields are invalid.");
    EXPECT_EQ(body->getValue<std::string>("instance"), "/v1/documents/admission-ticket");
    EXPECT_EQ(body->getValue<std::string>("requestId"), "req-1");
    auto errors = body->getArray("errors");
    ASSERT_EQ(errors->size(), 2u);
    EXPECT_EQ(errors->getObject(0)->getValue<std::string>("pointer"), "/candidate/idNumber");
    EXPECT_EQ(errors->getObject(0)->getValue<std::string>("code"), "id-number-checksum");
    EXPECT_EQ(errors->getObject(0)->getValue<std::string>("message"), "校验位不正确");
}

TEST(Problem, OmitsErrorsWhenThereAreNone) {
    auto body = parse(problem_to_json(not_found("x"), "/a", "r"));
    EXPECT_FALSE(body->has("errors"));
}

TEST(Problem, EscapesQuotesAndControlCharacters) {
    auto body = parse(problem_to_json(bad_request("a \"quoted\"\n\tline"), "/p\"", "r"));
    EXPECT_EQ(body->getValue<std::string>("detail"), "a \"quoted\"\n\tline");
    EXPECT_EQ(body->getValue<std::string>("instance"), "/p\"");
}

TEST(Problem, ExtensionsNeverOverrideStandardMembers) {
    Problem p = service_unavailable("busy", 7);
    p.extensions = new Poco::JSON::Object;
    p.extensions->set("status", 200);
    p.extensions->set("queueLength", 12);
    auto body = parse(problem_to_json(p, "/", "r"));
    EXPECT_EQ(body->getValue<int>("status"), 503);
    EXPECT_EQ(body->getValue<int>("queueLength"), 12);
}

TEST(Problem, CarriesItsHeaders) {
    EXPECT_EQ(method_not_allowed({"GET", "POST"}).headers.at(0),
              (std::pair<std::string, std::string>{"Allow", "GET, POST"}));
    EXPECT_EQ(too_many_requests("slow down", 30).headers.at(0).second, "30");
    EXPECT_EQ(unauthorized("no key").headers.at(0).first, "WWW-Authenticate");
}

TEST(Problem, ErrorCarriesTheProblem) {
    try {
        throw ProblemError(conflict("number taken"));
    } catch (const ProblemError& e) {
        EXPECT_EQ(e.problem().status, 409);
        EXPECT_STREQ(e.what(), "Conflict: number taken");
    }
}

}  // namespace
