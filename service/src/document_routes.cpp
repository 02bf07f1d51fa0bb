#include "document_routes.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/JSONException.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/URI.h>

#include <algorithm>
#include <chrono>
#include <sstream>

#include "content_disposition.h"
#include "examdocs/core/json_syntax.h"
#include "examdocs/core/problem.h"
#include "examdocs/fonts/font_set.h"
#include "examdocs/renderers/document.h"
#include "examdocs/renderers/layout_catalog.h"
#include "examdocs/renderers/layout_lint.h"
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
    for (const auto& parameter : ex.query_parameters()) {
        const std::string& name = parameter.first;  // named, not bound: lambdas capture it
        const std::string& value = parameter.second;
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
            std::string detail = "The query parameter '";
            detail += name;
            detail += "' is '";
            detail += value;
            detail += "'; it takes one of: ";
            detail += list;
            detail += ".";
            Problem p = bad_request(std::move(detail));
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

Poco::JSON::Array problems_json(const std::vector<renderers::LayoutProblem>& problems,
                                const std::string& prefix) {
    Poco::JSON::Array out;
    for (const auto& p : problems) {
        Poco::JSON::Object item(Poco::JSON_PRESERVE_KEY_ORDER);
        item.set("pointer", prefix + p.pointer);
        item.set("code", p.code);
        item.set("message", p.message);
        out.add(item);
    }
    return out;
}

std::vector<FieldError> field_errors(const std::vector<renderers::LayoutProblem>& problems,
                                     const std::string& prefix) {
    std::vector<FieldError> out;
    out.reserve(problems.size());
    for (const auto& p : problems) out.push_back({prefix + p.pointer, p.code, p.message});
    return out;
}

// A layout that does not read: 422 with every error, and the warnings beside them.
[[noreturn]] void refuse_layout(const renderers::LayoutCheck& check, const std::string& prefix) {
    const auto count = check.errors.size();
    Problem p = unprocessable(std::to_string(count) + (count == 1 ? " error" : " errors") +
                                  " in the layout; see errors[].",
                              field_errors(check.errors, prefix));
    p.slug = "invalid-layout";
    p.title = "The layout is not valid";
    if (!p.extensions) p.extensions = new Poco::JSON::Object;
    p.extensions->set("warnings", problems_json(check.warnings, prefix));
    throw ProblemError(std::move(p));
}

std::string stringify(const Poco::Dynamic::Var& v) {
    std::ostringstream out;
    Poco::JSON::Stringifier::stringify(v, out);
    return out.str();
}

// A box drawn around every element that shows something, labelled with what it shows,
// for a preview with ?outline=true.
renderers::Layout outlined(renderers::Layout layout) {
    using renderers::Element;
    using renderers::ElementKind;
    const renderers::Color red{0.82F, 0.08F, 0.12F};
    constexpr float kPointsPerMm = 72.0F / 25.4F;
    auto outline = [&](std::vector<Element>& elements) {
        std::vector<Element> marks;
        for (const auto& e : elements) {
            if (e.kind == ElementKind::rect || e.kind == ElementKind::line ||
                e.kind == ElementKind::pattern) {
                continue;
            }
            Element frame;
            frame.kind = ElementKind::rect;
            frame.box = e.box;
            frame.line_width = 0.4F;
            frame.color = red;
            marks.push_back(frame);
            std::string label = !e.source.pointer.empty()         ? e.source.pointer
                                : !e.rows.empty()                 ? e.rows
                                : !e.source.template_text.empty() ? e.source.template_text
                                                                  : std::string();
            if (label.empty()) continue;
            if (label.size() > 40) label = label.substr(0, 40);
            Element tag;
            tag.kind = ElementKind::text;
            tag.source.literal = label;
            tag.size = 5;
            tag.min_size = 2;
            tag.color = red;
            const float h = 2.2F * kPointsPerMm;
            tag.box = renderers::Box{e.box.x, std::max(0.0F, e.box.y - h),
                                     std::max(e.box.w, 45 * kPointsPerMm), h};
            marks.push_back(tag);
        }
        for (auto& m : marks) elements.push_back(std::move(m));
    };
    for (auto& page : layout.pages) outline(page.elements);
    outline(layout.continuation_elements);
    return layout;
}

// A reload's errors or warnings as JSON, each naming its file.
Poco::JSON::Array file_problems_json(const std::vector<renderers::LayoutFileProblem>& problems) {
    Poco::JSON::Array out;
    for (const auto& p : problems) {
        Poco::JSON::Object item(Poco::JSON_PRESERVE_KEY_ORDER);
        item.set("file", p.file);
        item.set("pointer", p.problem.pointer);
        item.set("code", p.problem.code);
        item.set("message", p.problem.message);
        out.add(item);
    }
    return out;
}

}  // namespace

void add_document_routes(Service& service) {
    Router& r = service.router();
    const renderers::LayoutCatalog& catalog = service.layouts();

    r.add({"GET", "/v1/layouts", [&catalog](Exchange& ex) {
               check_query(ex, {});
               Poco::JSON::Array list;
               for (const auto& layout : catalog.all()) {
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
               const auto layout = catalog.find(ex.param("name"));
               if (!layout) {
                   throw ProblemError(not_found("There is no layout named '" + ex.param("name") +
                                                "'; GET /v1/layouts lists them."));
               }
               return Response::json(renderers::describe_layout(*layout));
           }});

    r.add(
        {"POST", "/v1/documents/{layout}", [&catalog, &service](Exchange& ex) {
             const auto layout = catalog.find(ex.param("layout"));
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

Response layout_preview(const Poco::Dynamic::Var& body, bool outline) {
    Poco::JSON::Object::Ptr request;
    if (body.type() == typeid(Poco::JSON::Object::Ptr)) {
        request = body.extract<Poco::JSON::Object::Ptr>();
    }
    if (!request || !request->has("layout")) {
        throw ProblemError(
            unprocessable("The body is {\"layout\": {…}, \"data\": {…}}; data may be left out.",
                          {{"/layout", "required", "The layout to preview."}}));
    }
    const auto check =
        renderers::check_layout(stringify(request->get("layout")), fonts::bundled_font_set());
    if (!check.layout) refuse_layout(check, "/layout");
    renderers::Layout layout = *check.layout;
    if (outline) layout = outlined(std::move(layout));
    const Poco::Dynamic::Var data = request->has("data") && !request->get("data").isEmpty()
                                        ? request->get("data")
                                        : renderers::example_data(*check.layout);
    auto outcome = renderers::render_document(layout, data);
    if (!outcome.document) {
        for (auto& e : outcome.errors) e.pointer = "/data" + e.pointer;
        const auto count = outcome.errors.size();
        Problem p = unprocessable(std::to_string(count) + (count == 1 ? " field" : " fields") +
                                      " of the data cannot be printed with this layout; see "
                                      "errors[].",
                                  std::move(outcome.errors));
        if (!p.extensions) p.extensions = new Poco::JSON::Object;
        p.extensions->set("warnings", problems_json(check.warnings, "/layout"));
        throw ProblemError(std::move(p));
    }
    Response reply;
    reply.content_type = "application/pdf";
    reply.body = std::move(outcome.document->pdf);
    reply.headers.emplace_back("Content-Disposition",
                               content_disposition("inline", outcome.document->filename));
    reply.headers.emplace_back("X-Page-Count", std::to_string(outcome.document->page_count));
    reply.headers.emplace_back("X-Layout-Warnings", std::to_string(check.warnings.size()));
    return reply;
}

void add_layout_routes(Service& service) {
    Router& r = service.router();

    // The checks the service runs on layouts at start, for a layout being written. A key
    // with render or admin: the answers say nothing secret, but checking costs fonts and
    // QR encoding, which the public does not get to spend.
    r.add({"POST", "/v1/layouts/validate", [&service](Exchange& ex) {
               service.authorizer().require_any(ex, {"admin", "render"});
               check_query(ex, {});
               if (!is_json(ex.header("Content-Type"))) {
                   throw ProblemError(
                       unsupported_media_type("Send the layout as application/json."));
               }
               const std::string body = ex.read_body();
               parse_json_body(body);  // 400 with line and column for broken JSON
               const auto check = renderers::check_layout(body, fonts::bundled_font_set());
               if (!check.layout) refuse_layout(check, "");
               Poco::JSON::Object reply(Poco::JSON_PRESERVE_KEY_ORDER);
               reply.set("valid", true);
               reply.set("name", check.layout->name);
               reply.set("errors", Poco::JSON::Array());
               reply.set("warnings", problems_json(check.warnings, ""));
               std::ostringstream out;
               reply.stringify(out);
               return Response::json(out.str());
           }});

    // A layout and data (or, without data, an example filling every field) → the PDF.
    // render or admin: a preview can draw any design, an official-looking one too.
    r.add({"POST", "/v1/layouts/preview", [&service](Exchange& ex) {
               service.authorizer().require_any(ex, {"admin", "render"});
               check_query(ex, {{"outline", {"true", "false"}}});
               if (!is_json(ex.header("Content-Type"))) {
                   throw ProblemError(unsupported_media_type(
                       "Send {\"layout\": …, \"data\": …} as application/json."));
               }
               return layout_preview(parse_json_body(ex.read_body()),
                                     ex.query("outline").value_or("false") == "true");
           }});

    r.add(
        {"POST", "/v1/layouts/reload", [&service](Exchange& ex) {
             const std::string key = service.authorizer().require(ex, "admin");
             check_query(ex, {});
             auto reload = service.reload_layouts();
             const Poco::JSON::Array warnings = file_problems_json(reload.warnings);
             if (!reload.applied) {
                 std::vector<FieldError> errors;
                 for (const auto& e : reload.errors) {
                     errors.push_back({e.problem.pointer, e.problem.code, renderers::describe(e)});
                 }
                 const Poco::JSON::Array files = file_problems_json(reload.errors);
                 Problem p = unprocessable(
                     "Nothing was reloaded: " + std::to_string(reload.errors.size()) +
                         " error(s) in the layouts; the " + std::to_string(reload.layouts) +
                         " layouts in use stay. See errors[] (files[] names each file).",
                     std::move(errors));
                 p.slug = "invalid-layout";
                 p.title = "The layouts are not valid";
                 if (!p.extensions) p.extensions = new Poco::JSON::Object;
                 p.extensions->set("files", files);
                 p.extensions->set("warnings", warnings);
                 throw ProblemError(std::move(p));
             }
             Poco::JSON::Object reply(Poco::JSON_PRESERVE_KEY_ORDER);
             reply.set("applied", true);
             reply.set("layouts", reload.layouts);
             reply.set("warnings", warnings);
             std::ostringstream out;
             reply.stringify(out);
             return Response::json(out.str());
         }});
}

}  // namespace examdocs::service
