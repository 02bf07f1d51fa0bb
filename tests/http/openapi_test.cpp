// docs/openapi.yaml is served at /openapi.yaml, parses as OpenAPI 3.1, and describes
// exactly the routes of the route table: a route added without its documentation, or
// documented but gone, fails here.
#include <Poco/TemporaryFile.h>
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <sstream>

#include "examdocs/service/service.h"
#include "support/http_client.h"
#include "support/running_service.h"

namespace svc = examdocs::service;

namespace {

std::string upper(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return s;
}

TEST(OpenApi, ServedDocumentDescribesEveryRouteAndNoOther) {
    examdocs::test::RunningService running;
    svc::Service& service = *running;
    auto reply = examdocs::test::http_request(running.port(), "GET", "/openapi.yaml");
    ASSERT_EQ(reply.status, 200);
    EXPECT_EQ(reply.content_type.rfind("application/yaml", 0), 0u);
    YAML::Node doc = YAML::Load(reply.body);
    EXPECT_EQ(doc["openapi"].as<std::string>(), "3.1.0");
    ASSERT_TRUE(doc["paths"].IsMap());

    std::set<std::string> documented;
    for (const auto& path : doc["paths"]) {
        for (const auto& op : path.second) {
            const std::string method = op.first.as<std::string>();
            if (method == "parameters" || method == "summary" || method == "description") {
                continue;
            }
            documented.insert(upper(method) + " " + path.first.as<std::string>());
            EXPECT_TRUE(op.second["responses"].IsMap())
                << method << " " << path.first.as<std::string>() << " has no responses";
        }
    }
    std::set<std::string> routed;
    for (const auto& r : service.router().routes()) routed.insert(r.method + " " + r.pattern);
    EXPECT_EQ(documented, routed);
}

}  // namespace
