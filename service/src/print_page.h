#pragma once
// Private to service/: the clerk's page, /print: choose a layout, upload the spreadsheet,
// the photos ZIP and the defaults, follow the job, read its refused records, download it.
namespace examdocs::service {
class Service;
void add_print_page_routes(Service& service);
}  // namespace examdocs::service
