#pragma once
// Private to service/: the operational routes (/health*, /version, /metrics, /openapi.yaml).
namespace examdocs::service {
class Service;
void add_system_routes(Service& service);
}  // namespace examdocs::service
