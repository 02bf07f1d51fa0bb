#include "document_routes.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/JSONException.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/URI.h>

#include <algorithm>
#include <chrono>
#include <sstream>

#include "content_disposition.h"
#include "examdocs/core/json_syntax.h"
#include "examdocs/core/problem.h"
#include "examdocs/renderers/document.h"
#include "examdocs/renderers/layout_catalog.h"
#include "examdocs/service/service.h"

namespace examdocs::service {

namespace {

bool is_json(const std::string& content_type) {
    const auto semi = content_type.find(';');
    std::string base = content_type.substr(0, semi);
    while (!base.empty() && base.back() == ' ') base.pop_back();
    return base == "application/json" ||
           (base.size() > 5 && base.substr(base.size() - 5) == "+json");
}

// Refuses a query parameter the route does not take, or a value it does not know, rather
// than quietly doing something else (?disposition=inlin would download the file).
void check_query(const Exchange& ex,
                 const std::vector<std::pair<std::string, std::vector<std::string>>>& allowed) {
    for (const auto& [name, value] : ex.query_parameters()) {
        auto known = std::find_if(allowed.begin(), allowed.end(),
                                  [&](const auto& a) { return a.first == name; });
        if (known == allowed.end()) {
            std::string names;
            for (const auto& a : allowed) names += (names.empty() ? "" : ", ") + a.first;
            Problem p = bad_request("Unknown query parameter '" + name + "'; " +
                                    (names.empty() ? std::string("this route takes none.")
                                                   : "this route takes only: " + names + "."));
            p.slug = "unknown-parameter";
            throw ProblemError(std::move(p));
        }
        const auto& values = known->second;
        if (std::find(values.begin(), values.end(), value) == values.end()) {
            std::string list;
            for (const auto& v : values) list += (list.empty() ? "" : ", ") + v;
            Problem p = bad_request("The query parameter '" + name + "' is '" + value +
                                    "'; it takes one of: " + list + ".");
            p.slug = "unknown-parameter";
            throw ProblemError(std::move(p));
        }
    }
}

// The certificate is official by name too: a replacement in layouts.dir that forgets the
// flag must not open it to everyone.
bool is_official(const renderers::Layout& layout) {
    return layout.official || layout.name == "certificate";
}

// Poco says what it disliked but not where; the position comes from a scan of our own.
Poco::Dynamic::Var parse_json_body(const std::string& body) {
    try {
        Poco::JSON::Parser parser;
        return parser.parse(body);
    } catch (const Poco::JSON::JSONException& e) {
        auto where = find_json_syntax_error(body);
        if (!where) throw;  // the dispatcher words it without a position
        Problem p = bad_request("The body is not valid JSON: " + where->what + " at line " +
                                std::to_string(where->line) + ", column " +
                                std::to_string(where->column) + " (" + e.message() + ").");
        if (!p.extensions) p.extensions = new Poco::JSON::Object;
        p.extensions->set("line", static_cast<Poco::UInt64>(where->line));
        p.extensions->set("column", static_cast<Poco::UInt64>(where->column));
        throw ProblemError(std::move(p));
    }
}

}  // namespace

void add_document_routes(Service& service) {
    Router& r = service.router();
    const renderers::LayoutCatalog& catalog = service.layouts();

    r.add({"GET", "/v1/layouts", [&catalog](Exchange& ex) {
               check_query(ex, {});
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
               check_query(ex, {});
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
             // An official document comes from the registry or from a key holder; the
             // others too unless documents.public says anyone may render them. The key is
             // checked before the name, so that without one nothing is learnt.
             if (!service.settings().public_documents || (layout && is_official(*layout))) {
                 service.authorizer().require(ex, "render");
             }
             if (!layout) {
                 throw ProblemError(not_found("There is no layout named '" + ex.param("layout") +
                                              "'; GET /v1/layouts lists them."));
             }
             check_query(ex, {{"disposition", {"attachment", "inline"}}});
             if (!is_json(ex.header("Content-Type"))) {
                 throw ProblemError(unsupported_media_type(
                     "Send the document data as application/json (photos as base64 strings)."));
             }
             const std::string body = ex.read_body();
             Poco::Dynamic::Var data = parse_json_body(body);
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
             reply.headers.emplace_back(
                 "Content-Disposition",
                 content_disposition(ex.query("disposition").value_or("attachment"),
                                     outcome.document->filename));
             reply.headers.emplace_back("X-Page-Count",
                                        std::to_string(outcome.document->page_count));
             return reply;
         }});
}

}  // namespace examdocs::service
