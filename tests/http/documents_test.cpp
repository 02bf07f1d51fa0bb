// POST /v1/documents/{layout} and the layout listing, through a real server and client.
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/TemporaryFile.h>
#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include "examdocs/service/service.h"
#include "support/http_client.h"
#include "support/pdf_reader.h"
#include "support/running_service.h"
#include "support/samples.h"

namespace svc = examdocs::service;
using examdocs::test::http_request;

namespace {

const std::string kRenderKey = "render-secret-key-0003";

Poco::JSON::Object::Ptr parse_object(const std::string& body) {
    Poco::JSON::Parser parser;
    return parser.parse(body).extract<Poco::JSON::Object::Ptr>();
}

class DocumentsApi : public ::testing::Test {
  protected:
    void SetUp() override {
        svc::Settings settings;
        settings.port = 0;
        settings.threads = 4;
        settings.data_dir = data_dir_.path();
        settings.api_keys = "backend:" + examdocs::test::sha256_hex(kRenderKey) + ":render";
        service_ = std::make_unique<svc::Service>(settings, log_);
        service_->start();
        port_ = service_->port();
    }
    void TearDown() override { service_->shutdown(); }

    examdocs::test::HttpReply post_json(const std::string& path, const std::string& body) {
        return http_request(
            port_, "POST", path, body,
            {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + kRenderKey}});
    }

    Poco::TemporaryFile data_dir_;
    std::ostringstream log_stream_;
    svc::Log log_{log_stream_, svc::LogFormat::json};
    std::unique_ptr<svc::Service> service_;
    std::uint16_t port_ = 0;
};

TEST_F(DocumentsApi, ListsEveryLayout) {
    auto reply = http_request(port_, "GET", "/v1/layouts");
    ASSERT_EQ(reply.status, 200);
    auto layouts = parse_object(reply.body)->getArray("layouts");
    std::set<std::string> names;
    for (unsigned i = 0; i < layouts->size(); ++i) {
        names.insert(layouts->getObject(i)->getValue<std::string>("name"));
    }
    EXPECT_EQ(names, (std::set<std::string>{"admission-ticket", "application-form", "certificate",
                                            "score-notice", "ruankao-admission-ticket",
                                            "ruankao-commitment", "ruankao-score-notice"}));
}

TEST_F(DocumentsApi, DescribesTheFieldsOfALayout) {
    auto reply = http_request(port_, "GET", "/v1/layouts/admission-ticket");
    ASSERT_EQ(reply.status, 200);
    auto body = parse_object(reply.body);
    EXPECT_EQ(body->getValue<std::string>("title"), "准考证");
    EXPECT_FALSE(body->getValue<bool>("passthrough")) << "unknown fields are refused";
    auto fields = body->getArray("fields");
    bool id_rule = false, ticket_expected = false, level_bounds = false;
    for (unsigned i = 0; i < fields->size(); ++i) {
        auto f = fields->getObject(i);
        const auto pointer = f->getValue<std::string>("pointer");
        if (pointer == "/candidate/idNumber" &&
            f->optValue<std::string>("rule", "") == "id-number") {
            id_rule = f->has("appliesWhen");
        }
        // What a pattern means, as its error message says it.
        if (pointer == "/ticketNumber" && f->has("expected")) {
            ticket_expected =
                f->getObject("expected")->getValue<std::string>("example") == "2026110120034";
        }
        if (pointer == "/level") {
            level_bounds = f->getValue<int>("minimum") == 1 && f->getValue<int>("maximum") == 5;
        }
    }
    EXPECT_TRUE(id_rule);
    EXPECT_TRUE(ticket_expected);
    EXPECT_TRUE(level_bounds);
    EXPECT_EQ(http_request(port_, "GET", "/v1/layouts/nope").status, 404);
}

TEST_F(DocumentsApi, RendersAPdfWithItsFileName) {
    const std::string body =
        examdocs::test::read_file(examdocs::test::source_path("samples/admission-ticket.json"));
    auto reply = post_json("/v1/documents/admission-ticket", body);
    ASSERT_EQ(reply.status, 200) << reply.body;
    EXPECT_EQ(reply.content_type, "application/pdf");
    EXPECT_EQ(reply.body.rfind("%PDF-", 0), 0u);
    const std::string disposition = reply.headers.at("Content-Disposition");
    EXPECT_EQ(disposition.rfind("attachment;", 0), 0u) << disposition;
    EXPECT_NE(disposition.find("filename*=UTF-8''%E5%87%86%E8%80%83%E8%AF%81-2026110120034.pdf"),
              std::string::npos)
        << disposition;
    EXPECT_NE(disposition.find("filename=\"zhunkaozheng-2026110120034.pdf\""), std::string::npos)
        << "an ASCII name that reads, for clients without filename*: " << disposition;
    EXPECT_EQ(reply.headers.at("X-Page-Count"), "1");
    auto facts = examdocs::test::read_pdf(reply.body);
    EXPECT_NE(facts.all_text.find("张晓明"), std::string::npos);

    auto inline_reply = post_json("/v1/documents/admission-ticket?disposition=inline", body);
    EXPECT_EQ(inline_reply.headers.at("Content-Disposition").rfind("inline;", 0), 0u);
}

TEST_F(DocumentsApi, FieldProblemsAreA422WithPointers) {
    auto data = examdocs::test::sample_request("admission-ticket");
    auto candidate = data.extract<Poco::JSON::Object::Ptr>()->getObject("candidate");
    candidate->set("idNumber", "12010519900307123x");  // lower-case x, wrong check character
    std::ostringstream body;
    data.extract<Poco::JSON::Object::Ptr>()->stringify(body);
    auto reply = post_json("/v1/documents/admission-ticket", body.str());
    ASSERT_EQ(reply.status, 422) << reply.body;
    EXPECT_EQ(reply.content_type, "application/problem+json");
    auto problem = parse_object(reply.body);
    EXPECT_EQ(problem->getValue<std::string>("type"), "urn:examdocs:problem:invalid-input");
    auto errors = problem->getArray("errors");
    ASSERT_GE(errors->size(), 1u);
    EXPECT_EQ(errors->getObject(0)->getValue<std::string>("pointer"), "/candidate/idNumber");
    EXPECT_EQ(errors->getObject(0)->getValue<std::string>("code"), "id-number-checksum");
}

TEST_F(DocumentsApi, MalformedBodiesAreRefusedClearly) {
    auto bad_json = post_json("/v1/documents/admission-ticket", "{\"exam\": ");
    EXPECT_EQ(bad_json.status, 400) << bad_json.body;
    EXPECT_EQ(parse_object(bad_json.body)->getValue<std::string>("type"),
              "urn:examdocs:problem:malformed-request");

    auto not_object = post_json("/v1/documents/admission-ticket", "[1,2,3]");
    EXPECT_EQ(not_object.status, 422) << not_object.body;

    auto wrong_type = http_request(port_, "POST", "/v1/documents/admission-ticket", "a=b",
                                   {{"Content-Type", "application/x-www-form-urlencoded"},
                                    {"Authorization", "Bearer " + kRenderKey}});
    EXPECT_EQ(wrong_type.status, 415);

    auto unknown = post_json("/v1/documents/diploma", "{}");
    EXPECT_EQ(unknown.status, 404);

    std::string deep = "1";
    for (int i = 0; i < 64; ++i) deep = "{\"a\":" + deep + "}";
    auto too_deep = post_json("/v1/documents/admission-ticket", deep);
    EXPECT_TRUE(too_deep.status == 400 || too_deep.status == 422) << too_deep.status;

    auto invalid_utf8 =
        post_json("/v1/documents/admission-ticket", "{\"candidate\":{\"name\":\"\xC3\x28\"}}");
    EXPECT_TRUE(invalid_utf8.status == 400 || invalid_utf8.status == 422) << invalid_utf8.status;
    // And the server is still there.
    EXPECT_EQ(http_request(port_, "GET", "/health/live").status, 200);
}

TEST_F(DocumentsApi, AMisspeltFieldIsA422NamingItAndTheNearestName) {
    auto data = examdocs::test::sample_request("admission-ticket");
    auto candidate = data.extract<Poco::JSON::Object::Ptr>()->getObject("candidate");
    candidate->set("nmae", "张晓明");
    std::ostringstream body;
    data.extract<Poco::JSON::Object::Ptr>()->stringify(body);
    auto reply = post_json("/v1/documents/admission-ticket", body.str());
    ASSERT_EQ(reply.status, 422) << reply.body;
    auto error = parse_object(reply.body)->getArray("errors")->getObject(0);
    EXPECT_EQ(error->getValue<std::string>("pointer"), "/candidate/nmae");
    EXPECT_EQ(error->getValue<std::string>("code"), "unknown-field");
    EXPECT_NE(error->getValue<std::string>("message").find("did you mean `/candidate/name`?"),
              std::string::npos)
        << reply.body;
}

TEST_F(DocumentsApi, AJsonSyntaxErrorGivesLineAndColumn) {
    auto reply = post_json("/v1/documents/admission-ticket",
                           "{\n  \"ticketNumber\": \"2026110120034\",\n  \"level\": 4,,\n}");
    ASSERT_EQ(reply.status, 400) << reply.body;
    auto problem = parse_object(reply.body);
    EXPECT_EQ(problem->getValue<std::string>("type"), "urn:examdocs:problem:malformed-request");
    EXPECT_NE(problem->getValue<std::string>("detail").find("line 3, column 14"), std::string::npos)
        << reply.body;
    EXPECT_EQ(problem->getValue<int>("line"), 3);
    EXPECT_EQ(problem->getValue<int>("column"), 14);
}

TEST_F(DocumentsApi, UnknownQueryParametersAndValuesAre400) {
    const std::string body =
        examdocs::test::read_file(examdocs::test::source_path("samples/admission-ticket.json"));
    auto bad_value = post_json("/v1/documents/admission-ticket?disposition=foo", body);
    ASSERT_EQ(bad_value.status, 400) << bad_value.body;
    auto detail = parse_object(bad_value.body)->getValue<std::string>("detail");
    EXPECT_NE(detail.find("'disposition' is 'foo'"), std::string::npos) << detail;
    EXPECT_NE(detail.find("attachment, inline"), std::string::npos) << detail;

    auto bad_name = post_json("/v1/documents/admission-ticket?dispositon=inline", body);
    ASSERT_EQ(bad_name.status, 400) << bad_name.body;
    EXPECT_NE(parse_object(bad_name.body)->getValue<std::string>("detail").find("'dispositon'"),
              std::string::npos);

    auto listing = http_request(port_, "GET", "/v1/layouts?page=2");
    EXPECT_EQ(listing.status, 400) << listing.body;
    EXPECT_EQ(http_request(port_, "GET", "/v1/layouts/certificate?x=1").status, 400);
    EXPECT_EQ(post_json("/v1/documents/admission-ticket?disposition=attachment", body).status, 200);
}

// Every field seed 000's system names, filled as it fills them, and nothing more.
TEST_F(DocumentsApi, TheSkillLevelFormTakesASeed000Record) {
    const std::string body = examdocs::test::read_file(
        examdocs::test::source_path("tests/data/seed-000-application.json"));
    auto reply = post_json("/v1/documents/application-form", body);
    ASSERT_EQ(reply.status, 200) << reply.body;
    const auto text = examdocs::test::squeeze(examdocs::test::read_pdf(reply.body).all_text);
    for (const char* value : {"王小明", "120101199204156016", "中国共产党党员", "2016年3月21日",
                              "天津市和平区某某街某某道1号", "2018.03至2023.03", "示例a高级"}) {
        EXPECT_NE(text.find(value), std::string::npos) << value << "\n" << text;
    }
}

// A 软考 registration record with every field seed 004's manual names (the exam office adds
// the assigned centre, room, seat and sessions) prints its ticket, the level in words.
TEST_F(DocumentsApi, TheRuankaoTicketTakesASeed004Record) {
    const std::string body = examdocs::test::read_file(
        examdocs::test::source_path("tests/data/seed-004-registration.json"));
    auto reply = post_json("/v1/documents/ruankao-admission-ticket", body);
    ASSERT_EQ(reply.status, 200) << reply.body;
    const auto text = examdocs::test::squeeze(examdocs::test::read_pdf(reply.body).all_text);
    for (const char* value : {"赵建国", "高级", "信息系统项目管理师", "天津市天津考区", "第021考场",
                              "论文", "2026年5月23日"}) {
        EXPECT_NE(text.find(value), std::string::npos) << value << "\n" << text;
    }
    EXPECT_EQ(text.find("天津某某信息技术有限公司"), std::string::npos) << "checked, not printed";
}

}  // namespace
