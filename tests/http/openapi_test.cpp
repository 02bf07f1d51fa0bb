// docs/openapi.yaml is served at /openapi.yaml, parses as OpenAPI 3.1, and describes
// exactly the routes of the route table: a route added without its documentation, or
// documented but gone, fails here. Every reference in it resolves, every JSON answer has
// its fields described (no bare `object`), and every route documented as needing a key
// does refuse a request without one.
#include <Poco/TemporaryFile.h>
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <sstream>
#include <string>
#include <vector>

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

// The node a local reference ("#/components/schemas/Certificate") names; an undefined
// node when there is none.
YAML::Node resolve(const YAML::Node& doc, const std::string& ref) {
    if (ref.rfind("#/", 0) != 0) return YAML::Node(YAML::NodeType::Undefined);
    // Walked through const nodes and rebound with reset(): assigning a yaml-cpp node
    // overwrites the node it refers to, which is why this once cloned the whole document
    // for every reference (~6 s of CPU under ASan for the ~200 references).
    YAML::Node node;
    node.reset(doc);
    std::istringstream parts(ref.substr(2));
    for (std::string part; std::getline(parts, part, '/');) {
        const YAML::Node& here = node;
        if (!here.IsMap() || !here[part]) return YAML::Node(YAML::NodeType::Undefined);
        node.reset(here[part]);
    }
    return node;
}

void collect_refs(const YAML::Node& node, std::vector<std::string>& refs) {
    if (node.IsMap()) {
        for (const auto& entry : node) {
            if (entry.first.as<std::string>() == "$ref")
                refs.push_back(entry.second.as<std::string>());
            collect_refs(entry.second, refs);
        }
    } else if (node.IsSequence()) {
        for (const auto& item : node) collect_refs(item, refs);
    }
}

YAML::Node load_served_document(std::uint16_t port) {
    auto reply = examdocs::test::http_request(port, "GET", "/openapi.yaml");
    EXPECT_EQ(reply.status, 200);
    return YAML::Load(reply.body);
}

TEST(OpenApi, EveryReferenceResolvesAndEveryJsonAnswerDescribesItsFields) {
    examdocs::test::RunningService running;
    const YAML::Node doc = load_served_document(running.port());
    std::vector<std::string> refs;
    collect_refs(doc, refs);
    EXPECT_GT(refs.size(), 50U);
    for (const auto& ref : refs) EXPECT_TRUE(resolve(doc, ref).IsDefined()) << ref;

    for (const auto& path : doc["paths"]) {
        for (const auto& op : path.second) {
            const std::string where =
                op.first.as<std::string>() + " " + path.first.as<std::string>();
            if (!op.second.IsMap() || !op.second["responses"]) continue;
            for (const auto& answer : op.second["responses"]) {
                const std::string status = answer.first.as<std::string>();
                YAML::Node response;
                response.reset(answer.second);
                if (response["$ref"])
                    response.reset(resolve(doc, response["$ref"].as<std::string>()));
                if (status.front() != '2' || !response["content"] ||
                    !response["content"]["application/json"]) {
                    continue;
                }
                YAML::Node schema = response["content"]["application/json"]["schema"];
                ASSERT_TRUE(schema.IsDefined()) << where << " " << status << " has no schema";
                if (schema["$ref"]) {
                    const std::string ref = schema["$ref"].as<std::string>();
                    EXPECT_EQ(ref.rfind("#/components/schemas/", 0), 0U) << where << ": " << ref;
                    schema.reset(resolve(doc, ref));
                    ASSERT_TRUE(schema.IsDefined()) << where << ": " << ref;
                }
                const bool described = schema["properties"] || schema["additionalProperties"] ||
                                       schema["allOf"] || schema["oneOf"] || schema["items"];
                EXPECT_TRUE(described)
                    << where << " " << status << " answers a bare object: describe its fields";
            }
        }
    }
}

// What a route's `security` says it needs, checked against what it does: a route that
// needs a key (no `{}` alternative) answers 401 to a request without one.
TEST(OpenApi, RoutesDocumentedAsNeedingAKeyRefuseARequestWithoutOne) {
    examdocs::test::RunningService running;
    const YAML::Node doc = load_served_document(running.port());
    const std::set<std::string> rights = {"issue", "revoke", "read", "print", "render", "admin"};
    int checked = 0;
    for (const auto& path : doc["paths"]) {
        for (const auto& op : path.second) {
            if (!op.second.IsMap() || !op.second["security"]) continue;
            const std::string method = upper(op.first.as<std::string>());
            std::string target = path.first.as<std::string>();
            bool public_too = false;
            for (const auto& requirement : op.second["security"]) {
                if (requirement.size() == 0) public_too = true;
                for (const auto& scheme : requirement) {
                    EXPECT_EQ(scheme.first.as<std::string>(), "bearer") << target;
                    for (const auto& role : scheme.second)
                        EXPECT_TRUE(rights.count(role.as<std::string>()))
                            << target << ": unknown right " << role.as<std::string>();
                }
            }
            if (public_too) continue;
            // Any value for a path parameter: the key is checked before the resource.
            for (auto open = target.find('{'); open != std::string::npos; open = target.find('{')) {
                target.replace(open, target.find('}', open) - open + 1, "S000012120001202640001");
            }
            auto reply = examdocs::test::http_request(running.port(), method, target,
                                                      method == "POST" ? "{}" : "",
                                                      {{"Content-Type", "application/json"}});
            EXPECT_EQ(reply.status, 401) << method << " " << target << ": " << reply.body;
            ++checked;
        }
    }
    EXPECT_GE(checked, 10);
}

}  // namespace
