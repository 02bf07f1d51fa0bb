#include "certificate_routes.h"

#include "examdocs/certificates/certificate_request.h"
#include "examdocs/service/certificate_listing.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/StreamCopier.h>
#include <Poco/String.h>
#include <Poco/TemporaryFile.h>
#include <Poco/URI.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

#include "content_disposition.h"
#include "examdocs/certificates/qr_reader.h"
#include "examdocs/core/base64.h"
#include "examdocs/core/field_rules.h"
#include "examdocs/core/id_number.h"
#include "examdocs/core/masking.h"
#include "examdocs/core/problem.h"
#include "examdocs/core/verification_code.h"
#include "examdocs/photos/photo_check.h"
#include "examdocs/registry/certificate_registry.h"
#include "examdocs/registry/signing_keys.h"
#include "examdocs/renderers/document.h"
#include "examdocs/service/service.h"
#include "json_text.h"
#include "text_workbook.h"

namespace examdocs::service {

namespace {

using Poco::JSON::Object;

registry::CertificateRegistry& registry_of(Service& service) {
    auto* r = service.registry();
    if (!r) throw ProblemError(service_unavailable("The certificate registry is not ready.", 5));
    return *r;
}

// The QR payload: the verification page of this certificate, with the code that proves
// the paper was printed from the registry, and the key id and signature that let an
// offline verifier check the printed fields (see docs/certificates.md).
std::string verification_url(const Service& service, const registry::Certificate& c) {
    return certificates::certificate_verification_url(service.settings().public_base_url, c);
}

// Who sees how much of a row: the public a masked view; whoever gave the right code (the
// holder, a verifier with the paper) the full record; a backend key with `read` the full
// record with what the registry keeps besides (the code, when it was registered), and in a
// listing all of that but the photo.
enum class View { masked, full, backend, listing };

Object certificate_view(const Service& service, const registry::Certificate& c, View view) {
    const bool full = view != View::masked;
    const bool backend = view == View::backend || view == View::listing;
    Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    o.set("number", c.number);
    o.set("status", c.status);
    if (c.status == "revoked") {
        o.set("revokedAt", c.revoked_at);
        o.set("revokedReason", c.revoked_reason);
    }
    o.set("holderName", full ? c.holder_name : mask_name(c.holder_name));
    o.set("idNumber", full ? c.id_number : mask_id_number(c.id_number));
    o.set("occupationCode", c.occupation_code);
    o.set("occupationName", c.occupation_name);
    o.set("job", c.job);
    o.set("levelScheme", c.level_scheme);
    // A numbered skill level stays a number, as it was before levels had schemes.
    if (registry::level_code(c) == std::to_string(c.level)) {
        o.set("level", c.level);
    } else {
        o.set("level", registry::level_code(c));
    }
    if (c.level_scheme == "zhicheng") {
        o.set("committee", c.committee);
        o.set("approvalNumber", c.approval_number);
        if (!c.approval_date.empty()) o.set("approvalDate", c.approval_date);
    } else if (c.level_scheme == "ruankao") {
        // The 软考 certificate's 管理号 and 批准日期 (kept in the approval columns).
        if (!c.approval_number.empty()) o.set("managementNumber", c.approval_number);
        if (!c.approval_date.empty()) o.set("approvalDate", c.approval_date);
    }
    if (!c.serial.empty()) o.set("serial", c.serial);
    o.set("issuer", c.issuer);
    o.set("issueDate", c.issue_date);
    if (!c.expiry_date.empty()) o.set("expiryDate", c.expiry_date);
    if (full) {
        o.set("keyId", c.key_id);
        o.set("signature", c.signature);
        o.set("verificationUrl", verification_url(service, c));
    }
    if (backend) {
        o.set("verificationCode", c.verification_code);
        o.set("createdAt", c.created_at);
    }
    if (full && view != View::listing && !c.photo_jpeg.empty())
        o.set("photo", "data:image/jpeg;base64," + base64_encode(c.photo_jpeg));
    return o;
}

Object public_view(const Service& service, const registry::Certificate& c, bool full) {
    return certificate_view(service, c, full ? View::full : View::masked);
}

constexpr int kDefaultPageSize = 50;
// Rows fetched per statement while a CSV streams: no session is held between them.
constexpr int kCsvBatch = 500;

const std::vector<std::string>& csv_columns() {
    static const std::vector<std::string> columns = {
        "number",         "status",    "holderName",    "idNumber",         "occupationCode",
        "occupationName", "job",       "level",         "issuer",           "issueDate",
        "expiryDate",     "revokedAt", "revokedReason", "verificationCode", "verificationUrl",
        "createdAt"};
    return columns;
}

// Wide enough for what each column holds (Excel's character units; a Chinese character is
// about two).
const std::vector<double>& export_column_widths() {
    static const std::vector<double> widths = {22, 8,  12, 21, 12, 24, 16, 6,
                                               28, 11, 11, 20, 20, 12, 50, 20};
    return widths;
}

// One row of an export, in the order of csv_columns().
std::vector<std::string> export_row(const Service& service, const registry::Certificate& c) {
    return {c.number,
            c.status,
            c.holder_name,
            c.id_number,
            c.occupation_code,
            c.occupation_name,
            c.job,
            registry::level_code(c),
            c.issuer,
            c.issue_date,
            c.expiry_date,
            c.revoked_at,
            c.revoked_reason,
            c.verification_code,
            verification_url(service, c),
            c.created_at};
}

std::string csv_line(const Service& service, const registry::Certificate& c) {
    std::string line;
    for (const std::string& v : export_row(service, c)) append_csv_cell(line, v);
    return line + "\r\n";
}

// Calls `batch` with the listing's rows a statement at a time (kCsvBatch rows), so that an
// export of the whole registry neither sits in memory nor holds a database session while
// the client reads.
template <typename Batch>
void for_each_listed(registry::CertificateRegistry& registry, const ListingRequest& listing,
                     Batch batch) {
    registry::CertificateQuery query = listing.query;
    long long left = listing.limit.value_or(-1);
    while (left != 0) {
        query.limit = left < 0 ? kCsvBatch : static_cast<int>(std::min<long long>(left, kCsvBatch));
        const auto page = registry.list(query);
        batch(page.certificates);
        if (left > 0) left -= static_cast<long long>(page.certificates.size());
        if (!page.more || page.certificates.empty()) break;
        query.after = registry::ListPosition{page.certificates.back().issue_date,
                                             page.certificates.back().number};
    }
}

// The query string of the page after this one: the same filters, the next cursor.
std::string next_href(const Exchange& ex, const std::string& cursor) {
    Poco::URI uri("/v1/certificates");
    for (const auto& [name, value] : ex.query_parameters()) {
        if (name != "cursor" && !value.empty()) uri.addQueryParameter(name, value);
    }
    uri.addQueryParameter("cursor", cursor);
    return uri.toString();
}

Problem not_found_certificate() {
    // The same answer for an unknown number and a wrong code: a guess learns nothing.
    return not_found("No certificate matches this number and code.");
}

}  // namespace

void add_certificate_routes(Service& service) {
    Router& r = service.router();

    r.add({"POST", "/v1/certificates", [&service](Exchange& ex) {
               const std::string who = service.authorizer().require(ex, "issue");
               auto& registry = registry_of(service);
               const std::string key = ex.header("Idempotency-Key");
               if (key.empty() || key.size() > 200) {
                   throw ProblemError(
                       bad_request("Send an Idempotency-Key header (1–200 characters), so "
                                   "that a retry never issues a second certificate."));
               }
               Poco::JSON::Parser parser;
               auto parsed = parser.parse(ex.read_body());
               if (parsed.type() != typeid(Object::Ptr)) {
                   throw ProblemError(unprocessable("The body must be a JSON object.", {}));
               }
               const auto& body = parsed.extract<Object::Ptr>();
               std::vector<FieldError> errors;
               registry::Certificate c = certificates::certificate_draft(
                   body, service.photo_profiles().at("skill-cert"), errors);
               if (!errors.empty()) {
                   throw ProblemError(unprocessable(
                       "The certificate data is not acceptable; see errors[].", std::move(errors)));
               }
               auto result = registry.issue(c, key, who);
               if (result.outcome == registry::IssueOutcome::created) {
                   service.metrics().certificate_issued();
               }
               if (result.outcome == registry::IssueOutcome::conflict) {
                   throw ProblemError(
                       conflict("This Idempotency-Key was used for different certificate data."));
               }
               if (result.outcome == registry::IssueOutcome::number_taken) {
                   throw ProblemError(
                       conflict("The certificate number " + c.number + " is already issued."));
               }
               if (result.outcome == registry::IssueOutcome::other_issuer) {
                   throw ProblemError(
                       unprocessable("This service issues certificates for " +
                                         registry.issuer().name + " only (issuer.name).",
                                     {certificates::other_issuer_error(registry.issuer().name)}));
               }
               Object view = public_view(service, result.certificate, true);
               view.set("verificationCode", result.certificate.verification_code);
               Response reply = Response::json(
                   json_text(view), result.outcome == registry::IssueOutcome::created ? 201 : 200);
               reply.headers.emplace_back("Location",
                                          "/v1/certificates/" + result.certificate.number);
               if (result.outcome == registry::IssueOutcome::replayed) {
                   reply.headers.emplace_back("Idempotent-Replayed", "true");
               }
               return reply;
           }});

    r.add({"GET", "/v1/certificates", [&service](Exchange& ex) {
               service.authorizer().require(ex, "read");
               ListingRequest listing = parse_listing_query(ex.query_parameters());
               listing.query.limit = static_cast<int>(listing.limit.value_or(kDefaultPageSize));
               const auto page = registry_of(service).list(listing.query);
               Poco::JSON::Array items;
               for (const auto& c : page.certificates)
                   items.add(certificate_view(service, c, View::listing));
               Object body(Poco::JSON_PRESERVE_KEY_ORDER);
               body.set("certificates", items);
               Response reply;
               if (page.more) {
                   const auto& last = page.certificates.back();
                   const std::string cursor = encode_cursor({last.issue_date, last.number});
                   body.set("next", cursor);
                   reply.headers.emplace_back("Link",
                                              "<" + next_href(ex, cursor) + ">; rel=\"next\"");
               }
               reply.body = json_text(body);
               reply.headers.emplace_back("Cache-Control", "private, no-store");
               return reply;
           }});

    r.add({"GET", "/v1/certificates.csv", [&service](Exchange& ex) {
               service.authorizer().require(ex, "read");
               ListingRequest listing = parse_listing_query(ex.query_parameters());
               auto& registry = registry_of(service);
               Response reply;
               reply.content_type = "text/csv; charset=utf-8; header=present";
               reply.headers.emplace_back(
                   "Content-Disposition",
                   "attachment; filename=\"certificates-" + today_utc() + ".csv\"");
               reply.headers.emplace_back("Cache-Control", "private, no-store");
               // Rows are read a batch at a time as the client takes them, each batch a
               // statement of its own, so that an export of the whole registry neither
               // sits in memory nor holds a database session while the client reads.
               reply.stream = [&service, &registry, listing](std::ostream& out) {
                   // The byte order mark tells Excel the file is UTF-8; without it, Excel
                   // in a Chinese locale reads the names as GBK and garbles them.
                   std::string head;
                   for (const auto& column : csv_columns()) append_csv_cell(head, column);
                   head = "\xEF\xBB\xBF" + head + "\r\n";
                   out << head;
                   std::uint64_t written = head.size();
                   for_each_listed(registry, listing, [&](const auto& certificates) {
                       std::string chunk;
                       for (const auto& c : certificates) chunk += csv_line(service, c);
                       out << chunk;
                       if (!out) throw std::runtime_error("the client stopped reading");
                       written += chunk.size();
                   });
                   return written;
               };
               return reply;
           }});

    // The same rows as a workbook whose cells are all text, for an office that opens the
    // export in Excel (see text_workbook.h for what a CSV does to ID numbers there).
    r.add({"GET", "/v1/certificates.xlsx", [&service](Exchange& ex) {
               service.authorizer().require(ex, "read");
               ListingRequest listing = parse_listing_query(ex.query_parameters());
               auto& registry = registry_of(service);
               Response reply;
               reply.content_type =
                   "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
               reply.headers.emplace_back(
                   "Content-Disposition",
                   content_disposition("attachment", "证书-" + today_utc() + ".xlsx"));
               reply.headers.emplace_back("Cache-Control", "private, no-store");
               // The workbook is a ZIP whose directory comes last: it is made in a file
               // under the data directory (constant memory), then streamed and removed.
               reply.stream = [&service, &registry, listing](std::ostream& out) {
                   const Poco::TemporaryFile made(service.settings().data_dir);
                   {
                       TextWorkbook workbook(made.path(), service.settings().data_dir, "证书",
                                             csv_columns(), export_column_widths());
                       for_each_listed(registry, listing, [&](const auto& certificates) {
                           for (const auto& c : certificates)
                               workbook.add_row(export_row(service, c));
                       });
                       workbook.close();
                   }
                   std::ifstream in(made.path(), std::ios::binary);
                   const auto written = Poco::StreamCopier::copyStream64(in, out);
                   if (!out) throw std::runtime_error("the client stopped reading");
                   return static_cast<std::uint64_t>(written);
               };
               return reply;
           }});

    r.add({"GET", "/v1/certificates/{number}", [&service](Exchange& ex) {
               // A backend key with `read` sees the whole row and is not rate-limited like
               // the public; a key that is wrong is refused, not served as the public.
               if (const auto who = service.authorizer().identify(ex, "read")) {
                   auto& registry = registry_of(service);
                   auto c = registry.find(ex.param("number"));
                   if (!c) {
                       throw ProblemError(not_found("No certificate " + ex.param("number") + "."));
                   }
                   registry.record_lookup(c->number, *who, "lookup by the backend");
                   Response reply =
                       Response::json(json_text(certificate_view(service, *c, View::backend)));
                   reply.headers.emplace_back("Cache-Control", "private, no-store");
                   return reply;
               }
               service.public_rate_limiter().take(ex.client_address());
               auto c = registry_of(service).find(ex.param("number"));
               const auto code = ex.query("code");
               if (!c || (code && !verification_codes_match(*code, c->verification_code)))
                   throw ProblemError(not_found_certificate());
               if (code) {
                   registry_of(service).record_lookup(c->number, "client " + ex.client_address(),
                                                      "lookup with the code");
               }
               return Response::json(json_text(public_view(service, *c, code.has_value())));
           }});

    r.add({"POST", "/v1/certificates/{number}/revoke", [&service](Exchange& ex) {
               const std::string who = service.authorizer().require(ex, "revoke");
               Poco::JSON::Parser parser;
               auto parsed = parser.parse(ex.read_body());
               const std::string reason = parsed.type() == typeid(Object::Ptr)
                                              ? text_at(parsed.extract<Object::Ptr>(), "reason")
                                              : "";
               if (reason.empty() || !is_valid_utf8(reason) || utf8_length(reason) > 200) {
                   throw ProblemError(unprocessable(
                       "Say why the certificate is revoked.",
                       {{"/reason", "required",
                         "请填写撤销原因（200字以内） / A reason of at most 200 characters."}}));
               }
               auto& registry = registry_of(service);
               if (!registry.revoke(ex.param("number"), reason, who)) {
                   throw ProblemError(not_found("No certificate " + ex.param("number") + "."));
               }
               service.metrics().certificate_revoked();
               return Response::json(
                   json_text(public_view(service, *registry.find(ex.param("number")), true)));
           }});

    r.add(
        {"GET", "/v1/certificates/{number}/pdf", [&service](Exchange& ex) {
             service.authorizer().require(ex, "read");
             auto c = registry_of(service).find(ex.param("number"));
             if (!c) throw ProblemError(not_found("No certificate " + ex.param("number") + "."));
             const auto layout = service.layouts().find(certificates::certificate_layout_name(*c));
             if (!layout) {
                 throw std::runtime_error("no layout " + certificates::certificate_layout_name(*c));
             }
             const Object::Ptr data = certificates::certificate_document_data(
                 *c, service.settings().public_base_url, registry_of(service).issuer());
             // A registry row: the PDF is signed (PAdES B-B, docs/certificates.md).
             renderers::RenderContext context;
             context.signer = service.pdf_signer();
             auto outcome = renderers::render_document(*layout, Poco::Dynamic::Var(data), context);
             if (!outcome.document) {
                 throw ProblemError(
                     unprocessable("The registry row does not fit the certificate layout.",
                                   std::move(outcome.errors)));
             }
             Response reply;
             reply.content_type = "application/pdf";
             reply.body = std::move(outcome.document->pdf);
             reply.headers.emplace_back(
                 "Content-Disposition",
                 "attachment; filename=\"certificate-" + c->number + ".pdf\"");
             return reply;
         }});

    r.add({"GET", "/v1/certificates/{number}/audit", [&service](Exchange& ex) {
               service.authorizer().require(ex, "read");
               auto& registry = registry_of(service);
               if (!registry.find(ex.param("number"))) {
                   throw ProblemError(not_found("No certificate " + ex.param("number") + "."));
               }
               Poco::JSON::Array trail;
               for (const auto& e : registry.audit_trail(ex.param("number"))) {
                   Object line(Poco::JSON_PRESERVE_KEY_ORDER);
                   line.set("at", e.at);
                   line.set("actor", e.actor);
                   line.set("action", e.action);
                   if (!e.detail.empty()) line.set("detail", e.detail);
                   trail.add(line);
               }
               Object body;
               body.set("number", ex.param("number"));
               body.set("audit", trail);
               return Response::json(json_text(body));
           }});

    r.add({"GET", "/.well-known/examdocs/keys.json", [&service](Exchange&) {
               return Response::json(registry_of(service).keys().public_keys_json());
           }});

    r.add(
        {"POST", "/v1/verify", [&service](Exchange& ex) {
             service.public_rate_limiter().take(ex.client_address());
             std::string qr;
             std::string type = ex.header("Content-Type");
             type = type.substr(0, type.find(';'));
             if (type == "image/jpeg" || type == "image/png") {
                 // A photo or scan of the certificate: its QR code is read here.
                 const std::string body = ex.read_body();
                 auto reading =
                     certificates::read_qr_code(std::as_bytes(std::span(body.data(), body.size())));
                 if (reading.error) {
                     const std::string code(images::to_string(reading.error->code));
                     throw ProblemError(
                         unprocessable("The picture cannot be read: " + reading.error->message_en,
                                       {{"/image", code, reading.error->message()}}));
                 }
                 if (!reading.text) {
                     throw ProblemError(unprocessable(
                         "No QR code could be read in the picture; photograph the code square on, "
                         "in focus, filling a good part of the picture.",
                         {{"/image", "no-qr-code",
                           "图片中未识别到二维码 / No QR code found in the picture."}}));
                 }
                 qr = *reading.text;
             } else {
                 Poco::JSON::Parser parser;
                 auto parsed = parser.parse(ex.read_body());
                 if (parsed.type() == typeid(Object::Ptr))
                     qr = text_at(parsed.extract<Object::Ptr>(), "qr");
             }
             if (qr.empty()) {
                 throw ProblemError(unprocessable(
                     "Send {\"qr\": \"<the text of the certificate's QR code>\"}, or a picture of "
                     "the certificate as image/jpeg or image/png.",
                     {{"/qr", "required", "缺少二维码内容 / The QR text is missing."}}));
             }
             Poco::URI uri;
             try {
                 uri = Poco::URI(qr);
             } catch (const Poco::Exception&) {
                 uri.clear();
             }
             if ((uri.getScheme() != "http" && uri.getScheme() != "https") ||
                 uri.getHost().empty()) {
                 throw ProblemError(unprocessable(
                     "The QR text is not a certificate's verification link (" +
                         service.settings().public_base_url + "/verify/…).",
                     {{"/qr", "not-a-verification-link",
                       "二维码内容不是证书验证链接 / Not a certificate's verification link."}}));
             }
             Object verdict(Poco::JSON_PRESERVE_KEY_ORDER);
             if (!certificates::is_verification_link(uri, service.settings().public_base_url,
                                                     service.settings().other_base_urls)) {
                 // A genuine code copied under a look-alike host must not lend that site our
                 // word: nothing about the certificate is looked up or shown.
                 verdict.set("verdict", "foreign");
                 verdict.set("detail", "此二维码指向其他网站（" + uri.getHost() +
                                           "），不是本机构的证书验证链接 / This code points to "
                                           "another site (" +
                                           uri.getHost() + "), not to our verification page.");
                 return Response::json(json_text(verdict));
             }
             std::string number = uri.getPath().substr(uri.getPath().rfind('/') + 1);
             std::string code, kid, sig;
             for (const auto& [k, v] : uri.getQueryParameters()) {
                 if (k == "c") code = v;
                 if (k == "k") kid = v;
                 if (k == "s") sig = v;
             }
             auto& registry = registry_of(service);
             auto c = number.empty() ? std::nullopt : registry.find(number);
             if (!c) {
                 service.metrics().verification("unknown");
                 verdict.set("verdict", "unknown");
                 verdict.set("detail",
                             "登记库中没有此证书 / The registry has no such certificate.");
                 return Response::json(json_text(verdict));
             }
             const std::string state = registry.verdict(*c, code, kid, sig, today_utc());
             service.metrics().verification(state);
             const bool genuine = state != "forged";
             if (genuine) {
                 registry.record_lookup(c->number, "client " + ex.client_address(),
                                        "verify: " + state);
             }
             verdict.set("verdict", state);
             verdict.set("certificate", public_view(service, *c, genuine));
             return Response::json(json_text(verdict));
         }});
}

}  // namespace examdocs::service
