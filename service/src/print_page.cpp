// The clerk's page: an exam office's spreadsheet and ZIP of photos to one printed file,
// in a browser, with scripts off as well as on. Every state is a page of its own, rendered
// here; the job itself is submitted, read and downloaded through the same code as
// /v1/jobs (job_routes.h), behind the office pages' sign-in (office_page.h, right print).
#include "print_page.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <optional>
#include <set>

#include "examdocs/core/problem.h"
#include "examdocs/jobs/job_queue.h"
#include "examdocs/jobs/job_store.h"
#include "examdocs/renderers/layout.h"
#include "examdocs/service/service.h"
#include "form_parts.h"
#include "html_text.h"
#include "job_routes.h"
#include "job_view.h"
#include "office_page.h"

namespace examdocs::embedded {
std::string_view print_page_js();
}  // namespace examdocs::embedded

namespace examdocs::service {

namespace {

using Poco::JSON::Object;

// job_view() nests objects and arrays by value, a parsed JSON text by pointer: either way,
// a copy (Object::get() answers a Var by value, which a reference would outlive).
Object object_in(const Poco::Dynamic::Var& value) {
    if (value.type() == typeid(Object::Ptr)) return *value.extract<Object::Ptr>();
    return value.extract<Object>();
}

Poco::JSON::Array array_in(const Poco::Dynamic::Var& value) {
    if (value.type() == typeid(Poco::JSON::Array::Ptr))
        return *value.extract<Poco::JSON::Array::Ptr>();
    return value.extract<Poco::JSON::Array>();
}

jobs::JobQueue& jobs_of(Service& service) {
    auto* jobs = service.jobs();
    if (!jobs) throw ProblemError(service_unavailable("Bulk jobs are not ready.", 5));
    return *jobs;
}

// What an office sets once for a whole print run, rather than in every row: the exam, the
// centre, the organiser and issuer, the notes. Offered as the form's default fields when
// the layout has them; everything else comes from the spreadsheet.
constexpr std::array<std::string_view, 8> kSharedRoots{"exam",  "centre",  "organizer", "issuer",
                                                       "notes", "remarks", "issueDate", "issuedAt"};

struct DefaultField {
    std::string pointer;  // "/exam/title"; "/notes" for a list of lines
    std::string label;
    std::string type;  // string, date, lines
    int max_length = 0;
};

std::vector<DefaultField> default_fields(const renderers::Layout& layout) {
    std::vector<DefaultField> fields;
    std::set<std::string> seen;
    for (const auto& rule : layout.fields) {
        const std::string& p = rule.pointer;
        const auto second = p.find('/', 1);
        const std::string root = p.substr(1, second == std::string::npos ? second : second - 1);
        if (std::find(kSharedRoots.begin(), kSharedRoots.end(), root) == kSharedRoots.end() ||
            p.find('*') != std::string::npos || seen.count(p)) {
            continue;
        }
        DefaultField f{p, rule.label, rule.type, rule.max_length};
        if (rule.type == "array") {
            // A list of lines (the notes): only when its items are text.
            const auto item = std::find_if(layout.fields.begin(), layout.fields.end(),
                                           [&](const auto& r) { return r.pointer == p + "/*"; });
            if (item == layout.fields.end() || item->type != "string") continue;
            f.type = "lines";
            f.max_length = item->max_length;
        } else if (rule.type != "string" && rule.type != "date") {
            continue;
        }
        seen.insert(p);
        fields.push_back(std::move(f));
    }
    return fields;
}

// The input's name: "default/exam/title", "lines/notes" (part names the jobs form does not
// have; default_part() reads them back).
std::string input_name(const DefaultField& field) {
    return (field.type == "lines" ? "lines" : "default") + field.pointer;
}
std::string input_id(const std::string& pointer) {
    std::string id = "d";
    for (char c : pointer) id += c == '/' ? '-' : c;
    return id;
}

const char* state_cn(const std::string& state) {
    if (state == "queued") return "排队中";
    if (state == "running") return "正在打印";
    if (state == "done") return "已完成";
    if (state == "failed") return "失败";
    if (state == "cancelled") return "已取消";
    return "";
}

const char* state_en(const std::string& state) {
    if (state == "queued") return "Queued";
    if (state == "running") return "Printing";
    if (state == "done") return "Done";
    if (state == "failed") return "Failed";
    if (state == "cancelled") return "Cancelled";
    return "";
}

std::string layout_title(Service& service, const std::string& name) {
    const auto layout = service.layouts().find(name);
    return layout ? layout->title : name;
}

std::string megabytes(long long bytes) {
    const double mb = static_cast<double>(bytes) / 1e6;
    char text[32];
    std::snprintf(text, sizeof text, mb < 10 ? "%.1f MB" : "%.0f MB", mb);
    return text;
}

std::string duration(long long seconds) {
    if (seconds < 60) return std::to_string(seconds) + " 秒 " + en(std::to_string(seconds) + " s");
    const long long minutes = (seconds + 59) / 60;
    return std::to_string(minutes) + " 分钟 " + en(std::to_string(minutes) + " min");
}

// "2026-11-30T09:12:04Z" as a clerk reads it: "2026-11-30 09:12".
std::string when(const std::string& iso) {
    if (iso.size() < 16) return html_escape(iso);
    return html_escape(iso.substr(0, 10) + " " + iso.substr(11, 5));
}

std::string state_badge(const std::string& state) {
    return "<span class=\"state " + html_escape(state) + "\">" + state_cn(state) + " " +
           en(state_en(state)) + "</span>";
}

// ---- /print: the form and the recent jobs -------------------------------------------------

std::string layout_chooser(Service& service, const renderers::Layout& current) {
    std::string options;
    for (const auto& layout : service.layouts().all()) {
        options += "<option value=\"" + html_escape(layout->name) + "\"" +
                   (layout->name == current.name ? " selected" : "") + ">" +
                   html_escape(layout->title) + " (" + html_escape(layout->name) + ")</option>";
    }
    return "<form class=\"choose\" action=\"/print\" method=\"get\" id=\"choose-layout\">"
           "<label for=\"layout-choice\">版式 " +
           en("Layout") +
           "</label><div class=\"row\"><select id=\"layout-choice\" name=\"layout\">" + options +
           "</select><button type=\"submit\" class=\"quiet\">换版式 " + en("Change") +
           "</button></div></form>\n";
}

std::string upload_form(const renderers::Layout& layout, const PageSession& session) {
    std::string f =
        "<form action=\"/print/jobs\" method=\"post\" enctype=\"multipart/form-data\" "
        "id=\"upload\">" +
        csrf_field(session) + "<input type=\"hidden\" name=\"layout\" value=\"" +
        html_escape(layout.name) + "\">";
    f +=
        "<label for=\"records\">考生名单 " + en("Candidate list") +
        "</label><input id=\"records\" name=\"records\" type=\"file\" required "
        "accept=\".xlsx,.csv,.ndjson,.json\" aria-describedby=\"records-hint\">"
        "<p class=\"hint\" id=\"records-hint\">Excel (.xlsx) 第一个工作表，或 CSV。第一行是字段名，"
        "如 <code>candidate/name</code>；照片列写 <code>@photos/文件名.jpg</code>。" +
        en("Excel (.xlsx, the first sheet) or CSV. The first row names the fields, e.g. "
           "<code>candidate/name</code>; a photo cell reads <code>@photos/file.jpg</code>.") +
        " <a href=\"/v1/layouts/" + html_escape(layout.name) + "\">字段 " + en("Fields") +
        "</a></p>";
    f += "<label for=\"photos\">照片压缩包 " + en("Photos ZIP") +
         "</label><input id=\"photos\" name=\"photos\" type=\"file\" accept=\".zip\" "
         "aria-describedby=\"photos-hint\"><p class=\"hint\" id=\"photos-hint\">"
         "名单中照片所在的ZIP文件（可不选）。" +
         en("The ZIP file holding the photos the list names (optional).") + "</p>";
    const auto defaults = default_fields(layout);
    if (!defaults.empty()) {
        f += "<fieldset><legend>每份都相同的内容 " + en("The same on every copy") +
             "</legend><p class=\"hint\">名单中没有这一列时使用。" +
             en("Used where the list has no such column.") + "</p>";
        for (const auto& d : defaults) {
            const std::string id = input_id(d.pointer);
            f += "<label for=\"" + id + "\">" + html_escape(d.label) + " <code>" +
                 html_escape(d.pointer) + "</code></label>";
            if (d.type == "lines") {
                f += "<textarea id=\"" + id + "\" name=\"" + input_name(d) +
                     "\" rows=\"4\" aria-describedby=\"" + id +
                     "-hint\"></textarea>"
                     "<p class=\"hint\" id=\"" +
                     id + "-hint\">每行一条。" + en("One per line.") + "</p>";
            } else {
                f += "<input id=\"" + id + "\" name=\"" + input_name(d) + "\" type=\"" +
                     (d.type == "date" ? "date" : "text") + "\"" +
                     (d.max_length > 0 ? " maxlength=\"" + std::to_string(d.max_length) + "\""
                                       : std::string()) +
                     ">";
            }
        }
        f += "</fieldset>";
    }
    f += "<fieldset><legend>输出 " + en("Output") + "</legend><label for=\"output\">文件 " +
         en("File") +
         "</label><select id=\"output\" name=\"output\"><option value=\"pdf\" selected>"
         "合并为一个PDF " +
         en("One merged PDF") + "</option><option value=\"zip\">每人一个PDF，打包为ZIP " +
         en("A PDF each, in a ZIP") + "</option></select><label for=\"nup\">每张纸 " +
         en("Per sheet") +
         "</label><select id=\"nup\" name=\"nup\"><option value=\"1\" selected>1</option>"
         "<option value=\"2\">2</option><option value=\"4\">4</option></select></fieldset>";
    f += "<button type=\"submit\">开始打印 " + en("Start printing") + "</button></form>\n";
    return f;
}

std::string recent_jobs(Service& service) {
    std::string s =
        "<section aria-labelledby=\"recent-heading\"><h2 id=\"recent-heading\">最近的任务 " +
        en("Recent jobs") + "</h2>";
    auto* jobs = service.jobs();
    if (!jobs)
        return s + "<p>任务服务尚未就绪。" + en("Jobs are not ready yet.") + "</p></section>";
    jobs::JobStore::ListQuery query;
    query.limit = 10;
    const auto rows = jobs->store().list(query);
    if (rows.empty()) {
        return s + "<p>还没有任务。" + en("No jobs yet.") + "</p></section>\n";
    }
    s += "<div class=\"scroll\"><table class=\"jobs\"><thead><tr><th scope=\"col\">提交时间 " +
         en("Submitted") + "</th><th scope=\"col\">版式 " + en("Layout") +
         "</th><th scope=\"col\">状态 " + en("State") + "</th><th scope=\"col\">已打印 " +
         en("Printed") + "</th><th scope=\"col\">被拒 " + en("Refused") +
         "</th></tr></thead><tbody>";
    for (const auto& row : rows) {
        s += "<tr><td><a href=\"/print/jobs/" + html_escape(row.id) + "\">" + when(row.created_at) +
             "</a></td><td>" + html_escape(layout_title(service, row.layout)) + "</td><td>" +
             state_badge(std::string(jobs::to_string(row.state))) +
             "</td><td data-label=\"已打印 Printed\">" + std::to_string(row.printed) +
             (row.total >= 0 ? " / " + std::to_string(row.total) : std::string()) +
             "</td><td data-label=\"被拒 Refused\">" + std::to_string(row.refused) + "</td></tr>";
    }
    return s + "</tbody></table></div></section>\n";
}

Response print_page(Service& service, Exchange& ex, const PageSession& session) {
    const auto all = service.layouts().all();
    if (all.empty()) throw ProblemError(service_unavailable("No layouts are loaded.", 30));
    const std::string wanted = ex.query("layout").value_or("admission-ticket");
    auto layout = service.layouts().find(wanted);
    if (!layout) layout = all.front();
    std::string main = "<h1>批量打印 " + en("Bulk printing") + "</h1>\n";
    main += "<p class=\"lead\">上传考生名单（Excel）和照片压缩包，打印为一个PDF。" +
            en("Upload the candidate list (Excel) and a ZIP of photos; get one PDF to print.") +
            "</p>\n";
    main +=
        "<section class=\"panel\" aria-labelledby=\"new-heading\"><h2 id=\"new-heading\">新任务 " +
        en("New job") + ": " + html_escape(layout->title) + "</h2>" +
        layout_chooser(service, *layout) + upload_form(*layout, session) + "</section>\n";
    main += recent_jobs(service);
    return office_page(
        200,
        {.title_cn = "批量打印", .title_en = "Bulk printing", .main = main, .session = &session});
}

// ---- /print/jobs/{id}: progress, refused records, download --------------------------------

// "/sessions/0/room" → the layout's label for "/sessions/*/room".
std::string field_label(const renderers::Layout* layout, const std::string& pointer) {
    if (!layout) return {};
    std::string pattern;
    std::size_t at = 0;
    while (at < pointer.size()) {
        auto next = pointer.find('/', at + 1);
        if (next == std::string::npos) next = pointer.size();
        const std::string segment = pointer.substr(at + 1, next - at - 1);
        const bool index =
            !segment.empty() && std::all_of(segment.begin(), segment.end(), [](char c) {
                return std::isdigit(static_cast<unsigned char>(c));
            });
        pattern += "/" + (index ? std::string("*") : segment);
        at = next;
    }
    for (const auto& rule : layout->fields) {
        if (rule.pointer == pattern) return rule.label;
    }
    return {};
}

// A pointer that may break after each slash on a narrow screen.
std::string pointer_html(const std::string& pointer) {
    if (pointer.empty()) return "—";
    std::string html;
    for (char c : html_escape(pointer)) {
        html += c;
        if (c == '/' && html.size() > 1) html += "<wbr>";
    }
    return html;
}

std::string refused_table(Service& service, const Object& view, const std::string& layout_name) {
    if (!view.has("failures")) return {};
    const auto failures = array_in(view.get("failures"));
    const long long refused = object_in(view.get("records")).getValue<long long>("refused");
    if (failures.size() == 0) return {};
    const auto layout = service.layouts().find(layout_name);
    std::string s =
        "<section aria-labelledby=\"refused-heading\"><h2 id=\"refused-heading\">"
        "被拒绝的记录 " +
        en("Refused records") +
        "</h2><p>以下记录没有打印。请在名单中改正后，只为这些记录再提交一次。" +
        en("These records were not printed. Correct them in the list and submit "
           "just these again.") +
        "</p><div class=\"scroll\"><table class=\"refused\" id=\"refused\">"
        "<thead><tr><th scope=\"col\">行 " +
        en("Row") + "</th><th scope=\"col\">字段 " + en("Field") + "</th><th scope=\"col\">原因 " +
        en("Reason") + "</th></tr></thead><tbody>";
    for (std::size_t i = 0; i < failures.size(); ++i) {
        const Object f = object_in(failures.get(static_cast<unsigned>(i)));
        const long long line = f.optValue<long long>("line", 0);
        const long long record = f.getValue<long long>("record");
        const std::string row = line > 0 ? std::to_string(line) : "#" + std::to_string(record);
        if (!f.has("errors")) continue;
        const auto errors = array_in(f.get("errors"));
        for (std::size_t j = 0; j < errors.size(); ++j) {
            const Object e = object_in(errors.get(static_cast<unsigned>(j)));
            const std::string pointer = e.optValue<std::string>("pointer", "");
            const std::string label = field_label(layout.get(), pointer);
            s += "<tr><td>" + row + "</td><td>" +
                 (label.empty() ? std::string() : html_escape(label) + " ") + "<code>" +
                 pointer_html(pointer) + "</code></td><td>" +
                 html_escape(e.optValue<std::string>("message", "")) + "</td></tr>";
        }
    }
    s += "</tbody></table></div>";
    if (view.has("failuresShown")) {
        s += "<p>只列出前 " + std::to_string(view.getValue<int>("failuresShown")) + " 条，共 " +
             std::to_string(refused) + " 条。" +
             en("The first " + std::to_string(view.getValue<int>("failuresShown")) + " of " +
                std::to_string(refused) + " are shown.") +
             "</p>";
    }
    return s + "</section>\n";
}

Response job_page(Service& service, Exchange& ex, const PageSession& session) {
    jobs::JobQueue& jobs = jobs_of(service);
    const auto row = jobs.store().find(ex.param("id"));
    if (!row) throw ProblemError(not_found("There is no job " + ex.param("id") + "."));
    const Object view = job_view(jobs.store(), *row, service.settings().public_base_url, true);
    const std::string state = view.getValue<std::string>("state");
    const Object records = object_in(view.get("records"));
    const long long total = records.optValue<long long>("total", -1);
    const long long done = records.getValue<long long>("done");
    const long long printed = records.getValue<long long>("printed");
    const long long refused = records.getValue<long long>("refused");
    const bool ended = state == "done" || state == "failed" || state == "cancelled";
    const std::string id = html_escape(row->id);

    std::string main = "<h1>" + html_escape(layout_title(service, row->layout)) + " · 打印任务 " +
                       en("Print job") + "</h1>\n";
    main += "<section class=\"panel job\" id=\"job\" data-state=\"" + html_escape(state) +
            "\" aria-labelledby=\"job-heading\"><h2 id=\"job-heading\">" + state_badge(state) +
            "</h2>";
    // The bar: records done of all; while the total is not yet counted, an indeterminate one.
    main += "<label for=\"progress\">已处理 " + en("Processed") + ": " + std::to_string(done) +
            (total >= 0 ? " / " + std::to_string(total) : std::string()) +
            "</label><progress id=\"progress\"" +
            (total > 0 ? " max=\"" + std::to_string(total) + "\" value=\"" +
                             std::to_string(std::min(done, total)) + "\""
                       : std::string(ended ? " max=\"1\" value=\"1\"" : "")) +
            ">" + std::to_string(done) + "</progress>";
    main += "<dl class=\"facts\"><dt>已打印 " + en("Printed") + "</dt><dd id=\"printed\">" +
            std::to_string(printed) + "</dd><dt>被拒 " + en("Refused") +
            "</dt><dd id=\"refused-count\">" + std::to_string(refused) + "</dd>";
    if (view.has("recordsPerSecond")) {
        main += "<dt>速度 " + en("Rate") + "</dt><dd>" +
                html_escape(view.get("recordsPerSecond").toString()) + " 条/秒 " + en("records/s") +
                "</dd>";
    }
    if (view.has("secondsLeft")) {
        main += "<dt>剩余时间 " + en("Time left") + "</dt><dd>" +
                duration(static_cast<long long>(view.getValue<double>("secondsLeft"))) + "</dd>";
    }
    if (state == "done") {
        main += "<dt>页数 " + en("Pages") + "</dt><dd>" +
                std::to_string(view.getValue<long long>("pages")) + "</dd><dt>大小 " + en("Size") +
                "</dt><dd>" + megabytes(view.getValue<long long>("bytes")) + "</dd>";
    }
    main += "<dt>提交 " + en("Submitted") + "</dt><dd>" + when(row->created_at) + "</dd></dl>";
    if (state == "done") {
        const bool zip = row->options.output == bulk::OutputKind::zip;
        main += "<p><a class=\"button\" id=\"download\" href=\"/print/jobs/" + id +
                "/result\" download>下载 " + (zip ? std::string("ZIP") : std::string("PDF")) + " " +
                en("Download") + "</a></p>";
    } else if (state == "failed") {
        main += "<div class=\"notice problem\" role=\"alert\"><p>任务失败，没有可下载的文件。" +
                en("The job failed; there is nothing to download.") + "</p><p>" +
                en(html_escape(view.optValue<std::string>("error", ""))) + "</p></div>";
    } else if (!ended) {
        main += "<p class=\"hint\">本页会自动刷新。" + en("This page refreshes by itself.") +
                "</p><form action=\"/print/jobs/" + id + "/cancel\" method=\"post\">" +
                csrf_field(session) + "<button type=\"submit\" class=\"quiet\">取消任务 " +
                en("Cancel the job") + "</button></form>";
    }
    main += "</section>\n" + refused_table(service, view, row->layout);
    main += "<p><a href=\"/print?layout=" + html_escape(row->layout) + "\">新任务 " +
            en("New job") + "</a></p>\n";

    OfficePage page{.title_cn = std::string(state_cn(state)) + " 打印任务",
                    .title_en = std::string(state_en(state)) + " print job",
                    .main = main,
                    .session = &session};
    if (!ended) {
        // Without scripts the page reloads itself; with them print.js fetches it instead
        // (and the refresh inside <noscript> never applies).
        page.head = "<noscript><meta http-equiv=\"refresh\" content=\"2\"></noscript>\n";
        page.scripts.emplace_back("/assets/print.js");
    }
    return office_page(200, page);
}

// ---- POST /print/jobs: the upload --------------------------------------------------------

std::string read_small(std::istream& in, std::size_t limit, const std::string& name) {
    std::string text(limit + 1, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    if (text.size() > limit) {
        throw ProblemError(
            unprocessable("The job was refused.",
                          {{"/" + name, "too-long",
                            "内容太长 / Longer than " + std::to_string(limit) + " bytes."}}));
    }
    return text;
}

std::string trimmed(const std::string& text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return {};
    return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

// Sets `value` at `pointer` ("/exam/title") in `root`, making the objects on the way.
void set_at(Object& root, const std::string& pointer, const Poco::Dynamic::Var& value) {
    Object* at = &root;
    std::size_t from = 1;
    while (true) {
        const auto slash = pointer.find('/', from);
        const std::string key =
            pointer.substr(from, slash == std::string::npos ? slash : slash - from);
        if (slash == std::string::npos) {
            at->set(key, value);
            return;
        }
        if (!at->isObject(key)) at->set(key, Object::Ptr(new Object));
        at = at->getObject(key).get();
        from = slash + 1;
    }
}

// A default field's part name as the form sends it: "default/exam/title" for a text,
// "lines/notes" for a list of lines. Only the shared roots are taken, never a candidate's
// own field: the defaults go under every record.
std::optional<std::pair<std::string, bool>> default_part(const std::string& name) {
    const bool lines = name.rfind("lines/", 0) == 0;
    if (!lines && name.rfind("default/", 0) != 0) return std::nullopt;
    const std::string pointer = name.substr(lines ? 5 : 7);
    const auto second = pointer.find('/', 1);
    const std::string root = pointer.substr(1, second == std::string::npos ? second : second - 1);
    if (std::find(kSharedRoots.begin(), kSharedRoots.end(), root) == kSharedRoots.end() ||
        pointer.find("//") != std::string::npos || pointer.back() == '/' ||
        pointer.find('*') != std::string::npos || pointer.size() > 64) {
        return std::nullopt;
    }
    return std::make_pair(pointer, lines);
}

Response submit(Service& service, Exchange& ex, const PageSession& session) {
    bool csrf_seen = false;
    Object::Ptr defaults = new Object;
    JobFormExtension page;
    page.take_part = [&](FormPart& part) {
        if (part.name == "csrf") {
            require_csrf(ex, session, read_small(part.body, 256, "csrf"));
            csrf_seen = true;
            return true;
        }
        const auto field = default_part(part.name);
        if (!field) return false;
        const std::string text = read_small(part.body, 16 * 1024, part.name);
        if (field->second) {
            Poco::JSON::Array::Ptr lines = new Poco::JSON::Array;
            std::size_t at = 0;
            while (at <= text.size()) {
                auto end = text.find('\n', at);
                if (end == std::string::npos) end = text.size();
                const std::string line = trimmed(text.substr(at, end - at));
                if (!line.empty()) lines->add(line);
                at = end + 1;
            }
            if (lines->size() > 0) set_at(*defaults, field->first, lines);
        } else if (const std::string value = trimmed(text); !value.empty()) {
            set_at(*defaults, field->first, value);
        }
        return true;
    };
    page.defaults = [&]() -> Object::Ptr {
        // Checked once every part is in as well: nothing a form without it sent is kept.
        if (!csrf_seen) require_csrf(ex, session, "");
        return defaults->size() > 0 ? defaults : nullptr;
    };
    const std::string id = submit_job(service, ex, session.key.name, &page);
    Response reply = office_page(303, {.title_cn = "已提交",
                                       .title_en = "Submitted",
                                       .main = "<p><a href=\"/print/jobs/" + html_escape(id) +
                                               "\">任务 " + en("Job") + "</a></p>",
                                       .session = &session});
    reply.headers.emplace_back("Location", "/print/jobs/" + id);
    return reply;
}

Response cancel(Service& service, Exchange& ex, const PageSession& session) {
    auto form = read_url_form(ex);
    require_csrf(ex, session, form["csrf"]);
    jobs::JobQueue& jobs = jobs_of(service);
    const std::string id = ex.param("id");
    if (!jobs.store().find(id)) throw ProblemError(not_found("There is no job " + id + "."));
    // A job that ended meanwhile stays as it ended; the page shows which.
    if (jobs.store().cancel(id)) jobs.interrupt(id);
    Response reply = office_page(303, {.title_cn = "已取消",
                                       .title_en = "Cancelled",
                                       .main = "<p><a href=\"/print/jobs/" + html_escape(id) +
                                               "\">任务 " + en("Job") + "</a></p>",
                                       .session = &session});
    reply.headers.emplace_back("Location", "/print/jobs/" + id);
    return reply;
}

}  // namespace

void add_print_page_routes(Service& service) {
    Router& r = service.router();
    r.add(office_route(service, "GET", "/print", "print",
                       [&service](Exchange& ex, const PageSession& session) {
                           return print_page(service, ex, session);
                       }));
    r.add(office_route(
        service, "POST", "/print/jobs", "print",
        [&service](Exchange& ex, const PageSession& session) {
            return submit(service, ex, session);
        },
        service.settings().max_job_bytes));
    r.add(office_route(service, "GET", "/print/jobs/{id}", "print",
                       [&service](Exchange& ex, const PageSession& session) {
                           return job_page(service, ex, session);
                       }));
    r.add(office_route(service, "POST", "/print/jobs/{id}/cancel", "print",
                       [&service](Exchange& ex, const PageSession& session) {
                           return cancel(service, ex, session);
                       }));
    r.add(office_route(service, "GET", "/print/jobs/{id}/result", "print",
                       [&service](Exchange& ex, const PageSession&) {
                           return job_result(service, ex, ex.param("id"));
                       }));
    r.add({"GET", "/assets/print.js", [](Exchange&) {
               return Response::asset(std::string(embedded::print_page_js()),
                                      "text/javascript; charset=utf-8");
           }});
}

}  // namespace examdocs::service
