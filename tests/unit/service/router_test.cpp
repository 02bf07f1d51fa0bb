#include "examdocs/service/router.h"

#include <gtest/gtest.h>

namespace {

using namespace examdocs::service;

Handler nothing() {
    return [](Exchange&) { return Response{}; };
}

TEST(Router, MatchesLiteralAndParameterSegments) {
    Router r;
    r.add({"GET", "/v1/certificates/{number}", nothing()});
    r.add({"GET", "/v1/certificates/{number}/pdf", nothing()});
    auto m = r.match("GET", "/v1/certificates/S12/pdf");
    ASSERT_TRUE(m.route);
    EXPECT_EQ(m.route->pattern, "/v1/certificates/{number}/pdf");
    EXPECT_EQ(m.params.at("number"), "S12");
    EXPECT_FALSE(r.match("GET", "/v1/certificates").route);
    EXPECT_FALSE(r.match("GET", "/v1/certificates//pdf").route);
    EXPECT_FALSE(r.match("GET", "/v1/certificates/S12/pdf/x").route);
}

TEST(Router, LiteralRoutesWinOverParameters) {
    Router r;
    r.add({"GET", "/v1/jobs/{id}", nothing()});
    r.add({"GET", "/v1/jobs/stats", nothing()});
    EXPECT_EQ(r.match("GET", "/v1/jobs/stats").route->pattern, "/v1/jobs/stats");
    EXPECT_EQ(r.match("GET", "/v1/jobs/42").route->pattern, "/v1/jobs/{id}");
}

TEST(Router, KnownPathWithOtherMethodListsTheAllowedOnes) {
    Router r;
    r.add({"GET", "/v1/jobs/{id}", nothing()});
    r.add({"DELETE", "/v1/jobs/{id}", nothing()});
    auto m = r.match("PUT", "/v1/jobs/7");
    EXPECT_FALSE(m.route);
    EXPECT_EQ(m.allowed_methods, (std::vector<std::string>{"GET", "DELETE"}));
    EXPECT_EQ(m.known_pattern, "/v1/jobs/{id}");
    auto none = r.match("PUT", "/v2/other");
    EXPECT_TRUE(none.allowed_methods.empty());
}

TEST(Router, RefusesDuplicatesAndMalformedPatterns) {
    Router r;
    r.add({"GET", "/a", nothing()});
    EXPECT_THROW(r.add({"GET", "/a", nothing()}), std::invalid_argument);
    EXPECT_THROW(r.add({"GET", "a", nothing()}), std::invalid_argument);
}

TEST(Router, SplitsPaths) {
    EXPECT_TRUE(split_path("/").empty());
    EXPECT_EQ(split_path("/a/b"), (std::vector<std::string_view>{"a", "b"}));
    EXPECT_EQ(split_path("/a//b"), (std::vector<std::string_view>{"a", "", "b"}));
}

}  // namespace
