#pragma once
// Private to service/: the layout designer, /layouts/designer (right admin, the office
// pages' sign-in): a layout's JSON edited beside the validator's errors and the lint's
// warnings, previewed through the code of POST /v1/layouts/preview (pdf.js from Debian's
// libjs-pdf draws it as the author types), downloaded, or saved into layouts.dir and
// reloaded so that the service serves it at once. Works without scripts as a plain form.
namespace examdocs::service {
class Service;
void add_layout_designer_routes(Service& service);
}  // namespace examdocs::service
