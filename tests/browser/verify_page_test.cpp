// The verification page in real headless Chromium (Debian's chromium package, driven by
// playwright-core), as a phone would open it: every state a person can reach, with
// scripts off (the page must not need them), checked with axe-core against WCAG 2.1 A
// and AA at 390 and 320 px wide. tests/browser/visit_pages.mjs does the driving; this
// file plans the visits and judges what came back.
#include <Poco/DateTime.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/File.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <Poco/TemporaryFile.h>
#include <Poco/Timespan.h>
#include <gtest/gtest.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <vector>

#include "examdocs/certificates/certificate_request.h"
#include "examdocs/core/problem.h"
#include "examdocs/renderers/document.h"
#include "support/pdf_reader.h"
#include "support/running_service.h"
#include "support/samples.h"

namespace {

using examdocs::registry::Certificate;
using Poco::JSON::Object;

std::string days_from_today(int days) {
    Poco::DateTime day;
    day += Poco::Timespan(days, 0, 0, 0, 0);
    return Poco::DateTimeFormatter::format(day, "%Y-%m-%d");
}

Certificate person(const std::string& issue_date, const std::string& expiry_date = "") {
    Certificate c;
    c.holder_name = "张晓明";
    c.id_number = "120105199003071230";
    c.occupation_name = "信息通信网络运行管理员";
    c.level = 4;
    c.issuer = "天津市软件行业协会";
    c.issue_date = issue_date;
    c.expiry_date = expiry_date;
    c.photo_jpeg = examdocs::test::read_file(
        examdocs::test::source_path("tests/data/photos/good_295x413.jpg"));
    return c;
}

std::string qr_path(const Certificate& c, const std::string& code) {
    return "/verify/" + c.number + "?c=" + code + "&k=" + c.key_id + "&s=" + c.signature;
}

// The certificate as a phone photographs it: rendered, rasterised, as a JPEG file.
std::string certificate_picture(examdocs::service::Service& service, const Certificate& c) {
    const auto layout = service.layouts().find("certificate");
    auto outcome = examdocs::renderers::render_document(
        *layout, Poco::Dynamic::Var(examdocs::certificates::certificate_document_data(
                     c, service.settings().public_base_url, service.registry()->issuer())));
    if (!outcome.document) return {};
    std::string file = Poco::TemporaryFile::tempName() + ".jpg";
    std::ofstream(file, std::ios::binary)
        << examdocs::test::render_page_jpeg(outcome.document->pdf, 0, 120);
    return file;
}

struct Visit {
    std::string name;  // also the screenshot's name: samples/<name>.png
    std::string url;
    Poco::JSON::Array::Ptr steps = new Poco::JSON::Array;
    bool java_script = false;
    bool screenshot = true;

    Visit& fill(const std::string& selector, const std::string& value) {
        Object::Ptr s = new Object;
        s->set("fill", selector);
        s->set("value", value);
        steps->add(s);
        return *this;
    }
    Visit& upload(const std::string& selector, const std::string& file) {
        Object::Ptr s = new Object;
        s->set("upload", selector);
        s->set("file", file);
        steps->add(s);
        return *this;
    }
    Visit& click(const std::string& selector) {
        Object::Ptr s = new Object;
        s->set("click", selector);
        steps->add(s);
        return *this;
    }
    Visit& upload_and_wait(const std::string& selector, const std::string& file) {
        Object::Ptr s = new Object;
        s->set("uploadAndWait", selector);
        s->set("file", file);
        steps->add(s);
        return *this;
    }
};

struct PageReport {
    std::string error;
    int status = 0;
    std::map<std::string, std::string> headers;
    std::string url, html, focus_outline;
    std::vector<std::string> violations;  // "<width>: <rule>: <nodes>"
    std::vector<std::string> refused;     // what the browser's CSP refused
    int scroll_width_320 = 0;
};

std::string browser_tools() {
    // Installed by the build (tests/CMakeLists.txt: npm ci into the build directory).
    return EXAMDOCS_BROWSER_TOOLS;
}

// Runs the visits in one Chromium; screenshots go to samples/ when
// EXAMDOCS_UPDATE_SAMPLES=1, else to a temporary directory.
std::map<std::string, PageReport> run_visits(const std::vector<Visit>& visits,
                                             const std::string& screenshot_dir) {
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const auto& v : visits) {
        Object::Ptr o = new Object;
        o->set("name", v.name);
        o->set("url", v.url);
        o->set("steps", v.steps);
        o->set("javaScript", v.java_script);
        o->set("screenshot", v.screenshot ? screenshot_dir + "/" + v.name + ".png" : "");
        list->add(o);
    }
    Object plan;
    plan.set("chromium", "/usr/bin/chromium");
    plan.set("visits", list);
    Poco::TemporaryFile plan_file, report_file;
    {
        std::ofstream out(plan_file.path());
        plan.stringify(out);
    }
    Poco::Process::Env env;
    env["NODE_PATH"] = browser_tools() + "/node_modules";
    Poco::Pipe out_pipe;
    Poco::ProcessHandle handle =
        Poco::Process::launch("/usr/bin/node",
                              {examdocs::test::source_path("tests/browser/visit_pages.mjs"),
                               plan_file.path(), report_file.path()},
                              browser_tools(), nullptr, &out_pipe, &out_pipe, env);
    Poco::PipeInputStream out(out_pipe);
    const std::string output((std::istreambuf_iterator<char>(out)),
                             std::istreambuf_iterator<char>());
    const int rc = handle.wait();
    std::map<std::string, PageReport> reports;
    if (rc != 0) {
        ADD_FAILURE() << "visit_pages.mjs exited " << rc << ":\n" << output;
        return reports;
    }
    std::ifstream in(report_file.path());
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    Poco::JSON::Parser parser;
    auto array = parser.parse(text).extract<Poco::JSON::Array::Ptr>();
    for (std::size_t i = 0; i < array->size(); ++i) {
        auto o = array->getObject(static_cast<unsigned>(i));
        PageReport r;
        r.error = o->optValue<std::string>("error", "");
        r.status = o->optValue<int>("status", 0);
        r.url = o->optValue<std::string>("url", "");
        r.html = o->optValue<std::string>("html", "");
        r.focus_outline = o->optValue<std::string>("focusOutline", "");
        r.scroll_width_320 = o->optValue<int>("scrollWidth320", 0);
        if (auto headers = o->getObject("headers")) {
            for (const auto& [k, v] : *headers) r.headers[k] = v.toString();
        }
        for (const char* width : {"390", "320"}) {
            auto violations = o->getArray(std::string("violations") + width);
            if (!violations) continue;
            for (std::size_t j = 0; j < violations->size(); ++j) {
                auto v = violations->getObject(static_cast<unsigned>(j));
                std::ostringstream line;
                line << width << " px: " << v->getValue<std::string>("id") << " ("
                     << v->getValue<std::string>("help") << "): ";
                auto nodes = v->getArray("nodes");
                for (std::size_t n = 0; n < nodes->size(); ++n) {
                    line << nodes->getElement<std::string>(static_cast<unsigned>(n)) << "; ";
                }
                r.violations.push_back(line.str());
            }
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

TEST(VerifyPage, EveryStateIsAPageThatWorksWithoutScriptsAndPassesAxe) {
    examdocs::test::RunningService service(
        [](examdocs::service::Settings& s) { s.public_rate_per_minute = 100000; });
    // A second service with a tight limit, for the page that says "too many".
    examdocs::test::RunningService limited([](examdocs::service::Settings& s) {
        // Below what the configuration allows (1): no token comes back during the test.
        s.public_rate_per_minute = 0.2;
    });
    auto& registry = *service->registry();

    const Certificate valid = registry.issue(person("2026-01-15"), "valid").certificate;
    const Certificate revoked = registry.issue(person("2025-03-20"), "revoked").certificate;
    // The day of the revocation, as the registry will print it: read on both sides of the
    // call, for a run that crosses midnight.
    const std::string revoked_from = days_from_today(0);
    registry.revoke(revoked.number, "证书信息有误，已重新发证");
    const std::string revoked_to = days_from_today(0);
    const Certificate expired =
        registry.issue(person("2020-06-30", "2023-06-30"), "expired").certificate;
    const std::string starts = days_from_today(30);
    const Certificate early = registry.issue(person(starts), "early").certificate;
    const std::string unknown_number = "S999999999999999999999";

    const std::string picture = certificate_picture(*service, valid);
    ASSERT_FALSE(picture.empty());
    const std::string no_qr = examdocs::test::source_path("tests/data/photos/good_295x413.jpg");
    // The code as a person types it from the paper: lower case, in groups, O for 0, L for 1.
    std::string typed_code;
    for (std::size_t i = 0; i < valid.verification_code.size(); ++i) {
        if (i > 0 && i % 4 == 0) typed_code += '-';
        const char c = valid.verification_code[i];
        typed_code += c == '0' ? 'o' : c == '1' ? 'l' : static_cast<char>(std::tolower(c));
    }

    // Used up before the browser comes: the sixth lookup in a minute is refused.
    const std::string limited_base = "http://127.0.0.1:" + std::to_string(limited.port());
    // (taken directly: this test is about the page; the limit has tests of its own)
    for (int i = 0; i < 20; ++i) {
        try {
            limited->public_rate_limiter().take("127.0.0.1");
        } catch (const examdocs::ProblemError&) {
            break;
        }
    }

    const std::string base = "http://127.0.0.1:" + std::to_string(service.port());
    std::vector<Visit> visits;
    visits.push_back({"verify-start", base + "/verify"});
    visits.push_back({"verify-valid", base + qr_path(valid, valid.verification_code)});
    visits.push_back({"verify-revoked", base + qr_path(revoked, revoked.verification_code)});
    visits.push_back({"verify-expired", base + qr_path(expired, expired.verification_code)});
    visits.push_back({"verify-not-yet-valid", base + qr_path(early, early.verification_code)});
    visits.push_back({"verify-forged", base + qr_path(valid, "7K3M9QX2BD4HT6WR")});
    visits.push_back({"verify-unknown", base + "/verify/" + unknown_number});
    visits.push_back(Visit{"verify-number-only", base + "/verify"}
                         .fill("#number", valid.number)
                         .click("#lookup-heading ~ form button"));
    visits.push_back(Visit{"verify-code", base + "/verify/" + valid.number}
                         .fill("#code", typed_code)
                         .click("#lookup-heading ~ form button"));
    visits.push_back(Visit{"verify-wrong-code", base + "/verify/" + valid.number}
                         .fill("#code", "AAAA-BBBB-CCCC-DDDD")
                         .click("#lookup-heading ~ form button"));
    visits.push_back(Visit{"verify-picture", base + "/verify"}
                         .upload("#image", picture)
                         .click("#picture-heading ~ form button"));
    visits.push_back(Visit{"verify-unreadable", base + "/verify"}
                         .upload("#image", no_qr)
                         .click("#picture-heading ~ form button"));
    visits.push_back({"verify-too-many", limited_base + "/verify/" + valid.number});
    // A genuine certificate at a typed address, and with ?c= but no k and s: a lookup,
    // never "not genuine".
    visits.push_back({"typed-with-code",
                      base + "/verify/" + valid.number + "?c=" + valid.verification_code,
                      new Poco::JSON::Array, false, false});
    // With scripts on, choosing the picture is enough: the page's own script sends it.
    Visit enhanced{"enhanced-picture", base + "/verify", new Poco::JSON::Array, true, false};
    enhanced.upload_and_wait("#image", picture);
    visits.push_back(enhanced);

    // NOLINTNEXTLINE(concurrency-mt-unsafe): read once, no thread changes the environment
    const bool update = std::getenv("EXAMDOCS_UPDATE_SAMPLES") != nullptr;
    Poco::TemporaryFile shots;
    shots.createDirectories();
    const std::string shot_dir = update ? examdocs::test::source_path("samples") : shots.path();
    auto reports = run_visits(visits, shot_dir);
    std::remove(picture.c_str());
    ASSERT_EQ(reports.size(), visits.size());

    for (const auto& v : visits) {
        SCOPED_TRACE(v.name);
        PageReport& r = reports[v.name];
        ASSERT_EQ(r.error, "");
        EXPECT_TRUE(has(r.html, "<html lang=\"zh-CN\"")) << r.html;
        for (const auto& violation : r.violations) ADD_FAILURE() << violation;
        for (const auto& refusal : r.refused) ADD_FAILURE() << "refused: " << refusal;
        EXPECT_LE(r.scroll_width_320, 320) << "wider than a 320 px screen";
        EXPECT_TRUE(has(r.focus_outline, "solid")) << "no visible focus: " << r.focus_outline;
        EXPECT_TRUE(has(r.headers["content-security-policy"], "frame-ancestors 'none'"));
        EXPECT_EQ(r.headers["referrer-policy"], "no-referrer");
        EXPECT_EQ(r.headers["x-content-type-options"], "nosniff");
        // Both forms are on every page and need no script: real actions and methods.
        EXPECT_TRUE(has(r.html, "<form action=\"/verify\" method=\"get\">"));
        EXPECT_TRUE(has(r.html, R"(action="/verify" method="post" enctype="multipart/form-data")"));
        if (v.screenshot) {
            std::ifstream png(shot_dir + "/" + v.name + ".png", std::ios::binary);
            std::string magic(4, '\0');
            png.read(magic.data(), 4);
            EXPECT_EQ(magic.substr(1, 3), "PNG") << "no screenshot";
        }
    }
    auto verdict = [&](const std::string& name) {
        const std::string& html = reports[name].html;
        const auto at = html.find("data-verdict=\"");
        if (at == std::string::npos) return std::string("(none)");
        return html.substr(at + 14, html.find('"', at + 14) - at - 14);
    };
    auto html = [&](const std::string& name) -> const std::string& { return reports[name].html; };

    EXPECT_EQ(verdict("verify-start"), "start");
    EXPECT_EQ(reports["verify-start"].status, 200);

    EXPECT_EQ(verdict("verify-valid"), "valid");
    EXPECT_TRUE(has(html("verify-valid"), "张晓明"));
    EXPECT_TRUE(has(html("verify-valid"), "四级/中级工"));
    EXPECT_TRUE(has(html("verify-valid"), "src=\"data:image/jpeg;base64,/9j/"));
    // The code in groups of four, as printed.
    EXPECT_TRUE(has(html("verify-valid"), valid.verification_code.substr(0, 4) + " " +
                                              valid.verification_code.substr(4, 4)));

    EXPECT_EQ(verdict("verify-revoked"), "revoked");
    EXPECT_TRUE(has(html("verify-revoked"), "证书信息有误"));
    EXPECT_TRUE(has(html("verify-revoked"), "revoked on " + revoked_from) ||
                has(html("verify-revoked"), "revoked on " + revoked_to))
        << html("verify-revoked");

    EXPECT_EQ(verdict("verify-expired"), "expired");
    EXPECT_TRUE(has(html("verify-expired"), "valid until 2023-06-30"));

    EXPECT_EQ(verdict("verify-not-yet-valid"), "not-yet-valid");
    EXPECT_TRUE(has(html("verify-not-yet-valid"), starts));

    EXPECT_EQ(verdict("verify-forged"), "forged");
    EXPECT_FALSE(has(html("verify-forged"), "张晓明"));
    EXPECT_TRUE(has(html("verify-forged"), "张*明"));
    EXPECT_TRUE(has(html("verify-forged"), "1201**********1230"));
    EXPECT_FALSE(has(html("verify-forged"), "data:image/jpeg"));

    EXPECT_EQ(verdict("verify-unknown"), "unknown");
    EXPECT_EQ(reports["verify-unknown"].status, 404);
    EXPECT_TRUE(has(html("verify-unknown"), "联系发证机构"));
    EXPECT_TRUE(has(html("verify-unknown"), "contact the body that issued"));

    EXPECT_EQ(verdict("verify-number-only"), "found");
    EXPECT_TRUE(has(reports["verify-number-only"].url, "/verify/" + valid.number));
    EXPECT_TRUE(has(html("verify-number-only"), "张*明"));
    EXPECT_FALSE(has(html("verify-number-only"), "张晓明"));
    EXPECT_TRUE(has(html("verify-number-only"), "请输入证书上的验证码"));

    EXPECT_EQ(verdict("verify-code"), "valid");
    EXPECT_TRUE(has(html("verify-code"), "张晓明"));
    EXPECT_TRUE(has(html("verify-code"), "data:image/jpeg;base64,"));
    EXPECT_TRUE(has(html("verify-code"), "The number and code match the registry"));

    // A wrong code is answered as an unknown number is: same state, same status, same words.
    EXPECT_EQ(verdict("verify-wrong-code"), "unknown");
    EXPECT_EQ(reports["verify-wrong-code"].status, 404);
    auto without_number = [](std::string text, const std::string& number) {
        for (auto at = text.find(number); at != std::string::npos; at = text.find(number))
            text.replace(at, number.size(), "N");
        return text;
    };
    EXPECT_EQ(without_number(html("verify-wrong-code"), valid.number),
              without_number(html("verify-unknown"), unknown_number));

    EXPECT_EQ(verdict("verify-picture"), "valid");
    EXPECT_TRUE(has(html("verify-picture"), "张晓明"));

    EXPECT_EQ(verdict("verify-unreadable"), "unreadable");
    EXPECT_EQ(reports["verify-unreadable"].status, 422);

    EXPECT_EQ(verdict("verify-too-many"), "rate-limited");
    EXPECT_EQ(reports["verify-too-many"].status, 429);
    EXPECT_FALSE(reports["verify-too-many"].headers["retry-after"].empty());
    EXPECT_TRUE(has(html("verify-too-many"), "查询过于频繁"));
    EXPECT_TRUE(has(html("verify-too-many"), "Too many lookups"));
    EXPECT_TRUE(has(html("verify-too-many"), " minutes."));  // minutes, not 300 seconds

    EXPECT_EQ(verdict("typed-with-code"), "valid");
    EXPECT_EQ(verdict("enhanced-picture"), "valid");

    // Each state looks different: its own class (colour) and its own icon.
    std::map<std::string, std::string> icons;
    for (const char* name : {"verify-start", "verify-valid", "verify-revoked", "verify-expired",
                             "verify-not-yet-valid", "verify-forged", "verify-unknown",
                             "verify-number-only", "verify-unreadable", "verify-too-many"}) {
        const std::string& page = html(name);
        const auto at = page.find("<svg class=\"icon\"");
        ASSERT_NE(at, std::string::npos) << name;
        const std::string svg = page.substr(at, page.find("</svg>", at) - at);
        const auto [it, fresh] = icons.emplace(svg, name);
        EXPECT_TRUE(fresh) << name << " has the icon of " << it->second;
    }
}

}  // namespace
