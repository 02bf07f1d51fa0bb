// The clerk's page in real headless Chromium, as an exam office uses it: sign in with a
// key, upload a workbook written by openpyxl and a ZIP of photos, type the defaults, start,
// wait for the job on the page (reloading itself with scripts off, updated by print.js
// with them on), read the refused record in the table, download the PDF and count its
// pages. Every page seen is checked with axe-core (WCAG 2.1 A and AA) at the width it was
// seen (390 px and 1280 px), for a page wider than its screen, a focus without an outline,
// and anything the CSP refused. tests/browser/run_session.mjs does the driving.
// Screenshots: samples/print-*.png with EXAMDOCS_UPDATE_SAMPLES=1.
#include <Poco/File.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Path.h>
#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <Poco/TemporaryFile.h>
#include <Poco/Zip/Compress.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <vector>

#include "support/pdf_reader.h"
#include "support/running_service.h"
#include "support/samples.h"

namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

const std::string kClerkKey = "exd_clerk-key-for-the-browser-test-0001";
const std::string kReaderKey = "exd_reader-key-for-the-browser-test-0002";

// One person's session: steps in one browser context, so its cookies carry over.
struct Session {
    std::string name;
    bool java_script = true;
    int width = 1280, height = 900;
    Array::Ptr steps = new Array;

    Session& step(const std::string& kind, const std::string& value) {
        Object::Ptr s = new Object;
        s->set(kind, value);
        steps->add(s);
        return *this;
    }
    Session& go(const std::string& url) { return step("goto", url); }
    Session& click(const std::string& selector) { return step("click", selector); }
    Session& fill(const std::string& selector, const std::string& value) {
        Object::Ptr s = new Object;
        s->set("fill", selector);
        s->set("value", value);
        steps->add(s);
        return *this;
    }
    Session& upload(const std::string& selector, const std::string& file) {
        Object::Ptr s = new Object;
        s->set("upload", selector);
        s->set("file", file);
        steps->add(s);
        return *this;
    }
    Session& wait_for(const std::string& selector) { return step("waitFor", selector); }
    Session& download(const std::string& selector, const std::string& file) {
        Object::Ptr s = new Object;
        s->set("download", selector);
        s->set("file", file);
        steps->add(s);
        return *this;
    }
    Session& resize(int w, int h) {
        Object::Ptr s = new Object;
        Array::Ptr size = new Array;
        size->add(w);
        size->add(h);
        s->set("viewport", size);
        steps->add(s);
        return *this;
    }
    Session& check(const std::string& label, const std::string& screenshot = "") {
        Object::Ptr s = new Object;
        s->set("check", label);
        s->set("screenshot", screenshot);
        steps->add(s);
        return *this;
    }
};

struct Check {
    std::string url, html, focus_outline;
    int status = 0, scroll_width = 0, viewport_width = 0;
    std::map<std::string, std::string> headers;
    std::vector<std::string> violations;
};

struct SessionReport {
    std::string error;
    std::map<std::string, Check> checks;
    std::vector<std::pair<std::string, std::string>> downloads;  // file, suggested name
    std::vector<std::string> refused;
};

std::map<std::string, SessionReport> run_sessions(const std::vector<Session>& sessions) {
    Array::Ptr list = new Array;
    for (const auto& s : sessions) {
        Object::Ptr o = new Object;
        o->set("name", s.name);
        o->set("javaScript", s.java_script);
        Array::Ptr size = new Array;
        size->add(s.width);
        size->add(s.height);
        o->set("viewport", size);
        o->set("steps", s.steps);
        list->add(o);
    }
    Object plan;
    plan.set("chromium", "/usr/bin/chromium");
    plan.set("sessions", list);
    Poco::TemporaryFile plan_file, report_file;
    {
        std::ofstream out(plan_file.path());
        plan.stringify(out);
    }
    Poco::Process::Env env;
    env["NODE_PATH"] = std::string(EXAMDOCS_BROWSER_TOOLS) + "/node_modules";
    Poco::Pipe out_pipe;
    Poco::ProcessHandle handle =
        Poco::Process::launch("/usr/bin/node",
                              {examdocs::test::source_path("tests/browser/run_session.mjs"),
                               plan_file.path(), report_file.path()},
                              EXAMDOCS_BROWSER_TOOLS, nullptr, &out_pipe, &out_pipe, env);
    Poco::PipeInputStream out(out_pipe);
    const std::string output((std::istreambuf_iterator<char>(out)),
                             std::istreambuf_iterator<char>());
    const int rc = handle.wait();
    std::map<std::string, SessionReport> reports;
    if (rc != 0) {
        ADD_FAILURE() << "run_session.mjs exited " << rc << ":\n" << output;
        return reports;
    }
    std::ifstream in(report_file.path());
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto array = Poco::JSON::Parser().parse(text).extract<Array::Ptr>();
    for (std::size_t i = 0; i < array->size(); ++i) {
        auto o = array->getObject(static_cast<unsigned>(i));
        SessionReport r;
        r.error = o->optValue<std::string>("error", "");
        auto checks = o->getArray("checks");
        for (std::size_t c = 0; c < checks->size(); ++c) {
            auto co = checks->getObject(static_cast<unsigned>(c));
            Check check;
            check.url = co->optValue<std::string>("url", "");
            check.html = co->optValue<std::string>("html", "");
            check.status = co->optValue<int>("status", 0);
            check.scroll_width = co->optValue<int>("scrollWidth", 0);
            check.viewport_width = co->optValue<int>("viewportWidth", 0);
            check.focus_outline = co->optValue<std::string>("focusOutline", "");
            if (auto headers = co->getObject("headers")) {
                for (const auto& [k, v] : *headers) check.headers[k] = v.toString();
            }
            auto violations = co->getArray("violations");
            for (std::size_t j = 0; violations && j < violations->size(); ++j) {
                auto v = violations->getObject(static_cast<unsigned>(j));
                std::ostringstream line;
                line << v->getValue<std::string>("id") << " (" << v->getValue<std::string>("help")
                     << "): ";
                auto nodes = v->getArray("nodes");
                for (std::size_t n = 0; n < nodes->size(); ++n)
                    line << nodes->getElement<std::string>(static_cast<unsigned>(n)) << "; ";
                check.violations.push_back(line.str());
            }
            r.checks[co->getValue<std::string>("name")] = std::move(check);
        }
        auto downloads = o->getArray("downloads");
        for (std::size_t d = 0; downloads && d < downloads->size(); ++d) {
            auto dl = downloads->getObject(static_cast<unsigned>(d));
            r.downloads.emplace_back(dl->getValue<std::string>("file"),
                                     dl->getValue<std::string>("suggested"));
        }
        if (auto refused = o->getArray("refused")) {
            for (std::size_t j = 0; j < refused->size(); ++j)
                r.refused.push_back(refused->getElement<std::string>(static_cast<unsigned>(j)));
        }
        reports[o->getValue<std::string>("name")] = std::move(r);
    }
    return reports;
}

bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// The photos as an office has them: a ZIP with a folder of JPEGs, which the workbook's
// @photos/… cells name.
std::string photos_zip(const std::string& dir) {
    const std::string path = dir + "/照片.zip";
    std::ofstream out(path, std::ios::binary);
    Poco::Zip::Compress compress(out, true);
    for (const char* photo : {"good_295x413.jpg", "good_413x579.jpg"}) {
        compress.addFile(
            Poco::Path(examdocs::test::source_path("samples/photos/" + std::string(photo))),
            Poco::Path(std::string("photos/") + photo));
    }
    compress.close();
    return path;
}

// What a clerk does from the sign-in page to a started job: the workbook, the photos and
// the defaults the list does not hold.
Session& sign_in_and_upload(Session& s, const std::string& workbook, const std::string& photos,
                            const std::string& exam_title) {
    s.fill("#key", kClerkKey).click("form[action='/sign-in'] button");
    s.upload("#records", workbook).upload("#photos", photos);
    s.fill("#d-exam-title", exam_title)
        .fill("#d-centre-name", "天津市职业技能鉴定第一考点")
        .fill("#d-centre-address", "天津市南开区卫津路94号")
        .fill("#d-organizer", "天津市软件行业协会")
        .fill("#d-notes", "请携带身份证原件。\n考前30分钟到达考点。");
    return s;
}

TEST(PrintPage, AClerkGoesFromAWorkbookAndAZipOfPhotosToAPrintedPdf) {
    examdocs::test::RunningService service([](examdocs::service::Settings& s) {
        s.api_keys = "clerk:" + examdocs::test::sha256_hex(kClerkKey) +
                     ":print,reader:" + examdocs::test::sha256_hex(kReaderKey) + ":read";
    });
    const std::string base = "http://127.0.0.1:" + std::to_string(service.port());
    Poco::TemporaryFile work;
    work.createDirectories();
    const std::string workbook = EXAMDOCS_XLSX_DIR "/clerk.xlsx";
    const std::string photos = photos_zip(work.path());

    // NOLINTNEXTLINE(concurrency-mt-unsafe): read once, no thread changes the environment
    const bool update = std::getenv("EXAMDOCS_UPDATE_SAMPLES") != nullptr;
    const std::string shots = update ? examdocs::test::source_path("samples") : work.path();
    auto shot = [&](const std::string& name) { return shots + "/" + name + ".png"; };

    std::vector<Session> sessions;
    // On a phone with scripts off: every step is a plain form, the job page reloads itself.
    Session phone{"phone", false, 390, 844};
    phone.go(base + "/print").check("sign-in", shot("print-sign-in-phone"));
    sign_in_and_upload(phone, workbook, photos, "2026年第二批职业技能等级认定（手机）");
    phone.click("#upload button[type='submit']")
        .wait_for("#job[data-state='done']")
        .check("job", shot("print-job-phone"))
        .download("#download", work.path() + "/phone.pdf");
    sessions.push_back(phone);

    // On a desk with scripts on: print.js updates the job in place.
    Session desk{"desk", true, 1280, 900};
    desk.go(base + "/print");
    sign_in_and_upload(desk, workbook, photos, "2026年第二批职业技能等级认定");
    desk.check("form", shot("print-form-desktop"))
        .click("#upload button[type='submit']")
        .wait_for("#job[data-state='done']")
        .check("job", shot("print-job-desktop"))
        .download("#download", work.path() + "/desk.pdf")
        .resize(390, 844)
        .go(base + "/print")
        .check("form-phone", shot("print-form-phone"));
    sessions.push_back(desk);

    // A key without the right print signs in and is told so.
    Session reader{"reader", true, 390, 844};
    reader.go(base + "/print").fill("#key", kReaderKey).click("form[action='/sign-in'] button");
    reader.check("forbidden");
    sessions.push_back(reader);

    auto reports = run_sessions(sessions);
    ASSERT_EQ(reports.size(), sessions.size());

    for (auto& [name, report] : reports) {
        SCOPED_TRACE(name);
        ASSERT_EQ(report.error, "");
        for (const auto& refusal : report.refused) ADD_FAILURE() << "refused: " << refusal;
        for (auto& [check_name, c] : report.checks) {
            SCOPED_TRACE(check_name);
            EXPECT_TRUE(has(c.html, "<html lang=\"zh-CN\"")) << c.html;
            for (const auto& violation : c.violations) ADD_FAILURE() << violation;
            EXPECT_LE(c.scroll_width, c.viewport_width) << "wider than the screen";
            EXPECT_TRUE(has(c.focus_outline, "solid")) << "no visible focus: " << c.focus_outline;
            EXPECT_TRUE(has(c.headers["content-security-policy"], "frame-ancestors 'none'"));
            EXPECT_EQ(c.headers["cache-control"], "private, no-store");
        }
    }

    // Scripts off: the sign-in page came first, then the job page reached "done" by
    // reloading itself, with the refused record in the table.
    auto& p = reports["phone"];
    EXPECT_TRUE(has(p.checks["sign-in"].url, "/sign-in?next=%2Fprint"));
    EXPECT_TRUE(has(p.checks["sign-in"].html, "type=\"password\""));
    const std::string& job = p.checks["job"].html;
    EXPECT_TRUE(has(p.checks["job"].url, "/print/jobs/"));
    EXPECT_TRUE(has(job, "已完成"));
    EXPECT_TRUE(has(job, "<dd id=\"printed\">11</dd>")) << job;
    EXPECT_TRUE(has(job, "<dd id=\"refused-count\">1</dd>"));
    // The refused record: its row in the sheet (the sixth candidate, under the header),
    // the field with its label, and the reason.
    EXPECT_TRUE(has(job, "<tr><td>7</td><td>证件号码 <code>/candidate/<wbr>idNumber</code>"))
        << job;
    EXPECT_TRUE(has(job, "校验位不正确")) << job;

    // Scripts on: the page was not reloaded but updated, and said so in its status line.
    auto& d = reports["desk"];
    EXPECT_TRUE(has(d.checks["job"].html, "role=\"status\"")) << d.checks["job"].html;
    EXPECT_TRUE(has(d.checks["job"].html, "<dd id=\"printed\">11</dd>"));
    // The recent jobs list the phone's job, and the desk's once it is made.
    EXPECT_TRUE(has(d.checks["form"].html, "最近的任务"));
    EXPECT_TRUE(has(d.checks["form"].html, "已完成"));

    // Both downloads are the PDF of the 11 printed records, named as the document is.
    ASSERT_EQ(p.downloads.size(), 1U);
    ASSERT_EQ(d.downloads.size(), 1U);
    for (const auto& [file, suggested] : {p.downloads[0], d.downloads[0]}) {
        SCOPED_TRACE(file);
        EXPECT_EQ(suggested.rfind("准考证-", 0), 0U) << suggested;
        EXPECT_EQ(suggested.substr(suggested.size() - 4), ".pdf");
        const auto facts = examdocs::test::read_pdf(examdocs::test::read_file(file));
        EXPECT_EQ(facts.pages, 11);
        // What the form gave is on every ticket.
        EXPECT_TRUE(has(facts.all_text, "天津市职业技能鉴定第一考点"));
        EXPECT_TRUE(has(facts.all_text, "请携带身份证原件。"));
    }
    const auto phone_pdf =
        examdocs::test::read_pdf(examdocs::test::read_file(p.downloads[0].first));
    EXPECT_TRUE(has(phone_pdf.all_text, "（手机）"));

    auto& r = reports["reader"];
    EXPECT_EQ(r.checks["forbidden"].status, 403);
    EXPECT_TRUE(has(r.checks["forbidden"].html, "print"));
    EXPECT_TRUE(has(r.checks["forbidden"].html, "Sign in with another key"));
}

}  // namespace
