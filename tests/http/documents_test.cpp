// POST /v1/documents/{layout} and the layout listing, through a real server and client.
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/TemporaryFile.h>
#include <gtest/gtest.h>

#include <initializer_list>
#include <set>
#include <sstream>
#include <string>
#include <string_view>

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

// Expects every value in a PDF's squeezed text; a failure names the value and shows the text.
void expect_each_in(const std::string& text, std::initializer_list<std::string_view> values) {
    for (const auto value : values) {
        EXPECT_NE(text.find(value), std::string::npos) << value << "\n" << text;
    }
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

    examdocs::test::HttpReply post_json(const std::string& path, const std::string& body) const {
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
    EXPECT_EQ(names, (std::set<std::string>{
                         "admission-ticket", "application-form", "certificate", "score-notice",
                         "ruankao-admission-ticket", "ruankao-certificate", "ruankao-commitment",
                         "ruankao-score-notice", "zhicheng-application", "zhicheng-certificate"}));
}

TEST_F(DocumentsApi, DescribesTheFieldsOfALayout) {
    auto reply = http_request(port_, "GET", "/v1/layouts/admission-ticket");
    ASSERT_EQ(reply.status, 200);
    auto body = parse_object(reply.body);
    EXPECT_EQ(body->getValue<std::string>("title"), "准考证");
    EXPECT_FALSE(body->getValue<bool>("passthrough")) << "unknown fields are refused";
    EXPECT_EQ(body->getValue<std::string>("levels"), "skill");
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
        // The level's rule and the words of the layout's scheme a form can offer.
        if (pointer == "/level" && f->optValue<std::string>("rule", "") == "level") {
            auto levels = f->getArray("levels");
            level_bounds = levels && levels->size() == 6 &&
                           levels->getObject(3)->getValue<std::string>("zh") == "四级/中级工" &&
                           levels->getObject(5)->getValue<std::string>("code") == "专项能力";
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

    // 64 objects nested: {"a":{"a":…1…}}
    std::string deep;
    for (int i = 0; i < 64; ++i) deep += "{\"a\":";
    deep += '1';
    deep.append(64, '}');
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
    expect_each_in(text, {"王小明", "120101199204156016", "中国共产党党员", "2016年3月21日",
                          "天津市和平区某某街某某道1号", "2018.03至2023.03", "示例a高级"});
}

// A 软考 registration record with every field seed 004's manual names (the exam office adds
// the assigned centre, room, seat and sessions) prints its ticket, the level in words.
TEST_F(DocumentsApi, TheRuankaoTicketTakesASeed004Record) {
    const std::string body = examdocs::test::read_file(
        examdocs::test::source_path("tests/data/seed-004-registration.json"));
    auto reply = post_json("/v1/documents/ruankao-admission-ticket", body);
    ASSERT_EQ(reply.status, 200) << reply.body;
    const auto text = examdocs::test::squeeze(examdocs::test::read_pdf(reply.body).all_text);
    expect_each_in(text, {"赵建国", "高级", "信息系统项目管理师", "天津市天津考区", "第021考场",
                          "论文", "2026年5月23日"});
    EXPECT_EQ(text.find("天津某某信息技术有限公司"), std::string::npos) << "checked, not printed";
}

// The commitment is accepted before the record is submitted: the registration record as
// seed 004 collects it (no ticket, centre or sessions yet) and the time it was accepted.
TEST_F(DocumentsApi, TheRuankaoCommitmentTakesASeed004Record) {
    const std::string body = examdocs::test::read_file(
        examdocs::test::source_path("tests/data/seed-004-commitment.json"));
    auto reply = post_json("/v1/documents/ruankao-commitment", body);
    ASSERT_EQ(reply.status, 200) << reply.body;
    const auto text = examdocs::test::squeeze(examdocs::test::read_pdf(reply.body).all_text);
    expect_each_in(text, {"赵建国", "120101199204156016", "高级信息系统项目管理师",
                          "2026-03-1209:41", "天津市人事考试中心"});
    EXPECT_EQ(text.find("zhaojg@example.cn"), std::string::npos) << "checked, not printed";

    // Checked: a birth date that the ID number contradicts is refused by name.
    std::string altered = body;
    altered.replace(altered.find("\"1992-04-15\""), 12, "\"1992-04-16\"");
    auto wrong = post_json("/v1/documents/ruankao-commitment", altered);
    ASSERT_EQ(wrong.status, 422) << wrong.body;
    EXPECT_NE(wrong.body.find("/candidate/birthDate"), std::string::npos) << wrong.body;
}

// A score lookup answers for the registration record the candidate sat with, plus the
// scores the office publishes.
TEST_F(DocumentsApi, TheRuankaoScoreNoticeTakesASeed004Record) {
    const std::string body =
        examdocs::test::read_file(examdocs::test::source_path("tests/data/seed-004-scores.json"));
    auto reply = post_json("/v1/documents/ruankao-score-notice", body);
    ASSERT_EQ(reply.status, 200) << reply.body;
    const auto text = examdocs::test::squeeze(examdocs::test::read_pdf(reply.body).all_text);
    expect_each_in(text, {"赵建国", "261201010100456", "信息系统项目管理师", "案例分析", "不合格",
                          "考试结果：不合格"});
    EXPECT_EQ(text.find("计算机科学与技术"), std::string::npos) << "checked, not printed";
}

// Seed 004's 证书查询 shows a 软考 certificate: the candidate of the registration record, the
// 报考级别 and 报考资格 passed, the 管理号 and 批准日期, as the registry hands them to the layout.
TEST_F(DocumentsApi, TheRuankaoCertificateTakesASeed004Record) {
    const std::string body = examdocs::test::read_file(
        examdocs::test::source_path("tests/data/seed-004-certificate.json"));
    auto reply = post_json("/v1/documents/ruankao-certificate", body);
    ASSERT_EQ(reply.status, 200) << reply.body;
    const auto pdf = examdocs::test::read_pdf(reply.body);
    EXPECT_EQ(pdf.pages, 1);
    const auto text = examdocs::test::squeeze(pdf.all_text);
    expect_each_in(text, {"计算机技术与软件专业技术资格证书", "赵建国", "120101199204156016",
                          "信息系统项目管理师", "InformationSystemProjectManager", "高级", "Senior",
                          "20261201000456", "2026年8月28日", "天津市人事考试中心", "2026年9月15日",
                          "R000012120001202630007", "7K3QX2M9P4RBW6TZ"});
    // A 初级 qualification at 高级 is refused by field.
    std::string wrong = body;
    wrong.replace(wrong.find("\"信息系统项目管理师\""),
                  std::string("\"信息系统项目管理师\"").size(), "\"程序员\"");
    auto refused = post_json("/v1/documents/ruankao-certificate", wrong);
    ASSERT_EQ(refused.status, 422) << refused.body;
    EXPECT_NE(refused.body.find("/qualification"), std::string::npos) << refused.body;
}

// Seed 001's applicant (tests/data/seed-001-application.json: 港澳台居民居住证, 工程技术
// 给排水工程 中级 工程师) after the committee's approval: the 职称 certificate takes the
// record with the fields seed 001 says reach the certificate (申报资格专业, 级别, 资格名称).
TEST_F(DocumentsApi, TheTitleCertificateTakesASeed001Record) {
    const std::string body = examdocs::test::read_file(
        examdocs::test::source_path("tests/data/seed-001-certificate.json"));
    auto reply = post_json("/v1/documents/zhicheng-certificate", body);
    ASSERT_EQ(reply.status, 200) << reply.body;
    const auto pdf = examdocs::test::read_pdf(reply.body);
    EXPECT_EQ(pdf.pages, 1);
    const auto text = examdocs::test::squeeze(pdf.all_text);
    expect_each_in(text, {"陈静", "810000199001011222", "工程师", "给排水工程", "中级",
                          "天津市工程技术系列给排水专业中级评审委员会", "津人社职称〔2026〕30号",
                          "天津市人力资源和社会保障局", "Z000012120001202630007"});
    // The residence permit's check character is checked as a resident ID's is.
    std::string wrong = body;
    wrong.replace(wrong.find("810000199001011222"), 18, "810000199001011223");
    auto refused = post_json("/v1/documents/zhicheng-certificate", wrong);
    ASSERT_EQ(refused.status, 422) << refused.body;
    EXPECT_NE(refused.body.find("/holder/idNumber"), std::string::npos) << refused.body;
}

// Levels are words of the layout's scheme: a 专项能力 certificate prints 专项能力 and its
// English, a level the scheme does not have is refused with the scheme's levels.
TEST_F(DocumentsApi, AProjectCompetencyCertificatePrintsItsLevelInWords) {
    std::string body =
        examdocs::test::read_file(examdocs::test::source_path("samples/certificate.json"));
    const std::string four = "\"level\": 4";
    body.replace(body.find(four), four.size(), "\"level\": \"专项能力\"");
    auto reply = post_json("/v1/documents/certificate", body);
    ASSERT_EQ(reply.status, 200) << reply.body;
    const auto text = examdocs::test::squeeze(examdocs::test::read_pdf(reply.body).all_text);
    EXPECT_NE(text.find("专项能力"), std::string::npos) << text;
    EXPECT_NE(text.find("SpecialisedCompetency"), std::string::npos) << text;
    EXPECT_NE(text.find("NO.00000001"), std::string::npos) << text;
    EXPECT_NE(text.find("http://jndj.osta.org.cn"), std::string::npos) << text;
    EXPECT_NE(text.find("http://pjjg.osta.org.cn"), std::string::npos) << text;

    body.replace(body.find("\"专项能力\""), std::string("\"专项能力\"").size(), "\"中级\"");
    auto refused = post_json("/v1/documents/certificate", body);
    ASSERT_EQ(refused.status, 422) << refused.body;
    auto error = parse_object(refused.body)->getArray("errors")->getObject(0);
    EXPECT_EQ(error->getValue<std::string>("pointer"), "/level");
    EXPECT_EQ(error->getValue<std::string>("code"), "not-a-level");
    EXPECT_NE(error->getValue<std::string>("message").find("专项能力"), std::string::npos);
}

TEST_F(DocumentsApi, ARuankaoIntermediateTicketPrintsItsLevelAndChecksTheQualification) {
    std::string body = examdocs::test::read_file(
        examdocs::test::source_path("tests/data/seed-004-registration.json"));
    auto swap = [&body](const std::string& from, const std::string& to) {
        body.replace(body.find(from), from.size(), to);
    };
    swap("\"高级\"", "\"中级\"");
    swap("\"信息系统项目管理师\"", "\"系统集成项目管理工程师\"");
    auto reply = post_json("/v1/documents/ruankao-admission-ticket", body);
    ASSERT_EQ(reply.status, 200) << reply.body;
    const auto text = examdocs::test::squeeze(examdocs::test::read_pdf(reply.body).all_text);
    EXPECT_NE(text.find("中级"), std::string::npos) << text;
    EXPECT_NE(text.find("系统集成项目管理工程师"), std::string::npos) << text;

    // 程序员 is a 初级 qualification: refused for 中级, naming the level's qualifications.
    swap("\"系统集成项目管理工程师\"", "\"程序员\"");
    auto mismatch = post_json("/v1/documents/ruankao-admission-ticket", body);
    ASSERT_EQ(mismatch.status, 422) << mismatch.body;
    auto error = parse_object(mismatch.body)->getArray("errors")->getObject(0);
    EXPECT_EQ(error->getValue<std::string>("pointer"), "/qualification");
    EXPECT_EQ(error->getValue<std::string>("code"), "not-of-level");
    EXPECT_NE(error->getValue<std::string>("message").find("系统集成项目管理工程师"),
              std::string::npos);

    swap("\"中级\"", "\"四级\"");
    auto not_a_level = post_json("/v1/documents/ruankao-admission-ticket", body);
    ASSERT_EQ(not_a_level.status, 422) << not_a_level.body;
    EXPECT_NE(not_a_level.body.find("not-a-level"), std::string::npos) << not_a_level.body;

    auto described =
        parse_object(http_request(port_, "GET", "/v1/layouts/ruankao-admission-ticket").body);
    EXPECT_EQ(described->getValue<std::string>("levels"), "ruankao");
}

// Every group seed 001's manual names (the twelve of 个人职称网上申报), each field filled once,
// with a 港澳台居民居住证, and the unit's and the committee's 审核意见.
TEST_F(DocumentsApi, TheTitleApplicationTakesASeed001Record) {
    const std::string body = examdocs::test::read_file(
        examdocs::test::source_path("tests/data/seed-001-application.json"));
    auto reply = post_json("/v1/documents/zhicheng-application", body);
    ASSERT_EQ(reply.status, 200) << reply.body;
    const auto pdf = examdocs::test::read_pdf(reply.body);
    EXPECT_EQ(pdf.pages, 3);
    const auto text = examdocs::test::squeeze(pdf.all_text);
    expect_each_in(text, {"陈静",
                          "810000199001011222",
                          "女",
                          "1990年1月1日",
                          "港澳台居民居住证",
                          "群众",
                          "给排水工程",
                          "天津百利机械装备集团有限公司",
                          "中级",
                          "工程师",
                          "英语理工A合格",
                          "三个模块合格",
                          "是2026-05-06",
                          "天津城建大学",
                          "助理工程师",
                          "天津市土木工程学会",
                          "2013.07至今",
                          "建筑给排水新规范",
                          "厂区雨污分流改造工程",
                          "工业厂区雨水回用系统设计",
                          "2023.09",
                          "建筑给排水设计实例",
                          "ZL202320654321.0",
                          "集团技术创新奖",
                          "2025合格",
                          "材料属实，同意上报。",
                          "审核人：赵红",
                          "经评审委员会评议，同意其具备工程师资格。",
                          "2026年6月18日",
                          "本表于2026-04-1210:05提交，提交后信息不可修改。"});
}

// Each long table continues on pages of its own, after the page it starts on, its header
// repeated and its group named.
TEST_F(DocumentsApi, TheTitleApplicationsLongTablesContinue) {
    const std::string body =
        examdocs::test::read_file(examdocs::test::source_path("samples/zhicheng-application.json"));
    auto reply = post_json("/v1/documents/zhicheng-application", body);
    ASSERT_EQ(reply.status, 200) << reply.body;
    const auto pdf = examdocs::test::read_pdf(reply.body);
    // Page 2 holds 8 of the 14 work-history rows and 6 of the 9 papers: one continuation
    // page each, then page 3.
    ASSERT_EQ(pdf.pages, 5);
    const auto work = examdocs::test::squeeze(pdf.page_text[2]);
    EXPECT_NE(work.find("五、专业技术工作经历（续）"), std::string::npos) << work;
    EXPECT_NE(work.find("从事专业技术工作"), std::string::npos) << "the header repeats";
    EXPECT_NE(work.find("至今"), std::string::npos) << "the last row";
    const auto papers = examdocs::test::squeeze(pdf.page_text[3]);
    EXPECT_NE(papers.find("八、论文情况（续）"), std::string::npos) << papers;
    EXPECT_NE(papers.find("基于PostgreSQL的任务分片调度"), std::string::npos) << papers;
    EXPECT_EQ(papers.find("五、专业技术工作经历"), std::string::npos);
    const auto last = examdocs::test::squeeze(pdf.page_text[4]);
    EXPECT_NE(last.find("所在单位审核意见"), std::string::npos);
    EXPECT_NE(last.find("同意推荐申报高级工程师资格"), std::string::npos) << last;
}

}  // namespace
