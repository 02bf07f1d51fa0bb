// What a request is told when it is wrong, and what the skill-level form takes: unknown
// fields named with the nearest known one, patterns explained, residence permits checked,
// and a record as seed 000's system collects it rendered and read back.
#include "examdocs/renderers/input_check.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include "examdocs/core/id_number.h"
#include "examdocs/renderers/document.h"
#include "examdocs/renderers/layout_catalog.h"
#include "support/pdf_reader.h"
#include "support/samples.h"

namespace {

using namespace examdocs;
using namespace examdocs::renderers;
using examdocs::test::read_file;
using examdocs::test::read_pdf;
using examdocs::test::sample_request;
using examdocs::test::source_path;
using examdocs::test::squeeze;
using Poco::JSON::Object;

constexpr std::string_view kToday = "2026-11-22";

const Layout& layout(const std::string& name) {
    static const LayoutCatalog c = LayoutCatalog::bundled();
    return *c.find(name);
}

Object::Ptr root(Poco::Dynamic::Var& v) { return v.extract<Object::Ptr>(); }

const FieldError* error_at(const CheckedInput& c, const std::string& pointer) {
    for (const auto& e : c.errors) {
        if (e.pointer == pointer) return &e;
    }
    return nullptr;
}

std::string all_errors(const CheckedInput& c) {
    std::string s;
    for (const auto& e : c.errors) s += e.pointer + ":" + e.code + " " + e.message + "\n";
    return s;
}

Poco::Dynamic::Var seed_000_record() {
    Poco::JSON::Parser parser;
    return parser.parse(read_file(source_path("tests/data/seed-000-application.json")));
}

TEST(UnknownFields, AMisspeltFieldIsRefusedWithTheNearestName) {
    auto data = sample_request("admission-ticket");
    auto candidate = root(data)->getObject("candidate");
    candidate->set("nmae", candidate->getValue<std::string>("name"));
    auto checked = check_input(layout("admission-ticket"), data, kToday);
    const auto* e = error_at(checked, "/candidate/nmae");
    ASSERT_NE(e, nullptr) << all_errors(checked);
    EXPECT_EQ(e->code, "unknown-field");
    EXPECT_NE(e->message.find("`/candidate/nmae`: no such field; did you mean `/candidate/name`?"),
              std::string::npos)
        << e->message;
}

TEST(UnknownFields, InsideArraysAndWithoutANearName) {
    auto data = sample_request("admission-ticket");
    root(data)->getArray("sessions")->getObject(0)->set("rooom", "101");
    root(data)->set("favouriteColour", "blue");
    auto checked = check_input(layout("admission-ticket"), data, kToday);
    const auto* room = error_at(checked, "/sessions/0/rooom");
    ASSERT_NE(room, nullptr) << all_errors(checked);
    EXPECT_NE(room->message.find("did you mean `/sessions/0/room`?"), std::string::npos);
    const auto* colour = error_at(checked, "/favouriteColour");
    ASSERT_NE(colour, nullptr) << all_errors(checked);
    EXPECT_EQ(colour->message.find("did you mean"), std::string::npos) << colour->message;
}

TEST(UnknownFields, EveryBundledSampleUsesOnlyKnownFields) {
    for (const char* name :
         {"admission-ticket", "application-form", "certificate", "score-notice"}) {
        auto data = sample_request(name);
        auto checked = check_input(layout(name), data, kToday);
        EXPECT_TRUE(checked.errors.empty()) << name << "\n" << all_errors(checked);
    }
}

TEST(UnknownFields, APassthroughLayoutLetsThemThroughUnprinted) {
    std::string json = read_file(source_path("layouts/admission-ticket.json"));
    json.insert(json.find('{') + 1, "\"passthrough\": true,");
    const Layout open = parse_layout(json);
    EXPECT_TRUE(open.passthrough);
    auto data = sample_request("admission-ticket");
    root(data)->set("backendRowId", 4711);
    EXPECT_TRUE(check_input(open, data, kToday).errors.empty());
    EXPECT_FALSE(check_field_known(open, "/backendRowId"));
    EXPECT_TRUE(check_field_known(layout("admission-ticket"), "/backendRowId"));
}

TEST(UnknownFields, OnePointerAtATimeAsACsvHeaderNamesIt) {
    const auto& ticket = layout("admission-ticket");
    EXPECT_FALSE(check_field_known(ticket, "/candidate/name"));
    EXPECT_FALSE(check_field_known(ticket, "/sessions/3/room"));
    EXPECT_FALSE(check_field_known(ticket, "/notes/0"));
    auto misspelt = check_field_known(ticket, "/candidate/nmae");
    ASSERT_TRUE(misspelt);
    EXPECT_EQ(misspelt->nearest, "/candidate/name");
    auto in_row = check_field_known(ticket, "/sessions/2/subjct");
    ASSERT_TRUE(in_row);
    EXPECT_EQ(in_row->nearest, "/sessions/2/subject");
    EXPECT_TRUE(check_field_known(ticket, "/candidate/0")) << "an index where a name belongs";
}

TEST(PatternErrors, SayTheExpectedFormInWordsWithAnExample) {
    auto data = sample_request("admission-ticket");
    root(data)->set("ticketNumber", "A#1");
    root(data)->getArray("sessions")->getObject(0)->set("time", "9点");
    auto checked = check_input(layout("admission-ticket"), data, kToday);
    const auto* ticket = error_at(checked, "/ticketNumber");
    ASSERT_NE(ticket, nullptr) << all_errors(checked);
    EXPECT_EQ(ticket->code, "pattern");
    EXPECT_NE(ticket->message.find("6 to 24 letters, digits or hyphens"), std::string::npos);
    EXPECT_NE(ticket->message.find("e.g. 2026110120034"), std::string::npos) << ticket->message;
    EXPECT_EQ(ticket->message.find("Does not have the expected form"), std::string::npos);
    const auto* time = error_at(checked, "/sessions/0/time");
    ASSERT_NE(time, nullptr);
    EXPECT_NE(time->message.find("09:00-11:00"), std::string::npos) << time->message;
}

TEST(PatternErrors, ALayoutWithAPatternButNoWordsIsRefused) {
    std::string json = read_file(source_path("layouts/score-notice.json"));
    const auto expected = json.find(", \"expected\"");
    ASSERT_NE(expected, std::string::npos);
    json.erase(expected, json.find('}', expected) + 1 - expected);
    EXPECT_THROW(parse_layout(json), LayoutError);
}

TEST(LevelSchemes, TheBundledSchemesHaveTheirLevelsInBothLanguages) {
    const auto& schemes = LevelSchemes::bundled();
    const auto* skill = schemes.find("skill");
    ASSERT_NE(skill, nullptr);
    ASSERT_NE(skill->find("4"), nullptr);
    EXPECT_EQ(skill->find("4")->zh, "四级/中级工");
    EXPECT_EQ(skill->find("4")->digit, 4);
    ASSERT_NE(skill->find("专项能力"), nullptr);
    EXPECT_EQ(skill->find("专项能力")->digit, 0);
    EXPECT_EQ(skill->find("专项能力")->en, "Specialised Competency");
    const auto* ruankao = schemes.find("ruankao");
    ASSERT_NE(ruankao, nullptr);
    const auto* middle = ruankao->find("中级");
    ASSERT_NE(middle, nullptr);
    bool integration = false;
    for (const auto& q : middle->qualifications) {
        integration = integration || (q.zh == "系统集成项目管理工程师" && !q.en.empty());
    }
    EXPECT_TRUE(integration);
    const auto* titles = schemes.find("zhicheng");
    ASSERT_NE(titles, nullptr);
    std::string codes;
    for (const auto& l : titles->levels) codes += l.code + " ";
    EXPECT_EQ(codes, "员级 助理级 中级 副高级 正高级 ");
    for (const auto* scheme : {skill, ruankao, titles}) {
        for (const auto& l : scheme->levels) {
            EXPECT_FALSE(l.zh.empty() || l.en.empty()) << scheme->name << " " << l.code;
        }
    }
}

TEST(LevelSchemes, AnUnknownSchemeOrABrokenVocabularyIsRefused) {
    std::string json = read_file(source_path("layouts/ruankao-commitment.json"));
    const auto at = json.find("\"levels\": \"ruankao\"");
    ASSERT_NE(at, std::string::npos);
    json.replace(at, std::string("\"levels\": \"ruankao\"").size(), "\"levels\": \"softexam\"");
    try {
        parse_layout(json);
        ADD_FAILURE() << "an unknown scheme loaded";
    } catch (const LayoutError& e) {
        EXPECT_NE(std::string(e.what()).find("skill, ruankao, zhicheng"), std::string::npos)
            << e.what();
    }
    EXPECT_THROW(LevelSchemes::parse(R"({"schemes":[{"name":"x","zh":"x","en":"x","levels":[)"
                                     R"({"code":"1","zh":"一","en":"One"},)"
                                     R"({"code":"1","zh":"一","en":"One"}]}]})"),
                 LayoutError);
    EXPECT_THROW(LevelSchemes::parse(R"({"schemes":[{"name":"x","zh":"x","en":"x","levels":[)"
                                     R"({"code":"1","zh":"一"}]}]})"),
                 LayoutError);
}

TEST(LevelSchemes, TheLevelRuleTakesNumbersAndWordsOfTheLayoutsScheme) {
    auto data = sample_request("admission-ticket");
    root(data)->set("level", "4");  // the digit as text, as a CSV cell sends it
    EXPECT_TRUE(check_input(layout("admission-ticket"), data, kToday).errors.empty());
    root(data)->set("level", "专项能力");
    EXPECT_TRUE(check_input(layout("admission-ticket"), data, kToday).errors.empty());
    root(data)->set("level", 6);
    auto refused = check_input(layout("admission-ticket"), data, kToday);
    const auto* e = error_at(refused, "/level");
    ASSERT_NE(e, nullptr) << all_errors(refused);
    EXPECT_EQ(e->code, "not-a-level");
    EXPECT_NE(e->message.find("4 (四级/中级工)"), std::string::npos) << e->message;
}

TEST(ResidencePermits, AreAcceptedAndCheckedOnEveryLayout) {
    std::string first17 = "81000019900307123";
    const std::string permit = first17 + id_number_check_char(first17);
    auto data = sample_request("admission-ticket");
    auto candidate = root(data)->getObject("candidate");
    candidate->set("idType", "港澳台居民居住证");
    candidate->set("idNumber", permit);
    candidate->remove("gender");
    auto checked = check_input(layout("admission-ticket"), data, kToday);
    EXPECT_TRUE(checked.errors.empty()) << all_errors(checked);

    // A mainland number is not a residence permit number, well-formed as it is.
    first17 = "12010519900307123";
    candidate->set("idNumber", first17 + id_number_check_char(first17));
    auto refused = check_input(layout("admission-ticket"), data, kToday);
    const auto* e = error_at(refused, "/candidate/idNumber");
    ASSERT_NE(e, nullptr) << all_errors(refused);
    EXPECT_EQ(e->code, "id-number-region");
}

TEST(SkillLevelForm, TakesARecordAsSeed000CollectsIt) {
    auto data = seed_000_record();
    auto outcome = render_document(layout("application-form"), data);
    std::string errors;
    for (const auto& e : outcome.errors) errors += e.pointer + ":" + e.code + " ";
    ASSERT_TRUE(outcome.document) << errors;
    const auto text = squeeze(read_pdf(outcome.document->pdf).all_text);
    for (const char* value :
         {"王小明", "120101199204156016", "13312345678", "汉族", "中国共产党党员", "示例aa",
          "示例aaa", "2016年3月21日", "示例aaaa", "300000", "天津市和平区某某街某某道1号",
          "信息通信网络运行管理员", "示例a高级", "123456", "2010年1月1日", "2018.03至2023.03"}) {
        EXPECT_NE(text.find(squeeze(value)), std::string::npos) << value << "\n" << text;
    }
    EXPECT_EQ(text.find("2018-03-21"), std::string::npos) << "work dates print one way";
}

TEST(SkillLevelForm, NotWorkingYetAndNoEducationOrPhoto) {
    auto data = seed_000_record();
    root(data)->getObject("applicant")->set("workStartDate", "未工作");
    auto checked = check_input(layout("application-form"), data, kToday);
    EXPECT_TRUE(checked.errors.empty()) << all_errors(checked);
    EXPECT_FALSE(error_at(checked, "/applicant/education"));
    EXPECT_FALSE(error_at(checked, "/applicant/photo"));

    root(data)->getObject("applicant")->set("workStartDate", "还没有");
    EXPECT_TRUE(error_at(check_input(layout("application-form"), data, kToday),
                         "/applicant/workStartDate"));
}

TEST(SkillLevelForm, WorkHistoryDatesEitherWayAndYearsAsANumber) {
    auto data = seed_000_record();
    auto row = root(data)->getArray("workHistory")->getObject(0);
    row->set("from", "2018.03");
    row->set("to", "至今");
    auto checked = check_input(layout("application-form"), data, kToday);
    EXPECT_TRUE(checked.errors.empty()) << all_errors(checked);

    row->set("from", "2018-02-30");
    row->set("to", "2023/03");
    root(data)->getObject("applicant")->set("years", "5年");
    auto refused = check_input(layout("application-form"), data, kToday);
    ASSERT_TRUE(error_at(refused, "/workHistory/0/to")) << all_errors(refused);
    EXPECT_NE(error_at(refused, "/workHistory/0/to")->message.find("YYYY.MM"), std::string::npos);
    EXPECT_TRUE(error_at(refused, "/applicant/years")) << all_errors(refused);
    // 2018-02-30 has the shape of a date but is not a day.
    ASSERT_TRUE(error_at(refused, "/workHistory/0/from")) << all_errors(refused);
    EXPECT_EQ(error_at(refused, "/workHistory/0/from")->code, "date");
}

}  // namespace
