#pragma once
// Private to service/: the public verification page, GET /verify and GET /verify/{number}.
namespace examdocs::service {
class Service;
void add_verify_page_routes(Service& service);
}  // namespace examdocs::service
