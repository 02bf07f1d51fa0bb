#include "system_routes.h"

#include <Poco/Environment.h>
#include <Poco/JSON/Object.h>
#include <openssl/crypto.h>

#include <sstream>

#include "examdocs/core/build_info.h"
#include "examdocs/core/problem.h"
#include "examdocs/jobs/job_queue.h"
#include "examdocs/renderers/library_versions.h"
#include "examdocs/service/service.h"
#include "json_text.h"

namespace examdocs::embedded {
std::string_view openapi_yaml();
}

namespace examdocs::service {

namespace {

std::string poco_version() {
    const auto v = Poco::Environment::libraryVersion();
    return std::to_string(v >> 24) + "." + std::to_string((v >> 16) & 0xFF) + "." +
           std::to_string((v >> 8) & 0xFF);
}

// Versions of the libraries as loaded at run time where the library can say so, so that
// /version tells what a Debian security update actually put in place.
Poco::JSON::Object library_versions() {
    Poco::JSON::Object libs(Poco::JSON_PRESERVE_KEY_ORDER);
    libs.set("poco", poco_version());
    libs.set("openssl", std::string(OpenSSL_version(OPENSSL_VERSION)));
    // The libraries the documents are drawn with say their own versions: service/ does
    // not link them only to ask.
    for (const auto& [name, version] : renderers::library_versions()) libs.set(name, version);
    return libs;
}

Poco::JSON::Object dependency_details(const Health& health) {
    Poco::JSON::Object details(Poco::JSON_PRESERVE_KEY_ORDER);
    for (const auto& d : health.snapshot()) {
        Poco::JSON::Object item(Poco::JSON_PRESERVE_KEY_ORDER);
        item.set("status", std::string(to_string(d.state)));
        item.set("detail", d.detail);
        item.set("timestamp", d.changed);
        details.set(d.name, item);
    }
    return details;
}

Problem not_ready(const Health& health) {
    std::string waiting;
    for (const auto& d : health.snapshot()) {
        if (d.state == DependencyState::up) continue;
        if (!waiting.empty()) waiting += ", ";
        waiting += d.name + " (" + std::string(to_string(d.state)) + ")";
    }
    Problem p = service_unavailable("Not ready: " + waiting + ".", 5);
    p.slug = "not-ready";
    p.title = "Not ready";
    p.extensions = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    p.extensions->set("details", dependency_details(health));
    return p;
}

}  // namespace

void add_system_routes(Service& service) {
    Router& r = service.router();
    Health& health = service.health();

    // Gotenberg-style: overall status plus the state of each dependency.
    r.add({"GET", "/health", [&health, &service](Exchange&) {
               service.refresh_storage_health();
               if (!health.ready()) throw ProblemError(not_ready(health));
               Poco::JSON::Object body(Poco::JSON_PRESERVE_KEY_ORDER);
               body.set("status", "up");
               body.set("details", dependency_details(health));
               return Response::json(json_text(body));
           }});
    r.add({"GET", "/health/live", [](Exchange&) { return Response::json(R"({"status":"up"})"); }});
    r.add({"GET", "/health/ready", [&health, &service](Exchange&) {
               service.refresh_storage_health();
               if (!health.ready()) throw ProblemError(not_ready(health));
               return Response::json(R"({"status":"up"})");
           }});
    r.add({"GET", "/version", [](Exchange&) {
               Poco::JSON::Object body(Poco::JSON_PRESERVE_KEY_ORDER);
               body.set("name", "examdocs");
               body.set("version", std::string(project_version()));
               body.set("commit", std::string(git_commit()));
               body.set("libraries", library_versions());
               return Response::json(json_text(body));
           }});
    r.add({"GET", "/metrics", [&service](Exchange&) {
               // What lives in the database is read when asked for, not kept in step.
               if (auto* jobs = service.jobs()) {
                   service.metrics().observe_jobs(jobs->store().count_by_state());
               }
               if (auto* registry = service.registry()) {
                   service.metrics().observe_database(registry->database()->sessions_in_use(),
                                                      registry->database()->sessions_idle());
                   service.metrics().observe_audit(
                       static_cast<long long>(registry->audit_writer().waiting()),
                       static_cast<long long>(registry->audit_writer().dropped()));
               }
               return Response::text(service.metrics().render(),
                                     "text/plain; version=0.0.4; charset=utf-8");
           }});
    r.add({"GET", "/openapi.yaml", [](Exchange&) {
               return Response::text(std::string(embedded::openapi_yaml()),
                                     "application/yaml; charset=utf-8");
           }});
}

}  // namespace examdocs::service
