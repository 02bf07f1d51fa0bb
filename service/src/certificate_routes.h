#pragma once
// Private to service/: /v1/certificates…, /v1/verify and the published keys.
namespace examdocs::service {
class Service;
void add_certificate_routes(Service& service);
}  // namespace examdocs::service
