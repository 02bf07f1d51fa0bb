#include "job_routes.h"

#include <Poco/File.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>
#include <Poco/UUIDGenerator.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <chrono>
#include <fstream>
#include <sstream>

#include "content_disposition.h"
#include "examdocs/bulk/records.h"
#include "examdocs/bulk/zip_entries.h"
#include "examdocs/certificates/certificate_request.h"
#include "examdocs/core/base64.h"
#include "examdocs/core/problem.h"
#include "examdocs/jobs/job_queue.h"
#include "examdocs/renderers/document_stream.h"
#include "examdocs/renderers/input_check.h"
#include "examdocs/renderers/layout_lint.h"
#include "examdocs/service/service.h"
#include "form_parts.h"
#include "job_view.h"
#include "json_text.h"

namespace examdocs::service {

namespace {

using Poco::JSON::Object;

jobs::JobQueue& runner_of(Service& service) {
    auto* jobs = service.jobs();
    if (!jobs) throw ProblemError(service_unavailable("Bulk jobs are not ready.", 5));
    return *jobs;
}

jobs::JobRow job_or_404(jobs::JobQueue& jobs, const std::string& id) {
    auto job = jobs.store().find(id);
    if (!job) throw ProblemError(not_found("There is no job " + id + "."));
    return *job;
}

// The job's options, checked: every problem at once, each naming its field.
struct JobRequest {
    std::string layout;
    std::string output = "pdf";
    int nup = 1;
    bool cut_marks = true;
    std::string callback_url;
    bool issue = false;
    std::string sheet;  // .xlsx input: the sheet to read
};

bool is_form(const std::string& media_type) {
    std::string base = media_type.substr(0, media_type.find(';'));
    std::transform(base.begin(), base.end(), base.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    while (!base.empty() && base.back() == ' ') base.pop_back();
    return base == "multipart/form-data";
}

// Sets one option from its text, as the query and a form's parts give them.
void set_option(JobRequest& r, const std::string& name, const std::string& value) {
    if (name == "layout") r.layout = value;
    if (name == "output") r.output = value;
    if (name == "nup") r.nup = value == "1" ? 1 : value == "2" ? 2 : value == "4" ? 4 : 0;
    if (name == "cutMarks") r.cut_marks = value != "false";
    if (name == "callbackUrl") r.callback_url = value;
    if (name == "issue") r.issue = value == "true";
    if (name == "sheet") r.sheet = value;
}

constexpr std::array<const char*, 7> kOptionNames{"layout",      "output", "nup",  "cutMarks",
                                                  "callbackUrl", "issue",  "sheet"};

JobRequest request_from_query(const Exchange& ex) {
    JobRequest r;
    for (const char* name : kOptionNames) {
        if (auto value = ex.query(name)) set_option(r, name, *value);
    }
    return r;
}

// A page cursor: the last job's creation time and id, base64url so that it sits in a
// query string as it is.
std::string cursor_of(const jobs::JobRow& row) {
    std::string text = base64_encode(row.created_at + "|" + row.id);
    for (char& c : text) c = c == '+' ? '-' : c == '/' ? '_' : c;
    while (!text.empty() && text.back() == '=') text.pop_back();
    return text;
}

std::optional<std::pair<std::string, std::string>> parse_cursor(std::string text) {
    for (char& c : text) c = c == '-' ? '+' : c == '_' ? '/' : c;
    while (text.size() % 4 != 0) text += '=';
    const auto decoded = base64_decode(text);
    const auto bar = decoded ? decoded->find('|') : std::string::npos;
    if (bar == std::string::npos) return std::nullopt;
    return std::make_pair(decoded->substr(0, bar), decoded->substr(bar + 1));
}

struct Upload {
    bulk::InputFormat format = bulk::InputFormat::csv;
    bool has_photos = false;
    Object::Ptr defaults;
};

// What a records file is: by its name, then its declared type, then its first bytes (a
// ZIP is a workbook; '{' NDJSON; '[' a JSON array; anything else CSV).
bulk::InputFormat records_format(const std::string& filename, const std::string& content_type,
                                 const std::string& path) {
    if (auto f = bulk::format_from_name(filename)) return *f;
    if (auto f = bulk::format_from_media_type(content_type)) return *f;
    std::ifstream in(path, std::ios::binary);
    char head[4] = {};
    in.read(head, sizeof head);
    if (std::string_view(head, 4) == std::string_view("PK\x03\x04", 4)) {
        return bulk::InputFormat::xlsx;
    }
    if (head[0] == '{') return bulk::InputFormat::ndjson;
    if (head[0] == '[') return bulk::InputFormat::json_array;
    return bulk::InputFormat::csv;
}

// Reads a job's form: `records` to dir/input, `photos` to dir/photos.zip (checked as a ZIP
// now, read entry by entry with limits while printing), `defaults` parsed, options into
// `request`. Any other part is refused by name.
Upload read_upload(Exchange& ex, const std::string& dir, JobRequest& request,
                   const JobFormExtension* page) {
    Upload upload;
    bool has_records = false;
    std::string records_name, records_type;
    read_form_parts(
        ex,
        [&](FormPart& part) {
            if (part.name == "records") {
                std::ofstream out(dir + "/input", std::ios::binary);
                const auto bytes = Poco::StreamCopier::copyStream64(part.body, out);
                if (!out) throw std::runtime_error("cannot store the job's input");
                has_records = bytes > 0 || !part.filename.empty();
                records_name = part.filename;
                records_type = part.content_type;
            } else if (part.name == "photos") {
                std::ofstream out(dir + "/photos.zip", std::ios::binary);
                const auto bytes = Poco::StreamCopier::copyStream64(part.body, out);
                if (!out) throw std::runtime_error("cannot store the job's photos");
                // A browser sends a file input left empty as a part without a name or
                // bytes: no photos, not a broken ZIP.
                upload.has_photos = bytes > 0 || !part.filename.empty();
            } else if (part.name == "defaults") {
                std::string text(64 * 1024 + 1, '\0');
                part.body.read(text.data(), static_cast<std::streamsize>(text.size()));
                text.resize(static_cast<std::size_t>(part.body.gcount()));
                Poco::Dynamic::Var parsed;
                try {
                    if (text.size() > 64 * 1024) throw Poco::Exception("larger than 64 KB");
                    parsed = Poco::JSON::Parser().parse(text);
                } catch (const Poco::Exception& e) {
                    throw ProblemError(unprocessable(
                        "The job was refused.",
                        {{"/defaults", "json", "不是JSON / Not JSON: " + e.displayText()}}));
                }
                if (parsed.type() != typeid(Object::Ptr)) {
                    throw ProblemError(unprocessable(
                        "The job was refused.",
                        {{"/defaults", "type", "应为JSON对象 / Must be a JSON object."}}));
                }
                upload.defaults = parsed.extract<Object::Ptr>();
            } else if (std::find(kOptionNames.begin(), kOptionNames.end(), part.name) !=
                       kOptionNames.end()) {
                std::string value(1025, '\0');
                part.body.read(value.data(), static_cast<std::streamsize>(value.size()));
                value.resize(static_cast<std::size_t>(part.body.gcount()));
                set_option(request, part.name, value);
            } else if (page && page->take_part && page->take_part(part)) {
                // One of the page's own fields.
            } else {
                std::string names = "records, photos, defaults";
                for (const char* n : kOptionNames) names += std::string(", ") + n;
                throw ProblemError(unprocessable("The job was refused.",
                                                 {{"/" + part.name, "unknown-part",
                                                   "未知的表单项 / A job's form has no part '" +
                                                       part.name + "'; it takes " + names + "."}}));
            }
        },
        16);
    if (page && page->defaults) {
        // The page's fields, over a defaults part where both came.
        if (const auto fields = page->defaults()) {
            if (!upload.defaults) upload.defaults = new Object;
            for (const auto& [name, value] : *fields) upload.defaults->set(name, value);
        }
    }
    if (!has_records) {
        throw ProblemError(unprocessable("The job was refused.",
                                         {{"/records", "required",
                                           "请上传记录文件 / Send the records file (CSV, XLSX, "
                                           "NDJSON or JSON) as the part 'records'."}}));
    }
    upload.format = records_format(records_name, records_type, dir + "/input");
    if (upload.has_photos) {
        try {
            std::ifstream zip(dir + "/photos.zip", std::ios::binary);
            bulk::ZipEntries entries(zip, "the photos ZIP");
        } catch (const bulk::InputError& e) {
            throw ProblemError(
                unprocessable("The job was refused.", {{"/photos", "not-a-zip", e.what()}}));
        }
    }
    return upload;
}

// A job's defaults go under every record: a misspelt field in them is refused at
// acceptance rather than failing every record one by one after the 202.
void check_defaults(const Service& service, const std::string& layout_name,
                    const Object::Ptr& defaults) {
    const auto layout = service.layouts().find(layout_name);
    if (!defaults || !layout) return;
    auto errors = renderers::check_fields_known(*layout, Poco::Dynamic::Var(defaults));
    if (errors.empty()) return;
    for (auto& error : errors) error.pointer = "/defaults" + error.pointer;
    throw ProblemError(unprocessable("The job was refused.", errors));
}

void check_request(const Service& service, const JobRequest& r) {
    std::vector<FieldError> errors;
    if (r.layout.empty()) {
        errors.push_back(
            {"/layout", "required", "请指定版式 / Name the layout (GET /v1/layouts)."});
    } else if (!service.layouts().find(r.layout)) {
        errors.push_back({"/layout", "unknown-layout",
                          "没有这个版式 / There is no layout named '" + r.layout + "'."});
    }
    const auto layout = r.layout.empty() ? nullptr : service.layouts().find(r.layout);
    if (r.output != "pdf" && r.output != "zip") {
        errors.push_back({"/output", "one-of", "应为pdf或zip / Must be pdf or zip."});
    }
    if (!renderers::valid_pages_per_sheet(r.nup)) {
        errors.push_back({"/nup", "one-of", "每张纸页数应为1、2或4 / Must be 1, 2 or 4."});
    } else if (r.nup != 1 && r.output == "zip") {
        errors.push_back({"/nup", "not-with-zip",
                          "ZIP输出不能拼版 / Pages per sheet apply to one merged PDF, not a ZIP."});
    } else if (layout && r.nup != 1) {
        // A sheet shape on which the layout's codes would not scan is refused before a
        // record prints: an exam office learns it now, not at the gate.
        const auto small = renderers::small_codes(*layout, renderers::example_data(*layout), r.nup);
        if (!small.empty()) {
            errors.push_back({"/nup", "codes-too-small",
                              "此版式每张" + std::to_string(r.nup) +
                                  "页时条码过小，无法可靠扫描 / The layout " + layout->name +
                                  " cannot print " + std::to_string(r.nup) +
                                  " pages per sheet: " + small.front().pointer + ": " +
                                  small.front().message + ". Print fewer pages per sheet."});
        }
    }
    if (!r.callback_url.empty()) {
        Poco::URI uri;
        bool ok = false;
        try {
            uri = Poco::URI(r.callback_url);
            ok =
                (uri.getScheme() == "http" || uri.getScheme() == "https") && !uri.getHost().empty();
        } catch (const Poco::Exception&) {
        }
        if (!ok) {
            errors.push_back({"/callbackUrl", "url", "应为http(s)网址 / Must be an http(s) URL."});
        } else if (service.settings().job_callback_secret.empty()) {
            errors.push_back({"/callbackUrl", "no-secret",
                              "服务未配置回调密钥 / This service has no jobs.callback-secret to "
                              "sign callbacks with."});
        }
    }
    if (r.issue && !certificates::scheme_of_certificate_layout(r.layout)) {
        errors.push_back({"/issue", "not-with-layout",
                          "只有证书可以发证 / Only the certificate layouts (certificate, "
                          "ruankao-certificate, zhicheng-certificate) issue: each record is a "
                          "POST /v1/certificates body."});
    }
    if (!errors.empty())
        throw ProblemError(unprocessable("The job was refused.", std::move(errors)));
}

// "bytes=a-b", "bytes=a-" or "bytes=-n" against a file of `size` bytes: the first and
// last byte, or nullopt when unsatisfiable. Several ranges are not supported (a client
// gets the first).
std::optional<std::pair<std::uint64_t, std::uint64_t>> parse_range(const std::string& header,
                                                                   std::uint64_t size) {
    if (header.rfind("bytes=", 0) != 0 || size == 0) return std::nullopt;
    std::string spec = header.substr(6);
    spec = spec.substr(0, spec.find(','));
    const auto dash = spec.find('-');
    if (dash == std::string::npos) return std::nullopt;
    auto number = [](const std::string& text, std::uint64_t& v) {
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
        return ec == std::errc() && end == text.data() + text.size() && !text.empty();
    };
    std::uint64_t first = 0, last = size - 1;
    const std::string a = spec.substr(0, dash), b = spec.substr(dash + 1);
    if (a.empty()) {
        std::uint64_t n = 0;
        if (!number(b, n) || n == 0) return std::nullopt;
        first = n >= size ? 0 : size - n;
    } else {
        if (!number(a, first) || first >= size) return std::nullopt;
        if (!b.empty()) {
            if (!number(b, last) || last < first) return std::nullopt;
            last = std::min(last, size - 1);
        }
    }
    return std::make_pair(first, last);
}

}  // namespace

// Queues a job from the request: the route's own formats, or (with `page`) a page's form.
std::string submit_job(Service& service, Exchange& ex, const std::string& who,
                       const JobFormExtension* page) {
    jobs::JobQueue& jobs = runner_of(service);
    if (jobs.store().active_count() >= service.settings().job_queue) {
        throw ProblemError(too_many_requests("The job queue is full (" +
                                                 std::to_string(service.settings().job_queue) +
                                                 " jobs queued or running); try again later.",
                                             30));
    }
    const std::string media = ex.header("Content-Type");
    const bool form = page != nullptr || is_form(media);
    const auto format =
        form ? std::optional(bulk::InputFormat::csv) : bulk::format_from_media_type(media);
    if (!format) {
        throw ProblemError(unsupported_media_type(
            "Send the records as text/csv, application/x-ndjson, the .xlsx type, "
            "application/json (an object with layout, records and options), or "
            "multipart/form-data with parts records, photos (a ZIP) and defaults."));
    }
    std::string id = [] {
        std::string u = Poco::UUIDGenerator::defaultGenerator().createRandom().toString();
        u.erase(std::remove(u.begin(), u.end(), '-'), u.end());
        return u;
    }();
    const std::string dir = jobs.dir_of(id);
    Poco::File(dir).createDirectories();
    struct Cleanup {
        std::string dir;
        bool keep = false;
        ~Cleanup() {
            if (keep) return;
            try {
                Poco::File(dir).remove(true);
            } catch (...) {
            }
        }
    } cleanup{dir};

    JobRequest request;
    bool has_defaults = false;
    bool has_photos = false;
    Object::Ptr defaults;
    bulk::InputFormat stored_format = *format;
    if (form) {
        // An office's upload: the records file as it is (CSV, XLSX, NDJSON or a
        // JSON array), its photos as a ZIP, the defaults as JSON; options in the
        // query or in parts of their own.
        request = request_from_query(ex);
        Upload upload = read_upload(ex, dir, request, page);
        check_request(service, request);
        if (request.issue) service.authorizer().require(ex, "issue");
        stored_format = upload.format;
        has_photos = upload.has_photos;
        if (upload.defaults) {
            defaults = upload.defaults;
            std::ofstream(dir + "/defaults.json", std::ios::binary) << json_text(*defaults);
            has_defaults = true;
        }
    } else if (*format == bulk::InputFormat::json_array) {
        // The JSON form: {"layout", "records": [...], "defaults", options}.
        Poco::JSON::Parser parser;
        Poco::Dynamic::Var body;
        try {
            body = parser.parse(ex.body_stream());
        } catch (const Poco::JSON::JSONException& e) {
            throw ProblemError(bad_request("The body is not JSON: " + e.message()));
        }
        if (body.type() != typeid(Object::Ptr)) {
            throw ProblemError(unprocessable(
                "The job was refused.",
                {{"", "type", "请求体应为JSON对象 / The body must be a JSON object."}}));
        }
        const auto o = body.extract<Object::Ptr>();
        // Options of the wrong type read as values check_request refuses.
        auto text = [&o](const char* key, const char* fallback) {
            if (!o->has(key)) return std::string(fallback);
            return o->get(key).isString() ? o->getValue<std::string>(key)
                                          : std::string("<not text>");
        };
        auto flag = [&o](const char* key, bool fallback) {
            return o->has(key) && o->get(key).isBoolean() ? o->getValue<bool>(key) : fallback;
        };
        request.layout = text("layout", "");
        request.output = text("output", "pdf");
        request.nup = 1;
        if (o->has("nup")) {
            const auto nup = o->get("nup");
            request.nup = nup.isInteger() && nup.toString().size() == 1 ? nup.convert<int>() : 0;
        }
        request.cut_marks = flag("cutMarks", true);
        request.callback_url = text("callbackUrl", "");
        request.issue = flag("issue", false);
        if (!o->isArray("records")) {
            throw ProblemError(
                unprocessable("The job was refused.",
                              {{"/records", "required",
                                "请提供记录数组 / records must be an array of objects."}}));
        }
        check_request(service, request);
        if (request.issue) service.authorizer().require(ex, "issue");
        std::ofstream(dir + "/input", std::ios::binary) << json_text(*o->getArray("records"));
        if (o->has("defaults")) {
            if (!o->isObject("defaults")) {
                throw ProblemError(unprocessable(
                    "The job was refused.",
                    {{"/defaults", "type", "应为JSON对象 / Must be a JSON object."}}));
            }
            defaults = o->getObject("defaults");
            std::ofstream(dir + "/defaults.json", std::ios::binary) << json_text(*defaults);
            has_defaults = true;
        }
    } else {
        // CSV, NDJSON or XLSX streamed to the job's directory; options in the query.
        request = request_from_query(ex);
        check_request(service, request);
        if (request.issue) service.authorizer().require(ex, "issue");
        std::ofstream input(dir + "/input", std::ios::binary);
        Poco::StreamCopier::copyStream64(ex.body_stream(), input);
        if (!input) throw std::runtime_error("cannot store the job's input");
    }

    check_defaults(service, request.layout, defaults);
    if (!request.sheet.empty() && stored_format != bulk::InputFormat::xlsx) {
        throw ProblemError(
            unprocessable("The job was refused.",
                          {{"/sheet", "not-with-format",
                            "只有Excel文件有工作表 / Only an .xlsx workbook has sheets."}}));
    }
    if (stored_format == bulk::InputFormat::xlsx) {
        // A workbook that cannot be opened, or has no such sheet, is refused now
        // rather than failing the job later.
        try {
            std::ifstream workbook(dir + "/input", std::ios::binary);
            bulk::ReadOptions read;
            read.sheet = request.sheet;
            const auto layout = service.layouts().find(request.layout);
            bulk::open_records(workbook, stored_format, *layout, read);
        } catch (const bulk::InputError& e) {
            throw ProblemError(unprocessable("The job was refused.",
                                             {{"/records", "unreadable-input", e.what()}}));
        }
    }

    std::ifstream counting(dir + "/input", std::ios::binary);
    const auto total = bulk::count_records(counting, stored_format, request.sheet);

    jobs::JobOptions options;
    options.format = stored_format;
    options.output = request.output == "zip" ? bulk::OutputKind::zip : bulk::OutputKind::merged_pdf;
    options.pages_per_sheet = request.nup;
    options.cut_marks = request.cut_marks;
    options.has_defaults = has_defaults;
    options.sheet = request.sheet;
    options.has_photos = has_photos;
    options.issue = request.issue;
    options.callback_url = request.callback_url;
    options.submitted_by = who;
    // Shared between instances: split into chunks of this many records (fixed
    // at submission, so a split that runs again makes the same chunks).
    // With n-up sheets a chunk holds whole sheets: a multiple of the pages per sheet.
    if (jobs.chunk_records() > 0) {
        const int nup = request.nup;
        options.chunk_records = (jobs.chunk_records() + nup - 1) / nup * nup;
        // Every instance printing a chunk needs them.
        if (defaults) options.defaults = defaults;
    }
    // Whole seconds: the time the options store.
    options.created_at =
        std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
    jobs::JobRow row;
    row.id = id;
    row.layout = request.layout;
    row.state = jobs::JobState::queued;
    row.options = options;
    row.total = total ? static_cast<std::int64_t>(*total) : -1;
    if (!request.callback_url.empty()) row.callback = jobs::CallbackState::waiting;
    jobs.store().create(row);
    cleanup.keep = true;
    jobs.enqueue(id);
    return id;
}

Response job_result(Service& service, Exchange& ex, const std::string& id) {
    jobs::JobQueue& jobs = runner_of(service);
    const auto job = job_or_404(jobs, id);
    if (job.state != jobs::JobState::done) {
        throw ProblemError(conflict("The job is " + std::string(to_string(job.state)) +
                                    "; its result is there once it is done."));
    }
    Response response;
    try {
        response.file = jobs.result_file(job);
    } catch (const std::exception& e) {
        throw ProblemError(
            service_unavailable(std::string("The result cannot be read here: ") + e.what(), 5));
    }
    const bool zip =
        response.file.size() > 4 && response.file.compare(response.file.size() - 4, 4, ".zip") == 0;
    const auto size = static_cast<std::uint64_t>(Poco::File(response.file).getSize());
    response.content_type = zip ? "application/zip" : "application/pdf";
    response.headers.emplace_back("Accept-Ranges", "bytes");
    // What a clerk finds in the downloads folder: the document's name, the day and the
    // job ("准考证-20261130-5f0c1a2b.pdf", in ASCII zhunkaozheng-20261130-5f0c1a2b.pdf).
    const auto layout = service.layouts().find(job.layout);
    std::string day = job.created_at.substr(0, 10);
    day.erase(std::remove(day.begin(), day.end(), '-'), day.end());
    response.headers.emplace_back(
        "Content-Disposition",
        content_disposition("attachment", (layout ? layout->title : job.layout) + "-" + day + "-" +
                                              job.id.substr(0, 8) + (zip ? ".zip" : ".pdf")));
    response.file_length = size;
    const std::string range = ex.header("Range");
    if (!range.empty()) {
        const auto span = parse_range(range, size);
        if (!span) {
            Problem p = bad_request("The range " + range + " is not within the " +
                                    std::to_string(size) + " bytes of the result.");
            p.status = 416;
            p.slug = "range-not-satisfiable";
            p.title = "Range Not Satisfiable";
            p.headers.emplace_back("Content-Range", "bytes */" + std::to_string(size));
            throw ProblemError(p);
        }
        response.status = 206;
        response.file_offset = span->first;
        response.file_length = span->second - span->first + 1;
        response.headers.emplace_back("Content-Range", "bytes " + std::to_string(span->first) +
                                                           "-" + std::to_string(span->second) +
                                                           "/" + std::to_string(size));
    }
    return response;
}

void add_job_routes(Service& service) {
    Router& r = service.router();

    r.add({"POST", "/v1/jobs",
           [&service](Exchange& ex) {
               const std::string who = service.authorizer().require(ex, "print");
               const std::string id = submit_job(service, ex, who, nullptr);
               jobs::JobQueue& jobs = runner_of(service);

               Response response =
                   Response::json(json_text(job_view(jobs.store(), *jobs.store().find(id),
                                                     service.settings().public_base_url, false)),
                                  202);
               response.headers.emplace_back("Location", "/v1/jobs/" + id);
               return response;
           },
           service.settings().max_job_bytes});

    r.add({"GET", "/v1/jobs", [&service](Exchange& ex) {
               service.authorizer().require(ex, "print");
               jobs::JobQueue& jobs = runner_of(service);
               jobs::JobStore::ListQuery query;
               std::vector<FieldError> errors;
               for (const auto& [name, value] : ex.query_parameters()) {
                   if (name == "state") {
                       query.state = jobs::job_state_named(value);
                       if (!query.state) {
                           errors.push_back({"/state", "one-of",
                                             "应为queued、running、done、failed或cancelled / "
                                             "Must be queued, running, done, failed or "
                                             "cancelled."});
                       }
                   } else if (name == "layout") {
                       query.layout = value;
                   } else if (name == "limit") {
                       int limit = 0;
                       const auto [end, ec] =
                           std::from_chars(value.data(), value.data() + value.size(), limit);
                       if (ec != std::errc() || end != value.data() + value.size() || limit < 1 ||
                           limit > 100) {
                           errors.push_back(
                               {"/limit", "range", "应为1至100 / Must be a number from 1 to 100."});
                       }
                       query.limit = limit;
                   } else if (name == "cursor") {
                       const auto cursor = parse_cursor(value);
                       if (!cursor) {
                           errors.push_back(
                               {"/cursor", "cursor", "游标无效 / Not a cursor this service gave."});
                       } else {
                           query.after_created_at = cursor->first;
                           query.after_id = cursor->second;
                       }
                   } else {
                       Problem p = bad_request("Unknown query parameter '" + name +
                                               "'; this route takes only: state, layout, "
                                               "cursor, limit.");
                       p.slug = "unknown-parameter";
                       throw ProblemError(std::move(p));
                   }
               }
               if (!errors.empty()) {
                   throw ProblemError(unprocessable("The list was refused.", std::move(errors)));
               }
               const auto rows = jobs.store().list(query);
               Poco::JSON::Array list;
               for (const auto& row : rows) {
                   list.add(job_view(jobs.store(), row, service.settings().public_base_url, false));
               }
               Object body(Poco::JSON_PRESERVE_KEY_ORDER);
               body.set("jobs", list);
               // A full page may have more behind it: where the next one starts.
               if (!rows.empty() && static_cast<int>(rows.size()) == query.limit) {
                   body.set("next", cursor_of(rows.back()));
               }
               return Response::json(json_text(body));
           }});

    r.add({"GET", "/v1/jobs/{id}", [&service](Exchange& ex) {
               service.authorizer().require(ex, "print");
               jobs::JobQueue& jobs = runner_of(service);
               const auto job = job_or_404(jobs, ex.param("id"));
               return Response::json(json_text(
                   job_view(jobs.store(), job, service.settings().public_base_url, true)));
           }});

    r.add({"GET", "/v1/jobs/{id}/result", [&service](Exchange& ex) {
               service.authorizer().require(ex, "print");
               return job_result(service, ex, ex.param("id"));
           }});

    r.add({"DELETE", "/v1/jobs/{id}", [&service](Exchange& ex) {
               service.authorizer().require(ex, "print");
               jobs::JobQueue& jobs = runner_of(service);
               const auto job = job_or_404(jobs, ex.param("id"));
               if (!jobs.store().cancel(job.id)) {
                   throw ProblemError(conflict("The job has already ended (" +
                                               std::string(to_string(job.state)) + ")."));
               }
               jobs.interrupt(job.id);
               return Response::json(
                   json_text(job_view(jobs.store(), *jobs.store().find(job.id),
                                      service.settings().public_base_url, false)));
           }});
}

}  // namespace examdocs::service
