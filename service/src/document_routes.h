#pragma once
// Private to service/: /v1/layouts and /v1/documents/{layout}; validate, preview and
// reload of layouts.
#include <Poco/Dynamic/Var.h>

#include "examdocs/service/exchange.h"

namespace examdocs::service {
class Service;
void add_document_routes(Service& service);
void add_layout_routes(Service& service);

// What POST /v1/layouts/preview answers for its parsed body {"layout": {…}, "data": {…}}
// (no data: the example filling every field): the PDF, with every box framed and labelled
// when `outline`. Throws ProblemError 422 naming /layout/… or /data/… pointers. The
// designer page previews through this too, so both show the same document.
Response layout_preview(const Poco::Dynamic::Var& body, bool outline);
}  // namespace examdocs::service
