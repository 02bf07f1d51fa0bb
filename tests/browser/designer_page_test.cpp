// The layout designer in real headless Chromium, as an author uses it: sign in with an
// admin key, start from the admission ticket, move the photo, add a field to the schema
// (the lint warns that nothing shows it) and then an element that shows it (the warning
// goes), watching the warnings and the pdf.js preview follow; select a warning's place in
// the text; save under a new name; and the service renders the new layout at once, over
// plain HTTP, without a restart. With scripts off the form still checks and refuses a
// name that is not a file name; a key with only render gets the 403 page. Every page
// seen is checked with axe-core at the width it was seen (1280 px and 390 px), for a page
// wider than its screen, and for anything the CSP refused (pdf.js runs its worker from
// our origin). One Chromium for the whole story (tests/browser/office_session.h).
// Screenshots: samples/designer-*.png with EXAMDOCS_UPDATE_SAMPLES=1.
#include <Poco/File.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/TemporaryFile.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "examdocs/fonts/font_set.h"
#include "examdocs/renderers/layout_catalog.h"
#include "examdocs/renderers/layout_lint.h"
#include "office_session.h"
#include "support/http_client.h"
#include "support/pdf_reader.h"
#include "support/running_service.h"
#include "support/samples.h"

namespace {

using examdocs::test::has;
using examdocs::test::run_sessions;
using examdocs::test::Session;

const std::string kAuthorKey = "exd_author-key-for-the-designer-test-0001";
const std::string kRendererKey = "exd_renderer-key-for-the-designer-test-002";

std::string replaced(std::string text, const std::string& from, const std::string& to) {
    const auto at = text.find(from);
    if (at == std::string::npos) {
        ADD_FAILURE() << "the admission ticket no longer has " << from;
        return text;
    }
    return text.replace(at, from.size(), to);
}

std::vector<std::string> warning_messages(const std::string& layout) {
    const auto check =
        examdocs::renderers::check_layout(layout, examdocs::fonts::bundled_font_set());
    EXPECT_TRUE(check.layout.has_value()) << layout;
    std::vector<std::string> out;
    for (const auto& w : check.warnings) out.push_back(w.pointer + " " + w.message);
    return out;
}

// The share of a page's pixels the preview's first canvas drew in ink (not white), and
// in the outline's red.
const std::string kInk =
    "(() => { const c = document.querySelector('#preview canvas'); if (!c) return [0, 0];"
    " const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
    " let ink = 0, red = 0;"
    " for (let i = 0; i < d.length; i += 4) {"
    "   if (d[i] < 200 || d[i + 1] < 200 || d[i + 2] < 200) ink++;"
    "   if (d[i] > 150 && d[i + 1] < 90 && d[i + 2] < 90) red++; }"
    " return [ink / (d.length / 4), red / (d.length / 4)]; })()";

TEST(DesignerPage, AnAuthorMovesThePhotoAddsAFieldAndTheSavedLayoutServesAtOnce) {
    Poco::TemporaryFile layouts_dir;
    layouts_dir.createDirectories();
    examdocs::test::RunningService service([&](examdocs::service::Settings& s) {
        s.api_keys = "author:" + examdocs::test::sha256_hex(kAuthorKey) +
                     ":admin+render,renderer:" + examdocs::test::sha256_hex(kRendererKey) +
                     ":render";
        s.layouts_dir = layouts_dir.path();
    });
    const std::string base = "http://127.0.0.1:" + std::to_string(service.port());

    // What the author types, step by step.
    const std::string original(*examdocs::renderers::bundled_layout_text("admission-ticket"));
    const std::string photo_before = R"("box": [165, 60, 25, 35])";
    const std::string photo_after = R"("box": [163, 62, 27, 36])";
    const std::string moved = replaced(original, photo_before, photo_after);
    const std::string field =
        R"({ "pointer": "/candidate/employer", "label": "工作单位", "maxLength": 30 },)";
    const std::string with_field =
        replaced(moved, R"("fields": [)", std::string(R"("fields": [)") + "\n    " + field);
    const std::string element =
        R"({ "type": "text", "value": "/candidate/employer", "box": [80, 132, 115, 8], "size": 9, "minSize": 7 },)";
    const std::string shown =
        replaced(with_field, R"({ "type": "text", "text": "考试安排")",
                 element + "\n        " + R"({ "type": "text", "text": "考试安排")");
    const auto warnings_moved = warning_messages(moved);
    const auto warnings_with_field = warning_messages(with_field);
    const auto warnings_shown = warning_messages(shown);
    // The schema-only field is what the lint finds new; showing it takes the warning away.
    std::vector<std::string> new_warnings;
    for (const auto& w : warnings_with_field) {
        if (std::find(warnings_moved.begin(), warnings_moved.end(), w) == warnings_moved.end())
            new_warnings.push_back(w);
    }
    ASSERT_EQ(new_warnings.size(), 1U);
    ASSERT_TRUE(has(new_warnings[0], "/fields/0")) << new_warnings[0];
    ASSERT_EQ(warnings_shown.size(), warnings_moved.size());

    // NOLINTNEXTLINE(concurrency-mt-unsafe): read once, no thread changes the environment
    const bool update = std::getenv("EXAMDOCS_UPDATE_SAMPLES") != nullptr;
    Poco::TemporaryFile work;
    work.createDirectories();
    const std::string shots = update ? examdocs::test::source_path("samples") : work.path();
    auto shot = [&](const std::string& name) { return shots + "/" + name + ".png"; };
    auto warnings_are = [](std::size_t n) {
        return "#findings[data-state='checked'][data-warnings='" + std::to_string(n) + "']";
    };
    // Each change of the text marks the preview "changed" at once (designer.js), so this
    // is met by the drawing of what was typed last, not by one still on the way.
    const std::string drawn = "#preview[data-state='drawn']";

    // The sample data the author types: the admission ticket's sample request (an empty
    // box previews the generated example: DesignerPage.EveryBundledLayoutPreviewsItsExample).
    const std::string sample =
        examdocs::test::read_file(examdocs::test::source_path("samples/admission-ticket.json"));

    std::vector<Session> sessions;
    Session author{"author", true, 1280, 900};
    author.go(base + "/layouts/designer")
        .fill("#key", kAuthorKey)
        .click("form[action='/sign-in'] button")
        .fill("#data", sample)
        .wait_for(drawn)
        .check("start", shot("designer-start"))
        .fill("#layout", moved)
        .wait_for(drawn)
        .fill("#layout", with_field)
        .wait_for(warnings_are(warnings_with_field.size()))
        .wait_for(drawn)
        .evaluate("warnings-with-field", "document.getElementById('warnings').textContent")
        .press("#warnings li[data-code='field-not-shown'] button")
        .evaluate("selected",
                  "(() => { const t = document.getElementById('layout');"
                  " return t.value.slice(t.selectionStart, t.selectionEnd); })()")
        .fill("#layout", shown)
        .wait_for(warnings_are(warnings_shown.size()))
        .wait_for(drawn)
        .evaluate("warnings-shown", "document.getElementById('warnings').textContent")
        .evaluate("ink", kInk)
        .check("edited", shot("designer-edited"))
        .fill("#name", "my-ticket")
        .click("#save")
        .fill("#data", sample)
        .wait_for(drawn)
        .check("saved", shot("designer-saved"))
        .resize(390, 844)
        .go(base + "/layouts/designer?from=my-ticket")
        .fill("#data", sample)
        .wait_for(drawn)
        .check("phone", shot("designer-phone"));
    sessions.push_back(author);

    // Scripts off: the buttons post the form; the page answers with the checks.
    Session plain{"plain", false, 1280, 900};
    plain.go(base + "/layouts/designer")
        .fill("#key", kAuthorKey)
        .click("form[action='/sign-in'] button")
        .fill("#layout", replaced(original, photo_before, R"("box": [190, 60, 25, 35])"))
        .click("#check")
        .check("refused")
        .fill("#layout", moved)
        .fill("#name", "../../etc/passwd")
        .click("#save")
        .check("bad-name")
        .fill("#name", "admission-ticket")
        .click("#save")
        .check("built-in");
    sessions.push_back(plain);

    // A key with only render signs in and is told the page needs admin.
    Session renderer{"renderer", true, 390, 844};
    renderer.go(base + "/layouts/designer")
        .fill("#key", kRendererKey)
        .click("form[action='/sign-in'] button")
        .check("forbidden");
    sessions.push_back(renderer);

    auto reports = run_sessions(sessions);
    ASSERT_EQ(reports.size(), sessions.size());
    for (auto& [name, report] : reports) {
        SCOPED_TRACE(name);
        ASSERT_EQ(report.error, "");
        for (const auto& refusal : report.refused) ADD_FAILURE() << "refused: " << refusal;
        for (auto& [check_name, c] : report.checks) {
            SCOPED_TRACE(check_name);
            for (const auto& violation : c.violations) ADD_FAILURE() << violation;
            EXPECT_LE(c.scroll_width, c.viewport_width) << "wider than the screen";
            EXPECT_TRUE(has(c.headers["content-security-policy"], "worker-src 'self'"));
            EXPECT_TRUE(has(c.focus_outline, "solid")) << "no visible focus: " << c.focus_outline;
        }
    }

    auto& a = reports["author"];
    EXPECT_EQ(a.checks["start"].status, 200);
    EXPECT_TRUE(has(a.checks["start"].html, "版式设计"));
    // The warnings followed the text: the field only in the schema was named, with the
    // lint's words, and once an element showed it the list was the moved layout's again.
    EXPECT_TRUE(has(a.values["warnings-with-field"], "field-not-shown"))
        << a.values["warnings-with-field"];
    EXPECT_FALSE(has(a.values["warnings-shown"], "field-not-shown")) << a.values["warnings-shown"];
    // Clicking the warning selected the field's entry in the text.
    EXPECT_TRUE(has(a.values["selected"], "/candidate/employer")) << a.values["selected"];
    // The preview was drawn: ink on the page, and the outline's red frames.
    ASSERT_FALSE(a.values["ink"].empty());
    const auto ink = Poco::JSON::Parser().parse(a.values["ink"]).extract<Poco::JSON::Array::Ptr>();
    EXPECT_GT(ink->getElement<double>(0), 0.02) << a.values["ink"];
    EXPECT_GT(ink->getElement<double>(1), 0.001) << a.values["ink"];
    // Saved: the page says so, and the file is in layouts.dir under the new name.
    EXPECT_TRUE(has(a.checks["saved"].url, "saved=my-ticket")) << a.checks["saved"].url;
    EXPECT_TRUE(has(a.checks["saved"].html, "POST /v1/documents/my-ticket"));
    const std::string saved = examdocs::test::read_file(layouts_dir.path() + "/my-ticket.json");
    EXPECT_TRUE(has(saved, R"("name": "my-ticket")")) << saved.substr(0, 200);
    EXPECT_TRUE(has(saved, photo_after));
    EXPECT_TRUE(has(saved, "/candidate/employer"));

    // Served without a restart: the new kind renders the new field.
    auto data =
        examdocs::test::sample_request("admission-ticket").extract<Poco::JSON::Object::Ptr>();
    data->getObject("candidate")->set("employer", "天津市第一机床厂");
    std::ostringstream body;
    data->stringify(body);
    const auto reply = examdocs::test::http_request(
        service.port(), "POST", "/v1/documents/my-ticket", body.str(),
        {{"Authorization", "Bearer " + kRendererKey}, {"Content-Type", "application/json"}});
    ASSERT_EQ(reply.status, 200) << reply.body;
    EXPECT_EQ(reply.content_type, "application/pdf");
    EXPECT_TRUE(has(examdocs::test::read_pdf(reply.body).all_text, "天津市第一机床厂"));

    auto& p = reports["plain"];
    EXPECT_EQ(p.checks["refused"].status, 422);
    EXPECT_TRUE(has(p.checks["refused"].html, "outside-page")) << p.checks["refused"].html;
    EXPECT_TRUE(has(p.checks["refused"].html, "/pages/0/elements/"));
    EXPECT_EQ(p.checks["bad-name"].status, 422);
    EXPECT_TRUE(has(p.checks["bad-name"].html, "never a path"));
    EXPECT_EQ(p.checks["built-in"].status, 409);
    EXPECT_TRUE(has(p.checks["built-in"].html, "is a built-in layout"));
    EXPECT_FALSE(Poco::File(layouts_dir.path() + "/admission-ticket.json").exists());

    auto& r = reports["renderer"];
    EXPECT_EQ(r.checks["forbidden"].status, 403);
    EXPECT_TRUE(has(r.checks["forbidden"].html, "admin"));
}

}  // namespace

// An author who opens a bundled layout and types no data sees it filled with the generated
// example, every field at its longest, not an error: the preview is drawn for each.
TEST(DesignerPage, EveryBundledLayoutPreviewsItsExample) {
    examdocs::test::RunningService service([&](examdocs::service::Settings& s) {
        s.api_keys = "author:" + examdocs::test::sha256_hex(kAuthorKey) + ":admin+render";
    });
    const std::string base = "http://127.0.0.1:" + std::to_string(service.port());
    // NOLINTNEXTLINE(concurrency-mt-unsafe): read once, no thread changes the environment
    const bool update = std::getenv("EXAMDOCS_UPDATE_SAMPLES") != nullptr;
    Poco::TemporaryFile work;
    work.createDirectories();
    const std::string shots = update ? examdocs::test::source_path("samples") : work.path();

    // The first layout is opened as an author opens one (?from=, through the sign-in page,
    // which leads back to it); the others are pasted into the same page, which checks and
    // draws them as it does an opened one: one page and one pdf.js worker for the walk
    // instead of a page load (~2 CPU-s of Chromium) per layout.
    Session author{"author", true, 1280, 900};
    std::vector<std::string> names;
    const std::string settled =
        "#preview[data-state='drawn'], #preview[data-state='failed'], "
        "#preview[data-state='invalid']";
    for (const auto& layout : examdocs::renderers::LayoutCatalog::bundled().all()) {
        if (names.empty()) {
            author.go(base + "/layouts/designer?from=" + layout->name)
                .fill("#key", kAuthorKey)
                .click("form[action='/sign-in'] button")
                .evaluate("opened", "JSON.parse(document.getElementById('layout').value).name");
        } else {
            author.paste("#layout",
                         std::string(*examdocs::renderers::bundled_layout_text(layout->name)));
        }
        names.push_back(layout->name);
        author.wait_for(settled).evaluate(
            layout->name,
            "document.getElementById('preview').dataset.state + ' ' + "
            "document.getElementById('preview-status').textContent");
        // The longest example of the three kinds an exam office prints most, as seen.
        if (layout->name == "admission-ticket" || layout->name == "certificate" ||
            layout->name == "score-notice") {
            author.check(layout->name, shots + "/designer-example-" + layout->name + ".png");
        }
    }
    auto reports = run_sessions({author});
    ASSERT_EQ(reports.size(), 1U);
    auto& a = reports["author"];
    ASSERT_EQ(a.error, "");
    // (values come JSON-encoded: a string in quotes)
    EXPECT_EQ(a.values["opened"], "\"" + names.front() + "\"");
    for (const auto& name : names) {
        EXPECT_TRUE(has(a.values[name], "drawn")) << name << ": " << a.values[name];
    }
}
