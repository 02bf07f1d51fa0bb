// The clerk's page in real headless Chromium, as an exam office uses it: sign in with a
// key, upload a workbook written by openpyxl and a ZIP of photos, type the defaults, start,
// wait for the job on the page (reloading itself with scripts off, updated by print.js
// with them on), read the refused record in the table, download the PDF and count its
// pages. Every page seen is checked with axe-core (WCAG 2.1 A and AA) at the width it was
// seen (390 px and 1280 px), for a page wider than its screen, a focus without an outline,
// and anything the CSP refused. tests/browser/run_session.mjs does the driving.
// Screenshots: samples/print-*.png with EXAMDOCS_UPDATE_SAMPLES=1.
#include <Poco/File.h>
#include <Poco/Path.h>
#include <Poco/TemporaryFile.h>
#include <Poco/Zip/Compress.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <vector>

#include "office_session.h"
#include "support/pdf_reader.h"
#include "support/running_service.h"
#include "support/samples.h"

namespace {

using examdocs::test::has;
using examdocs::test::run_sessions;
using examdocs::test::Session;

const std::string kClerkKey = "exd_clerk-key-for-the-browser-test-0001";
const std::string kReaderKey = "exd_reader-key-for-the-browser-test-0002";

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
