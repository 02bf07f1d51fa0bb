// The layout designer. One form holds the layout's text, the sample data and the name to
// save under; its buttons check, preview, download or save, so that everything works as a
// plain form post. designer.js adds the live part: it checks and previews through the two
// JSON routes below as the author types, and draws the preview with pdf.js.
//
// Saving writes NAME.json into layouts.dir and reloads the catalog the way
// POST /v1/layouts/reload does. The rules (docs/operations.md#the-layout-designer): only
// with layouts.dir configured and writable; never under a built-in layout's name (a file
// that replaces one for everyone is put there by hand); over a file saved before only when
// the author says "replace"; a layout that does not pass the checks is never written; when
// the reload refuses the directory, the file is put back as it was.
#include "layout_designer.h"

#include <Poco/File.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <mutex>
#include <optional>
#include <sstream>
#include <system_error>

#include "content_disposition.h"
#include "document_routes.h"
#include "examdocs/core/json_syntax.h"
#include "examdocs/core/problem.h"
#include "examdocs/fonts/font_set.h"
#include "examdocs/renderers/layout_catalog.h"
#include "examdocs/renderers/layout_lint.h"
#include "examdocs/service/service.h"
#include "html_text.h"
#include "office_page.h"

namespace examdocs::embedded {
std::string_view designer_js();
}  // namespace examdocs::embedded

namespace examdocs::service {

namespace {

// A layout with its sample data and a photo's base64 stays far below this.
constexpr std::size_t kMaxForm = 4 * 1024 * 1024;
// Where Debian's libjs-pdf puts pdf.js; served from our origin, so no CDN and a CSP of
// 'self' only.
constexpr std::string_view kPdfJsDirectory = "/usr/share/javascript/pdf/build";
constexpr std::string_view kDefaultStart = "admission-ticket";

constexpr std::string_view kBlankLayout = R"({
  "name": "new-layout",
  "title": "新版式",
  "description": "A new layout: one page, one field.",
  "page": { "size": "A4", "orientation": "portrait" },
  "fields": [
    { "pointer": "/candidate/name", "label": "姓名", "required": true, "maxLength": 20 }
  ],
  "pages": [
    {
      "elements": [
        { "type": "text", "text": "新版式", "box": [15, 15, 180, 12], "size": 18, "bold": true, "align": "center" },
        { "type": "text", "text": "姓名", "box": [15, 40, 25, 8], "size": 11 },
        { "type": "text", "value": "/candidate/name", "box": [42, 40, 100, 8], "size": 11, "minSize": 7 }
      ]
    }
  ]
}
)";

// ---- checking --------------------------------------------------------------------------

struct Finding {
    std::string pointer, code, message;
    std::size_t line = 0, column = 0;  // for JSON that does not parse
};

struct Findings {
    std::optional<renderers::Layout> layout;
    std::vector<Finding> errors, warnings;
};

Findings examine(const std::string& text) {
    Findings f;
    if (const auto where = find_json_syntax_error(text)) {
        f.errors.push_back({"", "not-json",
                            "line " + std::to_string(where->line) + ", column " +
                                std::to_string(where->column) + ": " + where->what,
                            where->line, where->column});
        return f;
    }
    auto check = renderers::check_layout(text, fonts::bundled_font_set());
    for (auto& e : check.errors) f.errors.push_back({e.pointer, e.code, e.message});
    for (auto& w : check.warnings) f.warnings.push_back({w.pointer, w.code, w.message});
    f.layout = std::move(check.layout);
    return f;
}

Poco::JSON::Array findings_json(const std::vector<Finding>& findings) {
    Poco::JSON::Array out;
    for (const auto& f : findings) {
        Poco::JSON::Object item(Poco::JSON_PRESERVE_KEY_ORDER);
        item.set("pointer", f.pointer);
        item.set("code", f.code);
        item.set("message", f.message);
        if (f.line > 0) {
            item.set("line", static_cast<Poco::UInt64>(f.line));
            item.set("column", static_cast<Poco::UInt64>(f.column));
        }
        out.add(item);
    }
    return out;
}

std::string pretty_json(const Poco::Dynamic::Var& value) {
    std::ostringstream out;
    if (value.type() == typeid(Poco::JSON::Object::Ptr)) {
        value.extract<Poco::JSON::Object::Ptr>()->stringify(out, 2);
    } else {
        out << value.toString();
    }
    return out.str();
}

// ---- names and files -------------------------------------------------------------------

// A name that is a file name on every system and nothing else: lower-case letters, digits
// and inner hyphens, as the built-in layouts are named. Never a path.
bool is_safe_name(const std::string& name) {
    if (name.empty() || name.size() > 64 || name.front() == '-' || name.back() == '-') {
        return false;
    }
    for (char c : name) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
    }
    return true;
}

std::string file_in(const std::string& directory, const std::string& name) {
    std::string path = directory;
    if (!path.empty() && path.back() != '/') path += '/';
    return path + name + ".json";
}

std::optional<std::string> read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// The text an author starts from: the file in layouts.dir (what serves), else the
// built-in one, else nothing.
std::optional<std::string> layout_source(const Service& service, const std::string& name) {
    if (name == "blank") return std::string(kBlankLayout);
    if (!is_safe_name(name)) return std::nullopt;
    if (!service.settings().layouts_dir.empty()) {
        if (auto text = read_text(file_in(service.settings().layouts_dir, name))) return text;
    }
    if (const auto bundled = renderers::bundled_layout_text(name)) return std::string(*bundled);
    return std::nullopt;
}

// The span of the top-level member `key`'s string value, quotes included, in a JSON text
// that parses: where the save puts the name chosen in the form, leaving the author's
// formatting everywhere else as it was.
std::optional<std::pair<std::size_t, std::size_t>> top_level_string(const std::string& text,
                                                                    const std::string& key) {
    int depth = 0;
    bool expecting_key = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '{' || c == '[') {
            ++depth;
            expecting_key = c == '{' && depth == 1;
        } else if (c == '}' || c == ']') {
            --depth;
        } else if (c == ',' && depth == 1) {
            expecting_key = true;
        } else if (c == '"') {
            const std::size_t start = i;
            for (++i; i < text.size() && text[i] != '"'; ++i) {
                if (text[i] == '\\') ++i;
            }
            if (depth != 1 || !expecting_key) continue;
            expecting_key = false;
            if (text.compare(start + 1, i - start - 1, key) != 0) continue;
            std::size_t v = text.find_first_not_of(" \t\r\n", i + 1);
            if (v == std::string::npos || text[v] != ':') return std::nullopt;
            v = text.find_first_not_of(" \t\r\n", v + 1);
            if (v == std::string::npos || text[v] != '"') return std::nullopt;
            std::size_t end = v + 1;
            for (; end < text.size() && text[end] != '"'; ++end) {
                if (text[end] == '\\') ++end;
            }
            return std::make_pair(v, end + 1);
        }
    }
    return std::nullopt;
}

class FileDescriptor {
  public:
    explicit FileDescriptor(int fd) : fd_(fd) {}
    ~FileDescriptor() {
        if (fd_ >= 0) ::close(fd_);
    }
    FileDescriptor(const FileDescriptor&) = delete;
    FileDescriptor& operator=(const FileDescriptor&) = delete;
    int get() const { return fd_; }
    // Closes now, for the error a close can report (a write the disk refused late).
    bool close() {
        const int fd = fd_;
        fd_ = -1;
        return ::close(fd) == 0;
    }

  private:
    int fd_;
};

// Writes `text` to `path` so that a reader sees the old file or the new one, never half,
// and the new one survives a power cut: a temporary file beside it (its name does not end
// in .json, so a reload in between skips it), fsync, rename, fsync of the directory.
// Returns the system's words when it cannot.
std::optional<std::string> write_atomically(const std::string& directory, const std::string& path,
                                            const std::string& text) {
    const std::string temporary = path + ".saving-" + std::to_string(::getpid());
    const auto failed = [&](const char* what) {
        std::string words = std::string(what) + ": " + std::system_category().message(errno);
        ::unlink(temporary.c_str());
        return words;
    };
    FileDescriptor file(::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (file.get() < 0) return failed("cannot create a file in layouts.dir");
    std::size_t written = 0;
    while (written < text.size()) {
        const auto n = ::write(file.get(), text.data() + written, text.size() - written);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return failed("cannot write the file");
        written += static_cast<std::size_t>(n);
    }
    if (::fsync(file.get()) != 0) return failed("cannot flush the file to disk");
    if (!file.close()) return failed("cannot close the file");
    if (::rename(temporary.c_str(), path.c_str()) != 0) return failed("cannot rename the file");
    FileDescriptor dir(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dir.get() >= 0) ::fsync(dir.get());
    return std::nullopt;
}

// Saves one at a time: a save and its reload are one step.
std::mutex& save_mutex() {
    static std::mutex mutex;
    return mutex;
}

// ---- the page ------------------------------------------------------------------------

struct Form {
    std::string from;         // the layout started from, for the chooser
    std::string layout_text;  // as the author has it
    std::string data_text;    // empty: the example
    std::string name;         // to save under; empty: the layout's own
    bool outline = true;
    bool replace = false;
};

struct Notice {
    std::string kind;  // "saved" or "problem"; empty: none
    std::string html;
};

std::string line_numbers(const std::string& text) {
    std::size_t lines = 1;
    for (char c : text) lines += c == '\n' ? 1 : 0;
    std::string out;
    for (std::size_t i = 1; i <= lines; ++i) out += std::to_string(i) + "\n";
    return out;
}

std::string findings_list(const std::vector<Finding>& findings, const std::string& id) {
    std::string s = "<ul class=\"findings\" id=\"" + id + "\">";
    for (const auto& f : findings) {
        s += "<li data-pointer=\"" + html_escape(f.pointer) + "\" data-code=\"" +
             html_escape(f.code) + "\"" +
             (f.line > 0 ? " data-line=\"" + std::to_string(f.line) + "\" data-column=\"" +
                               std::to_string(f.column) + "\""
                         : std::string()) +
             "><code>" + html_escape(f.pointer.empty() ? "/" : f.pointer) + "</code> <span>" +
             html_escape(f.message) + "</span> <small>" + html_escape(f.code) + "</small></li>";
    }
    return s + "</ul>";
}

std::string findings_section(const std::optional<Findings>& findings) {
    std::string s = "<section id=\"findings\" aria-labelledby=\"findings-heading\"";
    if (findings) {
        s += " data-errors=\"" + std::to_string(findings->errors.size()) + "\" data-warnings=\"" +
             std::to_string(findings->warnings.size()) + "\"";
    }
    s += "><h2 id=\"findings-heading\">检查结果 " + en("Checks") +
         "</h2><p id=\"findings-summary\" role=\"status\">";
    if (!findings) {
        s += "尚未检查。" + en("Not checked yet.");
    } else {
        const auto errors = findings->errors.size();
        const auto warnings = findings->warnings.size();
        s += std::to_string(errors) + " 个错误，" + std::to_string(warnings) + " 个警告。" +
             en(std::to_string(errors) + (errors == 1 ? " error, " : " errors, ") +
                std::to_string(warnings) + (warnings == 1 ? " warning." : " warnings."));
    }
    s += "</p><h3>错误 " + en("Errors") + "</h3>" +
         findings_list(findings ? findings->errors : std::vector<Finding>{}, "errors") +
         "<h3>警告 " + en("Warnings") + "</h3>" +
         findings_list(findings ? findings->warnings : std::vector<Finding>{}, "warnings") +
         "</section>";
    return s;
}

std::string start_chooser(const Service& service, const std::string& from) {
    std::string options = "<option value=\"blank\"" +
                          std::string(from == "blank" ? " selected" : "") + ">空白版式 " +
                          "(blank)</option>";
    for (const auto& layout : service.layouts().all()) {
        options += "<option value=\"" + html_escape(layout->name) + "\"" +
                   (layout->name == from ? " selected" : "") + ">" + html_escape(layout->title) +
                   " (" + html_escape(layout->name) + ")</option>";
    }
    return "<form class=\"choose\" action=\"/layouts/designer\" method=\"get\">"
           "<label for=\"from\">从这个版式开始 " +
           en("Start from") + "</label><div class=\"row\"><select id=\"from\" name=\"from\">" +
           options + "</select><button type=\"submit\" class=\"quiet\">打开 " + en("Open") +
           "</button></div><p class=\"hint\">打开另一个版式会丢弃未保存的修改。" +
           en("Opening another layout drops changes not saved.") + "</p></form>\n";
}

Response designer_page(const Service& service, const PageSession& session, const Form& form,
                       const std::optional<Findings>& findings, const Notice& notice, int status) {
    const bool can_save = !service.settings().layouts_dir.empty();
    const bool pdf_js = Poco::File(std::string(kPdfJsDirectory) + "/pdf.js").exists() &&
                        Poco::File(std::string(kPdfJsDirectory) + "/pdf.worker.js").exists();
    std::string main = "<h1>版式设计 " + en("Layout designer") + "</h1>\n";
    main += "<p class=\"lead\">编辑版式的 JSON，右侧即时预览；错误和警告列在编辑框下方。" +
            en("Edit the layout's JSON; the preview beside it follows, and the errors and "
               "warnings are listed below it.") +
            " <a href=\"/v1/layouts\">GET /v1/layouts</a></p>\n";
    if (!notice.kind.empty()) {
        main += "<div class=\"notice " + notice.kind + "\" id=\"notice\" role=\"" +
                (notice.kind == "problem" ? "alert" : "status") + "\">" + notice.html + "</div>\n";
    }
    main += start_chooser(service, form.from);
    main += "<form id=\"designer\" action=\"/layouts/designer\" method=\"post\">" +
            csrf_field(session) + "<input type=\"hidden\" name=\"from\" value=\"" +
            html_escape(form.from) + "\"><div class=\"designer\">";

    // The editor, its findings, the data and saving.
    main +=
        "<section class=\"panel edit\" aria-labelledby=\"edit-heading\"><h2 "
        "id=\"edit-heading\">版式 " +
        en("Layout") + "</h2><label for=\"layout\">版式 JSON " + en("Layout JSON") +
        "</label><div class=\"editor\"><pre class=\"gutter\" id=\"gutter\" "
        "aria-hidden=\"true\">" +
        line_numbers(form.layout_text) +
        "</pre><textarea id=\"layout\" name=\"layout\" rows=\"28\" wrap=\"off\" "
        "spellcheck=\"false\" autocapitalize=\"off\" autocomplete=\"off\" "
        "aria-describedby=\"layout-hint\">" +
        html_escape(form.layout_text) +
        "</textarea></div><p class=\"hint\" id=\"layout-hint\">框的单位是毫米："
        "<code>[x, y, 宽, 高]</code>，从页面左上角量起。" +
        en("Boxes are in millimetres: <code>[x, y, width, height]</code> from the page's "
           "top left corner.") +
        " <a href=\"/v1/layouts/" + html_escape(form.from) + "\">字段 " + en("Fields") + "</a></p>";
    main +=
        "<button type=\"submit\" name=\"action\" value=\"check\" class=\"quiet\" "
        "id=\"check\">检查 " +
        en("Check") + "</button>";
    main += findings_section(findings);
    main += "<label for=\"data\">示例数据 " + en("Sample data") +
            "</label><textarea id=\"data\" name=\"data\" rows=\"8\" wrap=\"off\" "
            "spellcheck=\"false\" aria-describedby=\"data-hint\">" +
            html_escape(form.data_text) +
            "</textarea><p class=\"hint\" id=\"data-hint\">留空时使用自动生成的示例，"
            "每个字段都填到最长。" +
            en("Left empty, the preview fills every field to its longest with a generated "
               "example.") +
            "</p><button type=\"submit\" name=\"action\" value=\"example\" class=\"quiet\" "
            "id=\"example\">填入示例 " +
            en("Fill in the example") + "</button>";
    main += "<fieldset class=\"save\"><legend>保存 " + en("Save") + "</legend>";
    if (can_save) {
        main += "<label for=\"name\">名称 " + en("Name") +
                "</label><input id=\"name\" name=\"name\" type=\"text\" maxlength=\"64\" "
                "spellcheck=\"false\" "
                "autocapitalize=\"off\" aria-describedby=\"name-hint\" value=\"" +
                html_escape(form.name) +
                "\"><p class=\"hint\" id=\"name-hint\">小写字母、数字和连字符，"
                "成为文件名 NAME.json 和 <code>POST /v1/documents/NAME</code>。"
                "留空则用版式中的 name。" +
                en("Lower-case letters, digits and hyphens; it becomes the file NAME.json and "
                   "<code>POST /v1/documents/NAME</code>. Left empty: the layout's own name.") +
                "</p><label class=\"tick\"><input type=\"checkbox\" name=\"replace\" "
                "value=\"yes\" id=\"replace\"" +
                (form.replace ? " checked" : "") + "> 替换之前保存的同名版式 " +
                en("Replace a layout saved before under this name") + "</label>" +
                "<button type=\"submit\" name=\"action\" value=\"save\" id=\"save\">"
                "检查并保存 " +
                en("Check and save") + "</button>";
    } else {
        main += "<p>本服务没有配置版式目录（<code>layouts.dir</code>），只能下载。" +
                en("This service has no layouts directory (<code>layouts.dir</code>): "
                   "download the file instead.") +
                "</p>";
    }
    main +=
        "<button type=\"submit\" name=\"action\" value=\"download\" class=\"quiet\" "
        "id=\"download\">下载 JSON " +
        en("Download the JSON") + "</button></fieldset></section>";

    // The preview.
    main +=
        "<section class=\"panel view\" aria-labelledby=\"preview-heading\"><h2 "
        "id=\"preview-heading\">预览 " +
        en("Preview") +
        "</h2><label class=\"tick\"><input type=\"checkbox\" "
        "id=\"outline\" name=\"outline\" value=\"true\"" +
        (form.outline ? " checked" : "") + "> 标出每个框和它的字段 " +
        en("Frame every box and label it with its field") +
        "</label><button type=\"submit\" name=\"action\" value=\"preview\" "
        "formtarget=\"_blank\" class=\"quiet\" id=\"open-preview\">打开预览 PDF " +
        en("Open the preview PDF") + "</button>";
    if (!pdf_js) {
        main +=
            "<div class=\"notice problem\" id=\"no-pdfjs\"><p>实时预览需要 Debian 的 "
            "libjs-pdf 软件包（pdf.js）。" +
            en("The live preview needs Debian's libjs-pdf package (pdf.js): "
               "<code>apt-get install libjs-pdf</code>. The button above still opens the "
               "PDF.") +
            "</p></div>";
    }
    main += "<p class=\"hint\" id=\"preview-status\" role=\"status\">" +
            std::string(pdf_js ? "启用 JavaScript 时，预览随输入更新。" : "") +
            (pdf_js ? en("With JavaScript on, the preview follows your typing.") : "") +
            "</p><div id=\"preview\" class=\"preview\" data-rendered=\"0\"></div></section>";
    main += "</div></form>\n";

    OfficePage page{.title_cn = "版式设计",
                    .title_en = "Layout designer",
                    .main = main,
                    .session = &session,
                    .wide = true};
    if (pdf_js) page.scripts.emplace_back("/assets/pdfjs/pdf.js");
    page.scripts.emplace_back("/assets/designer.js");
    return office_page(status, page);
}

Form read_form(const std::map<std::string, std::string>& fields) {
    const auto value = [&](const char* name) {
        const auto it = fields.find(name);
        return it == fields.end() ? std::string() : it->second;
    };
    Form form;
    form.from = value("from");
    form.layout_text = value("layout");
    form.data_text = value("data");
    form.name = value("name");
    while (!form.name.empty() && form.name.back() == ' ') form.name.pop_back();
    while (!form.name.empty() && form.name.front() == ' ') form.name.erase(0, 1);
    form.outline = value("outline") == "true";
    form.replace = value("replace") == "yes";
    return form;
}

std::string count_words(std::size_t errors) {
    return std::to_string(errors) + " 个错误。" +
           en(std::to_string(errors) + (errors == 1 ? " error." : " errors."));
}

// ---- actions ---------------------------------------------------------------------------

Response save(Service& service, const PageSession& session, Form form) {
    const std::string& directory = service.settings().layouts_dir;
    auto findings = examine(form.layout_text);
    const auto refuse = [&](int status, const std::string& html) {
        return designer_page(service, session, form, findings, {"problem", html}, status);
    };
    if (directory.empty()) {
        return refuse(409, "<p>没有保存：本服务没有配置版式目录 <code>layouts.dir</code>。" +
                               en("Not saved: this service has no layouts directory "
                                  "(<code>layouts.dir</code>); download the file instead.") +
                               "</p>");
    }
    if (!findings.layout) {
        return refuse(422, "<p>没有保存：版式有 " + count_words(findings.errors.size()) + " " +
                               en("Not saved: the layout has errors; see below.") + "</p>");
    }
    if (form.name.empty()) form.name = findings.layout->name;
    if (!is_safe_name(form.name)) {
        return refuse(422, "<p>没有保存：名称 “" + html_escape(form.name) +
                               "” 只能由小写字母、数字和连字符组成（最多64个）。" +
                               en("Not saved: the name '" + html_escape(form.name) +
                                  "' may hold only lower-case letters, digits and inner "
                                  "hyphens (at most 64); it becomes a file name, never a "
                                  "path.") +
                               "</p>");
    }
    if (renderers::bundled_layout_text(form.name)) {
        return refuse(409, "<p>没有保存：“" + html_escape(form.name) +
                               "” 是内置版式的名称，请换一个名称。" +
                               en("Not saved: '" + html_escape(form.name) +
                                  "' is a built-in layout. Save under a new name; to replace "
                                  "a built-in layout for everyone, an operator puts the file "
                                  "in layouts.dir.") +
                               "</p>");
    }
    std::string text = form.layout_text;
    if (findings.layout->name != form.name) {
        const auto span = top_level_string(text, "name");
        if (!span) {
            return refuse(
                422, "<p>" + en("Not saved: the layout's \"name\" could not be set.") + "</p>");
        }
        text.replace(span->first, span->second - span->first, "\"" + form.name + "\"");
    }

    std::lock_guard lock(save_mutex());
    const std::string path = file_in(directory, form.name);
    const auto previous = read_text(path);
    if (previous && !form.replace) {
        return refuse(409, "<p>没有保存：已经有名为 “" + html_escape(form.name) +
                               "” 的版式。要替换它，请勾选“替换”。" +
                               en("Not saved: a layout named '" + html_escape(form.name) +
                                  "' was saved before. Tick \"Replace\" to save over it.") +
                               "</p>");
    }
    if (const auto failure = write_atomically(directory, path, text)) {
        return refuse(409, "<p>没有保存：版式目录不可写。" +
                               en("Not saved: " + html_escape(*failure) + ".") + "</p>");
    }
    auto reload = service.reload_layouts();
    if (!reload.applied) {
        // Another file in the directory is broken: the set stays as it was, and so does
        // the directory.
        if (previous) {
            write_atomically(directory, path, *previous);
        } else {
            ::unlink(path.c_str());
        }
        std::string items;
        for (const auto& e : reload.errors) {
            items += "<li>" + html_escape(renderers::describe(e)) + "</li>";
        }
        return refuse(409, "<p>没有保存：重新加载版式目录时出错，目录已恢复原样。" +
                               en("Not saved: reloading layouts.dir failed on other files, "
                                  "so the directory was put back as it was.") +
                               "</p><ul class=\"errors\">" + items + "</ul>");
    }
    service.log().event("info", "layout saved from the designer",
                        {{"layout", form.name}, {"key", session.key.name}});
    Response reply =
        office_page(303, {.title_cn = "已保存",
                          .title_en = "Saved",
                          .main = "<p><a href=\"/layouts/designer?from=" + form.name +
                                  "&amp;saved=" + form.name + "\">" + en("Continue") + "</a></p>",
                          .session = &session});
    reply.headers.emplace_back("Location",
                               "/layouts/designer?from=" + form.name + "&saved=" + form.name);
    return reply;
}

// The form's text as JSON, for the preview; a problem page naming the field otherwise.
Poco::Dynamic::Var parsed(const std::string& text, const std::string& field) {
    if (const auto where = find_json_syntax_error(text)) {
        throw ProblemError(
            unprocessable("The " + field + " is not valid JSON.",
                          {{"/" + field, "not-json",
                            "line " + std::to_string(where->line) + ", column " +
                                std::to_string(where->column) + ": " + where->what}}));
    }
    Poco::JSON::Parser parser;
    return parser.parse(text);
}

Response post_form(Service& service, Exchange& ex, const PageSession& session) {
    const auto fields = read_url_form(ex, kMaxForm);
    const auto csrf = fields.find("csrf");
    require_csrf(ex, session, csrf == fields.end() ? std::string_view() : csrf->second);
    const auto action_field = fields.find("action");
    const std::string action = action_field == fields.end() ? "check" : action_field->second;
    Form form = read_form(fields);

    if (action == "preview") {
        Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
        body->set("layout", parsed(form.layout_text, "layout"));
        if (form.data_text.find_first_not_of(" \t\r\n") != std::string::npos) {
            body->set("data", parsed(form.data_text, "data"));
        }
        return layout_preview(body, form.outline);
    }
    if (action == "download") {
        std::string name = form.name;
        if (!is_safe_name(name)) {
            const auto check = examine(form.layout_text);
            name = check.layout && is_safe_name(check.layout->name) ? check.layout->name : "layout";
        }
        Response reply = Response::text(form.layout_text, "application/json; charset=utf-8");
        reply.headers.emplace_back("Content-Disposition",
                                   content_disposition("attachment", name + ".json"));
        reply.headers.emplace_back("Cache-Control", "private, no-store");
        return reply;
    }
    if (action == "save") return save(service, session, std::move(form));

    auto findings = examine(form.layout_text);
    if (action == "example" && findings.layout) {
        form.data_text = pretty_json(renderers::example_data(*findings.layout));
    }
    const int status = findings.layout ? 200 : 422;
    return designer_page(service, session, form, findings, {}, status);
}

Response get_page(Service& service, Exchange& ex, const PageSession& session) {
    Form form;
    form.from = ex.query("from").value_or(std::string(kDefaultStart));
    const auto text = layout_source(service, form.from);
    if (!text) {
        throw ProblemError(not_found("There is no layout named '" + form.from +
                                     "' to start from; choose one on /layouts/designer."));
    }
    form.layout_text = *text;
    Notice notice;
    if (const auto saved = ex.query("saved"); saved && is_safe_name(*saved)) {
        form.name = *saved;
        notice = {"saved", "<p>已保存为 <b>" + html_escape(*saved) +
                               "</b>，服务已重新加载，立即可用：" +
                               en("Saved as <b>" + html_escape(*saved) +
                                  ".json</b> in layouts.dir and reloaded; the service renders "
                                  "it now:") +
                               " <code>POST /v1/documents/" + html_escape(*saved) + "</code></p>"};
    }
    return designer_page(service, session, form, examine(form.layout_text), notice, 200);
}

// The live check: the layout's text as the body (it may not parse: that is a finding).
Response check_json(Exchange& ex, const PageSession& session) {
    require_csrf(ex, session, ex.header("X-CSRF-Token"));
    const std::string text = ex.read_body();
    const auto findings = examine(text);
    Poco::JSON::Object reply(Poco::JSON_PRESERVE_KEY_ORDER);
    reply.set("valid", findings.layout.has_value());
    reply.set("name", findings.layout ? findings.layout->name : std::string());
    reply.set("errors", findings_json(findings.errors));
    reply.set("warnings", findings_json(findings.warnings));
    if (findings.layout) reply.set("example", renderers::example_data(*findings.layout));
    std::ostringstream out;
    reply.stringify(out);
    Response response = Response::json(out.str());
    response.headers.emplace_back("Cache-Control", "private, no-store");
    return response;
}

Response pdf_js_file(Exchange& ex) {
    const std::string& name = ex.param("file");
    if (name != "pdf.js" && name != "pdf.worker.js") {
        throw ProblemError(not_found("Only pdf.js and pdf.worker.js are served here."));
    }
    const std::string path = std::string(kPdfJsDirectory) + "/" + name;
    Poco::File file(path);
    if (!file.exists()) {
        throw ProblemError(
            not_found("pdf.js is not installed on this server: the designer's "
                      "live preview needs Debian's libjs-pdf package."));
    }
    Response reply;
    reply.content_type = "text/javascript; charset=utf-8";
    reply.file = path;
    reply.file_length = file.getSize();
    reply.add_asset_headers();
    return reply;
}

}  // namespace

void add_layout_designer_routes(Service& service) {
    Router& r = service.router();
    r.add(office_route(service, "GET", "/layouts/designer", "admin",
                       [&service](Exchange& ex, const PageSession& session) {
                           return get_page(service, ex, session);
                       }));
    r.add(office_route(
        service, "POST", "/layouts/designer", "admin",
        [&service](Exchange& ex, const PageSession& session) {
            return post_form(service, ex, session);
        },
        kMaxForm));
    // The script's two routes answer problem+json, which it reads, rather than pages.
    Route check = office_route(
        service, "POST", "/layouts/designer/check", "admin",
        [](Exchange& ex, const PageSession& session) { return check_json(ex, session); }, kMaxForm);
    check.problem_page = nullptr;
    r.add(std::move(check));
    Route preview = office_route(
        service, "POST", "/layouts/designer/preview", "admin",
        [](Exchange& ex, const PageSession& session) {
            require_csrf(ex, session, ex.header("X-CSRF-Token"));
            const std::string body = ex.read_body();
            if (const auto where = find_json_syntax_error(body)) {
                throw ProblemError(bad_request("The body is not valid JSON: " + where->what));
            }
            Poco::JSON::Parser parser;
            return layout_preview(parser.parse(body), ex.query("outline") == "true");
        },
        kMaxForm);
    preview.problem_page = nullptr;
    r.add(std::move(preview));
    r.add({"GET", "/assets/designer.js", [](Exchange&) {
               return Response::asset(std::string(embedded::designer_js()),
                                      "text/javascript; charset=utf-8");
           }});
    r.add({"GET", "/assets/pdfjs/{file}", pdf_js_file});
}

}  // namespace examdocs::service
