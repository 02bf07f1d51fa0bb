// Layouts people can make, over real HTTP: validate (every error with its pointer and
// amount), preview (an example filling every field, boxes outlined on request), and
// reload of layouts.dir (all or nothing).
#include <Poco/File.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/TemporaryFile.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "examdocs/service/service.h"
#include "support/http_client.h"
#include "support/pdf_reader.h"
#include "support/samples.h"

namespace svc = examdocs::service;
using examdocs::test::http_request;
using examdocs::test::read_file;
using examdocs::test::source_path;

namespace {

const std::string kAdminKey = "admin-secret-key-0001";
const std::string kRenderKey = "render-secret-key-0002";
const std::string kReadKey = "read-secret-key-0003";

Poco::JSON::Object::Ptr parse_object(const std::string& body) {
    Poco::JSON::Parser parser;
    return parser.parse(body).extract<Poco::JSON::Object::Ptr>();
}

std::string extra_layout(const std::string& title, const std::string& box = "[15, 20, 100, 10]") {
    return R"({"name": "extra-kind", "title": ")" + title +
           R"(", "page": {"size": "A5"}, "fields": [{"pointer": "/name", "label": "姓名", "maxLength": 10}],
             "pages": [{"elements": [{"type": "text", "value": "/name", "box": )" +
           box + R"(, "size": 12}]}]})";
}

class LayoutsApi : public ::testing::Test {
  protected:
    void SetUp() override {
        Poco::File(layouts_dir_.path()).createDirectories();
        write_layout(extra_layout("第一版"));
        svc::Settings settings;
        settings.port = 0;
        settings.threads = 4;
        settings.data_dir = data_dir_.path();
        settings.layouts_dir = layouts_dir_.path();
        settings.api_keys = "designer:" + examdocs::test::sha256_hex(kAdminKey) +
                            ":admin,backend:" + examdocs::test::sha256_hex(kRenderKey) +
                            ":render,office:" + examdocs::test::sha256_hex(kReadKey) + ":read";
        service_ = std::make_unique<svc::Service>(settings, log_);
        service_->start();
        port_ = service_->port();
    }
    void TearDown() override { service_->shutdown(); }

    void write_layout(const std::string& json) {
        std::ofstream(layouts_dir_.path() + "/extra-kind.json") << json;
    }

    examdocs::test::HttpReply post(const std::string& path, const std::string& body,
                                   const std::string& key = kAdminKey) {
        return http_request(
            port_, "POST", path, body,
            {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + key}});
    }

    std::string title_served() {
        auto reply = http_request(port_, "GET", "/v1/layouts/extra-kind");
        return reply.status == 200 ? parse_object(reply.body)->getValue<std::string>("title") : "";
    }

    Poco::TemporaryFile data_dir_, layouts_dir_;
    std::ostringstream log_stream_;
    svc::Log log_{log_stream_, svc::LogFormat::json};
    std::unique_ptr<svc::Service> service_;
    std::uint16_t port_ = 0;
};

}  // namespace

TEST_F(LayoutsApi, ValidateAnswersWarningsForAGoodLayoutAndEveryErrorForABadOne) {
    const std::string ticket = read_file(source_path("layouts/admission-ticket.json"));
    auto good = post("/v1/layouts/validate", ticket, kRenderKey);
    ASSERT_EQ(good.status, 200) << good.body;
    auto answer = parse_object(good.body);
    EXPECT_TRUE(answer->getValue<bool>("valid"));
    EXPECT_EQ(answer->getValue<std::string>("name"), "admission-ticket");
    EXPECT_EQ(answer->getArray("warnings")->size(), 0U) << good.body;

    auto bad = post("/v1/layouts/validate",
                    R"({"name": "x", "page": {"size": "A4"}, "pages": [{"elements": [
                         {"type": "text", "text": "a", "box": [100, 10, 114.2, 5]},
                         {"type": "text", "text": "b", "box": [10, 10, 20, 5], "bold": "yes"}]}]})");
    ASSERT_EQ(bad.status, 422) << bad.body;
    EXPECT_EQ(bad.content_type, "application/problem+json");
    auto problem = parse_object(bad.body);
    auto errors = problem->getArray("errors");
    ASSERT_EQ(errors->size(), 2U) << bad.body;
    std::map<std::string, Poco::JSON::Object::Ptr> by_pointer;
    for (unsigned i = 0; i < errors->size(); ++i) {
        by_pointer[errors->getObject(i)->getValue<std::string>("pointer")] = errors->getObject(i);
    }
    ASSERT_TRUE(by_pointer.count("/pages/0/elements/0/box")) << bad.body;
    const auto box = by_pointer["/pages/0/elements/0/box"];
    EXPECT_EQ(box->getValue<std::string>("code"), "outside-page");
    EXPECT_EQ(box->getValue<std::string>("message"), "extends 4.2 mm past the page's right edge");
    ASSERT_TRUE(by_pointer.count("/pages/0/elements/1/bold")) << bad.body;
    EXPECT_EQ(by_pointer["/pages/0/elements/1/bold"]->getValue<std::string>("code"), "wrong-type");

    EXPECT_EQ(post("/v1/layouts/validate", "{\"name\": ").status, 400);
    EXPECT_EQ(post("/v1/layouts/validate", ticket, kReadKey).status, 403);
    EXPECT_EQ(http_request(port_, "POST", "/v1/layouts/validate", ticket,
                           {{"Content-Type", "application/json"}})
                  .status,
              401);
}

TEST_F(LayoutsApi, PreviewFillsEveryFieldAndOutlinesBoxesOnRequest) {
    const std::string ticket = read_file(source_path("layouts/admission-ticket.json"));
    const std::string card = R"({"name": "card", "page": {"size": "A5"}, "fields": [
        {"pointer": "/name", "label": "姓名", "maxLength": 10},
        {"pointer": "/number", "label": "编号", "pattern": "[0-9]{6,13}",
         "expected": {"zh": "数字", "en": "digits", "example": "2026110120034"}},
        {"pointer": "/url", "label": "网址", "rule": "url", "maxLength": 300}],
      "pages": [{"elements": [
        {"type": "text", "value": "/name", "box": [15, 20, 100, 10], "size": 12},
        {"type": "text", "template": "编号：{/number}", "box": [15, 35, 100, 10]},
        {"type": "qr", "value": "/url", "box": [15, 60, 50, 50]}]}]})";
    auto example = post("/v1/layouts/preview", "{\"layout\": " + card + "}");
    ASSERT_EQ(example.status, 200) << example.body;
    EXPECT_EQ(example.content_type, "application/pdf");
    const auto text = examdocs::test::read_pdf(example.body).all_text;
    EXPECT_NE(text.find("国国国国国国国国国国"), std::string::npos)
        << "maxLength of wide characters";
    EXPECT_NE(text.find("2026110120034"), std::string::npos) << "the pattern's example prints";
    EXPECT_EQ(text.find("/name"), std::string::npos);
    // The example's QR code carries a 128-character URL and scans.
    const auto urls = examdocs::test::decode_codes(example.body, 0, ZXing::BarcodeFormat::QRCode);
    ASSERT_EQ(urls.size(), 1U);
    EXPECT_EQ(urls.front().size(), 128U);

    auto outlined = post("/v1/layouts/preview?outline=true", "{\"layout\": " + card + "}");
    ASSERT_EQ(outlined.status, 200) << outlined.body;
    const auto labels = examdocs::test::read_pdf(outlined.body).all_text;
    EXPECT_NE(labels.find("/name"), std::string::npos) << "boxes labelled by field";
    EXPECT_NE(labels.find("/url"), std::string::npos);

    std::ostringstream data;
    examdocs::test::sample_request("admission-ticket")
        .extract<Poco::JSON::Object::Ptr>()
        ->stringify(data);
    auto sample = post("/v1/layouts/preview",
                       "{\"layout\": " + ticket + ", \"data\": " + data.str() + "}", kRenderKey);
    ASSERT_EQ(sample.status, 200) << sample.body;
    EXPECT_NE(examdocs::test::read_pdf(sample.body).all_text.find("张晓明"), std::string::npos);

    auto bad_data = post("/v1/layouts/preview",
                         "{\"layout\": " + ticket + ", \"data\": {\"ticketNumber\": \"?\"}}");
    ASSERT_EQ(bad_data.status, 422) << bad_data.body;
    EXPECT_NE(bad_data.body.find("\"/data/ticketNumber\""), std::string::npos) << bad_data.body;

    auto bad_layout = post("/v1/layouts/preview", "{\"layout\": {\"name\": \"x\"}}");
    ASSERT_EQ(bad_layout.status, 422) << bad_layout.body;
    EXPECT_NE(bad_layout.body.find("\"/layout/pages\""), std::string::npos) << bad_layout.body;
    EXPECT_EQ(post("/v1/layouts/preview?outline=yes", "{\"layout\": " + ticket + "}").status, 400);
}

TEST_F(LayoutsApi, ReloadSwapsAllValidLayoutsOrChangesNothing) {
    EXPECT_EQ(title_served(), "第一版");
    // A render held before the reload keeps its layout.
    const auto held = service_->layouts().find("extra-kind");
    write_layout(extra_layout("第二版"));
    EXPECT_EQ(post("/v1/layouts/reload", "", kRenderKey).status, 403) << "reload needs admin";
    auto reloaded = post("/v1/layouts/reload", "");
    ASSERT_EQ(reloaded.status, 200) << reloaded.body;
    EXPECT_TRUE(parse_object(reloaded.body)->getValue<bool>("applied"));
    EXPECT_EQ(title_served(), "第二版");
    EXPECT_EQ(held->title, "第一版");

    write_layout(extra_layout("第三版", "[100, 20, 60, 10]"));  // 12 mm past an A5's edge
    auto refused = post("/v1/layouts/reload", "");
    ASSERT_EQ(refused.status, 422) << refused.body;
    auto problem = parse_object(refused.body);
    auto files = problem->getArray("files");
    ASSERT_EQ(files->size(), 1U) << refused.body;
    EXPECT_EQ(files->getObject(0)->getValue<std::string>("file"),
              layouts_dir_.path() + "/extra-kind.json");
    EXPECT_EQ(files->getObject(0)->getValue<std::string>("pointer"), "/pages/0/elements/0/box");
    EXPECT_EQ(files->getObject(0)->getValue<std::string>("message"),
              "extends 12.0 mm past the page's right edge");
    EXPECT_EQ(title_served(), "第二版") << "nothing changed";
}
