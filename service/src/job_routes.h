#pragma once
// Private to service/: /v1/jobs — bulk printing over HTTP.
namespace examdocs::service {
class Service;
void add_job_routes(Service& service);
}  // namespace examdocs::service
