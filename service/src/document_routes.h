#pragma once
// Private to service/: /v1/layouts and /v1/documents/{layout}; validate, preview and
// reload of layouts.
namespace examdocs::service {
class Service;
void add_document_routes(Service& service);
void add_layout_routes(Service& service);
}  // namespace examdocs::service
