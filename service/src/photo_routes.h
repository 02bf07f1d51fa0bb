#pragma once
// Private to service/: /v1/photo-profiles, /v1/photos/check and /v1/photos/normalize.
namespace examdocs::service {
class Service;
void add_photo_routes(Service& service);
}  // namespace examdocs::service
