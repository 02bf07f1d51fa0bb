#include "document_routes.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/URI.h>

#include <chrono>
#include <sstream>

#include "examdocs/core/problem.h"
#include "examdocs/renderers/document.h"
#include "examdocs/renderers/layout_catalog.h"
#include "examdocs/service/service.h"

namespace examdocs::service {

namespace {

// RFC 6266: a plain ASCII fallback for old clients and the UTF-8 name for the rest, so
// that "准考证-2026110120034.pdf" arrives as it is.
std::string content_disposition(const std::string& kind, const std::string& filename) {
    std::string ascii;
    for (char c : filename) {
        const auto u = static_cast<unsigned char>(c);
        ascii += (u >= 0x20 && u < 0x7F && c != '"' && c != '\\') ? c : '_';
    }
    std::string encoded;
    Poco::URI::encode(filename, "!#$&+,/:;=?@[]\"' ", encoded);
    return kind + "; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
}

bool is_json(const std::string& content_type) {
    const auto semi = content_type.find(';');
    std::string base = content_type.substr(0, semi);
    while (!base.empty() && base.back() == ' ') base.pop_back();
    return base == "application/json" ||
           (base.size() > 5 && base.substr(base.size() - 5) == "+json");
}

}  // namespace

void add_document_routes(Service& service) {
    Router& r = service.router();
    const renderers::LayoutCatalog& catalog = service.layouts();

    r.add({"GET", "/v1/layouts", [&catalog](Exchange&) {
               Poco::JSON::Array list;
               for (const auto* layout : catalog.all()) {
                   Poco::JSON::Object item(Poco::JSON_PRESERVE_KEY_ORDER);
                   item.set("name", layout->name);
                   item.set("title", layout->title);
                   item.set("description", layout->description);
                   item.set("href", "/v1/layouts/" + layout->name);
                   list.add(item);
               }
               Poco::JSON::Object body;
               body.set("layouts", list);
               std::ostringstream out;
               body.stringify(out);
               return Response::json(out.str());
           }});

    r.add({"GET", "/v1/layouts/{name}", [&catalog](Exchange& ex) {
               const auto* layout = catalog.find(ex.param("name"));
               if (!layout) {
                   throw ProblemError(not_found("There is no layout named '" + ex.param("name") +
                                                "'; GET /v1/layouts lists them."));
               }
               return Response::json(renderers::describe_layout(*layout));
           }});

    r.add(
        {"POST", "/v1/documents/{layout}", [&catalog, &service](Exchange& ex) {
             const auto* layout = catalog.find(ex.param("layout"));
             if (!layout) {
                 throw ProblemError(not_found("There is no layout named '" + ex.param("layout") +
                                              "'; GET /v1/layouts lists them."));
             }
             if (!is_json(ex.header("Content-Type"))) {
                 throw ProblemError(unsupported_media_type(
                     "Send the document data as application/json (photos as base64 strings)."));
             }
             const std::string body = ex.read_body();
             Poco::JSON::Parser parser;
             Poco::Dynamic::Var data = parser.parse(body);  // JSONException → 400, mapped once
             const auto started = std::chrono::steady_clock::now();
             auto outcome = renderers::render_document(*layout, data);
             if (!outcome.document) {
                 const auto count = outcome.errors.size();
                 throw ProblemError(unprocessable(
                     std::to_string(count) + (count == 1 ? " field is" : " fields are") +
                         " not acceptable for the layout " + layout->name + "; see errors[].",
                     std::move(outcome.errors)));
             }
             service.metrics().document_rendered(
                 layout->name,
                 std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
             Response reply;
             reply.content_type = "application/pdf";
             reply.body = std::move(outcome.document->pdf);
             const auto disposition = ex.query("disposition").value_or("attachment");
             reply.headers.emplace_back(
                 "Content-Disposition",
                 content_disposition(disposition == "inline" ? "inline" : "attachment",
                                     outcome.document->filename));
             reply.headers.emplace_back("X-Page-Count",
                                        std::to_string(outcome.document->page_count));
             return reply;
         }});
}

}  // namespace examdocs::service
