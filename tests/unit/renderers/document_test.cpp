// Documents rendered from the samples and read back: text through poppler, fonts as a PDF
// reader sees them, QR codes and barcodes decoded with ZXing from the rasterised page.
#include "examdocs/renderers/document.h"

#include "examdocs/core/base64.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <gtest/gtest.h>

#include <chrono>
#include <sstream>

#include "examdocs/renderers/layout_catalog.h"
#include "support/pdf_reader.h"
#include "support/samples.h"

namespace {

using namespace examdocs;
using namespace examdocs::renderers;
using examdocs::test::decode_codes;
using examdocs::test::read_pdf;
using examdocs::test::sample_request;
using examdocs::test::squeeze;
using Poco::JSON::Object;

const LayoutCatalog& catalog() {
    static const LayoutCatalog c = LayoutCatalog::bundled();
    return c;
}

RenderContext fixed_context() {
    RenderContext c;
    c.now = std::chrono::system_clock::from_time_t(1795000000);  // 2026-11-18T11:06:40Z
    c.document_id = "0123456789abcdef0123456789abcdef";
    return c;
}

RenderOutcome render(const std::string& layout, const Poco::Dynamic::Var& data) {
    const auto l = catalog().find(layout);
    if (!l) throw std::runtime_error("no layout " + layout);
    return render_document(*l, data, fixed_context());
}

Object::Ptr root(Poco::Dynamic::Var& v) { return v.extract<Object::Ptr>(); }

std::string field_codes(const RenderOutcome& o) {
    std::string s;
    for (const auto& e : o.errors) s += e.pointer + ":" + e.code + " ";
    return s;
}

bool has_error(const RenderOutcome& o, const std::string& pointer, const std::string& code) {
    for (const auto& e : o.errors) {
        if (e.pointer == pointer && e.code == code) return true;
    }
    return false;
}

TEST(Documents, EveryBundledLayoutHasASampleThatRenders) {
    for (const auto& layout : catalog().all()) {
        auto outcome = render(layout->name, sample_request(layout->name));
        ASSERT_TRUE(outcome.document) << layout->name << ": " << field_codes(outcome);
        auto facts = read_pdf(outcome.document->pdf);
        EXPECT_EQ(facts.pages, outcome.document->page_count) << layout->name;
        ASSERT_FALSE(facts.fonts.empty()) << layout->name;
        for (const auto& f : facts.fonts) {
            EXPECT_TRUE(f.embedded) << layout->name << " " << f.name;
            EXPECT_TRUE(f.subset) << layout->name << " " << f.name;
            EXPECT_TRUE(f.cid_truetype) << layout->name << " " << f.name;
        }
        EXPECT_FALSE(facts.title.empty()) << layout->name;
        EXPECT_EQ(facts.creator, "examdocs");
        EXPECT_EQ(facts.creation_time, 1795000000) << layout->name;
        EXPECT_NE(outcome.document->pdf.find("/ID [<0123456789abcdef0123456789abcdef>"),
                  std::string::npos);
    }
}

TEST(Documents, AdmissionTicketCarriesEveryValueAsText) {
    auto data = sample_request("admission-ticket");
    auto outcome = render("admission-ticket", data);
    ASSERT_TRUE(outcome.document) << field_codes(outcome);
    const auto facts = read_pdf(outcome.document->pdf);
    auto d = root(data);
    const std::string text = facts.all_text;
    for (const std::string& value :
         {d->getObject("exam")->getValue<std::string>("title"),
          d->getValue<std::string>("ticketNumber"),
          d->getObject("candidate")->getValue<std::string>("name"),
          d->getObject("candidate")->getValue<std::string>("idNumber"),
          d->getObject("occupation")->getValue<std::string>("name"),
          d->getObject("occupation")->getValue<std::string>("code"),
          d->getObject("occupation")->getValue<std::string>("job"),
          d->getObject("centre")->getValue<std::string>("name"),
          d->getObject("centre")->getValue<std::string>("address"),
          d->getValue<std::string>("organizer"), std::string("四级/中级工"), std::string("男"),
          std::string("居民身份证"), std::string("2026年12月12日")}) {
        EXPECT_NE(text.find(squeeze(value)), std::string::npos) << value;
    }
    auto sessions = d->getArray("sessions");
    for (unsigned i = 0; i < sessions->size(); ++i) {
        auto s = sessions->getObject(i);
        for (const char* key : {"subject", "time", "room"}) {
            EXPECT_NE(text.find(squeeze(s->getValue<std::string>(key))), std::string::npos) << key;
        }
    }
    auto notes = d->getArray("notes");
    for (unsigned i = 0; i < notes->size(); ++i) {
        // A note wraps over lines; its first words are on the first line.
        EXPECT_NE(text.find(squeeze(notes->getElement<std::string>(i)).substr(0, 24)),
                  std::string::npos);
    }
    EXPECT_EQ(outcome.document->filename, "准考证-2026110120034.pdf");
    EXPECT_EQ(facts.author, "天津市软件行业协会");
    EXPECT_LE(outcome.document->pdf.size(), 60u * 1024) << "the ticket target is 60 KB";
}

TEST(Documents, QrCodeAndBarcodeDecodeFromThePrintedPage) {
    auto data = sample_request("admission-ticket");
    auto outcome = render("admission-ticket", data);
    ASSERT_TRUE(outcome.document);
    const auto qr = decode_codes(outcome.document->pdf, 0, ZXing::BarcodeFormat::QRCode);
    ASSERT_EQ(qr.size(), 1u);
    EXPECT_EQ(qr[0], root(data)->getValue<std::string>("verificationUrl"));
    const auto bars = decode_codes(outcome.document->pdf, 0, ZXing::BarcodeFormat::Code128);
    ASSERT_EQ(bars.size(), 1u);
    EXPECT_EQ(bars[0], "2026110120034");
}

TEST(Documents, CertificateQrDecodesThroughItsBackgroundPattern) {
    auto data = sample_request("certificate");
    auto outcome = render("certificate", data);
    ASSERT_TRUE(outcome.document) << field_codes(outcome);
    const auto facts = read_pdf(outcome.document->pdf);
    EXPECT_GT(facts.page_width, facts.page_height) << "landscape";
    for (const char* value :
         {"职业技能等级证书", "CertificateofOccupationalSkillLevel", "张晓明", "120105199003071230",
          "四级/中级工", "Level4/IntermediateWorker", "S000012120001202640001", "2026年12月31日",
          "31December2026", "天津市软件行业协会", "https://verify.example.org",
          "职业编码4-04-05-02", "有效期至Validuntil：长期有效", "K7QX2M9P4RBW6TZA"}) {
        EXPECT_NE(facts.all_text.find(value), std::string::npos) << value;
    }
    const auto qr = decode_codes(outcome.document->pdf, 0, ZXing::BarcodeFormat::QRCode, 150);
    ASSERT_EQ(qr.size(), 1u);
    EXPECT_EQ(qr[0], root(data)->getValue<std::string>("verificationUrl"));
}

TEST(Documents, ScoreNoticeIsALayoutFileOnly) {
    auto outcome = render("score-notice", sample_request("score-notice"));
    ASSERT_TRUE(outcome.document) << field_codes(outcome);
    const auto text = read_pdf(outcome.document->pdf).all_text;
    for (const char* value :
         {"成绩通知单", "理论知识考试", "86", "78.5", "60", "合格", "总评结果"}) {
        EXPECT_NE(text.find(value), std::string::npos) << value;
    }
}

TEST(Documents, LongWorkHistoryContinuesWithTheHeaderRepeated) {
    auto data = sample_request("application-form");
    auto history = root(data)->getArray("workHistory");
    // 9 rows fit on the first page, 30 on each continuation page.
    while (history->size() < 45) {
        Object::Ptr row = new Object(*history->getObject(0));
        row->set("unit", "续页单位" + std::to_string(history->size()));
        history->add(row);
    }
    auto outcome = render("application-form", data);
    ASSERT_TRUE(outcome.document) << field_codes(outcome);
    const auto facts = read_pdf(outcome.document->pdf);
    ASSERT_EQ(facts.pages, 4);  // first page, two continuation pages, declaration page
    for (int page : {1, 2}) {
        const auto text = squeeze(facts.page_text[static_cast<std::size_t>(page)]);
        EXPECT_NE(text.find("工作经历（续）"), std::string::npos) << page;
        EXPECT_NE(text.find("起止年月"), std::string::npos) << "header repeated on " << page;
    }
    EXPECT_NE(squeeze(facts.page_text[2]).find("续页单位44"), std::string::npos);
    EXPECT_NE(squeeze(facts.page_text[3]).find("个人声明"), std::string::npos);
}

TEST(Documents, SexAndBirthDateComeFromTheIdNumber) {
    auto data = sample_request("application-form");
    auto outcome = render("application-form", data);
    ASSERT_TRUE(outcome.document) << field_codes(outcome);
    const auto text = read_pdf(outcome.document->pdf).all_text;
    EXPECT_NE(text.find("1995年8月15日"), std::string::npos);  // 120104 19950815 201 3
    EXPECT_NE(text.find("性别男"), std::string::npos);

    root(data)->getObject("applicant")->set("gender", "女");
    auto refused = render("application-form", data);
    EXPECT_TRUE(has_error(refused, "/applicant/gender", "inconsistent-with-id-number"))
        << field_codes(refused);
}

TEST(Documents, TextThatCannotFitIsRefusedNamingTheField) {
    // The bundled layouts hold their fields' longest values (LayoutLint checks it); a
    // layout that allows more than its box holds refuses the text that does not fit.
    const auto layout = parse_layout(R"({"name": "probe", "page": {"size": "A4"},
      "fields": [{"pointer": "/remarks", "type": "array", "maxItems": 6},
                 {"pointer": "/remarks/*", "maxLength": 200}],
      "pages": [{"elements": [{"type": "list", "value": "/remarks", "style": "numbered",
        "box": [15, 206, 130, 50], "size": 9.5, "minSize": 7, "leading": 1.4}]}]})");
    // Six remarks of 200 characters are allowed, but the box (130 × 50 mm) holds about a
    // third of that at its smallest size, 7 pt.
    Poco::JSON::Array::Ptr remarks = new Poco::JSON::Array;
    for (int r = 0; r < 6; ++r) {
        std::string remark;
        for (int i = 0; i < 200; ++i) remark += "龘";
        remarks->add(remark);
    }
    Poco::Dynamic::Var data = Object::Ptr(new Object);
    root(data)->set("remarks", remarks);
    auto outcome = render_document(layout, data, fixed_context());
    EXPECT_FALSE(outcome.document);
    EXPECT_TRUE(has_error(outcome, "/remarks", "text-overflow")) << field_codes(outcome);
}

TEST(Documents, LongTextShrinksBeforeItIsRefused) {
    auto data = sample_request("admission-ticket");
    root(data)->getObject("centre")->set("name", "天津市滨海新区职业技能公共实训中心第二实训基地");
    auto outcome = render("admission-ticket", data);
    ASSERT_TRUE(outcome.document) << field_codes(outcome);
    EXPECT_NE(read_pdf(outcome.document->pdf).all_text.find("第二实训基地"), std::string::npos);
}

TEST(Documents, CharactersNoFontHasAreListed) {
    auto data = sample_request("admission-ticket");
    // Tibetan and Arabic letters: no bundled font has them.
    root(data)->getObject("candidate")->set("name", "张ཀا");
    auto outcome = render("admission-ticket", data);
    EXPECT_FALSE(outcome.document);
    ASSERT_TRUE(has_error(outcome, "/candidate/name", "missing-glyph")) << field_codes(outcome);
    EXPECT_NE(outcome.errors[0].message.find("U+0F40"), std::string::npos)
        << outcome.errors[0].message;
    EXPECT_NE(outcome.errors[0].message.find("U+0627"), std::string::npos)
        << outcome.errors[0].message;
}

TEST(Documents, RareNameCharactersAreDrawnFromFallbackFonts) {
    // 𠮷 (U+20BB7, outside the BMP) and 䶮 (U+4DAE, Extension A) are real name characters.
    auto data = sample_request("admission-ticket");
    root(data)->getObject("candidate")->set("name", "𠮷䶮明");
    auto outcome = render("admission-ticket", data);
    ASSERT_TRUE(outcome.document) << field_codes(outcome);
    const auto text = read_pdf(outcome.document->pdf).all_text;
    EXPECT_NE(text.find("明"), std::string::npos);
    // Both come from the fallback face as text, so they extract and search like the rest
    // (the supplementary one through a surrogate pair in the ToUnicode map).
    EXPECT_NE(text.find("䶮"), std::string::npos);
    EXPECT_NE(text.find("𠮷"), std::string::npos);
}

TEST(Documents, ControlCharactersAreRefused) {
    auto data = sample_request("admission-ticket");
    root(data)->getObject("candidate")->set("name", std::string("张\x01三"));
    auto outcome = render("admission-ticket", data);
    EXPECT_TRUE(has_error(outcome, "/candidate/name", "invalid-character")) << field_codes(outcome);
}

TEST(Documents, APhotoThatIsNotAnImageIsRefused) {
    auto data = sample_request("admission-ticket");
    root(data)->getObject("candidate")->set("photo", "bm90IGFuIGltYWdlIGF0IGFsbA==");
    auto outcome = render("admission-ticket", data);
    EXPECT_TRUE(has_error(outcome, "/candidate/photo", "not-an-image")) << field_codes(outcome);

    auto truncated = sample_request("admission-ticket");
    const std::string photo = test::photo_base64("good_295x413.jpg");
    root(truncated)->getObject("candidate")->set("photo", photo.substr(0, 400));
    auto outcome2 = render("admission-ticket", truncated);
    EXPECT_FALSE(outcome2.document);
    EXPECT_TRUE(has_error(outcome2, "/candidate/photo", "truncated-image"))
        << field_codes(outcome2);
}

TEST(Documents, UploadedPhotoBytesNeverReachThePdf) {
    auto data = sample_request("admission-ticket");
    // A JPEG with a payload appended after its end marker, as some tools leave them.
    std::string raw = test::read_file(test::source_path("tests/data/photos/good_295x413.jpg"));
    raw += "APPENDED-SECRET-PAYLOAD";
    root(data)->getObject("candidate")->set("photo", base64_encode(raw));
    auto outcome = render("admission-ticket", data);
    ASSERT_TRUE(outcome.document) << field_codes(outcome);
    EXPECT_EQ(outcome.document->pdf.find("APPENDED-SECRET-PAYLOAD"), std::string::npos);
}

TEST(Documents, FixedClockAndIdGiveIdenticalBytes) {
    auto a = render("certificate", sample_request("certificate"));
    auto b = render("certificate", sample_request("certificate"));
    ASSERT_TRUE(a.document && b.document);
    EXPECT_EQ(a.document->pdf, b.document->pdf);
    RenderContext other = fixed_context();
    other.document_id = "fedcba9876543210fedcba9876543210";
    auto c = render_document(*catalog().find("certificate"), sample_request("certificate"), other);
    EXPECT_NE(a.document->pdf, c.document->pdf);
}

TEST(Documents, EveryProblemIsReportedAtOnce) {
    auto data = sample_request("admission-ticket");
    auto c = root(data)->getObject("candidate");
    c->set("idNumber", "120105199003071231");  // wrong check character
    c->remove("name");
    root(data)->set("level", 9);
    root(data)->getArray("sessions")->getObject(0)->set("date", "2026-02-30");
    auto outcome = render("admission-ticket", data);
    EXPECT_FALSE(outcome.document);
    EXPECT_TRUE(has_error(outcome, "/candidate/idNumber", "id-number-checksum"))
        << field_codes(outcome);
    EXPECT_TRUE(has_error(outcome, "/candidate/name", "required")) << field_codes(outcome);
    EXPECT_TRUE(has_error(outcome, "/level", "not-a-level")) << field_codes(outcome);
    EXPECT_TRUE(has_error(outcome, "/sessions/0/date", "date")) << field_codes(outcome);
}

TEST(Documents, OtherIdentityDocumentsSkipTheIdNumberRule) {
    auto data = sample_request("admission-ticket");
    auto c = root(data)->getObject("candidate");
    c->set("idType", "护照");
    c->set("idNumber", "E12345678");
    c->set("gender", "女");
    auto outcome = render("admission-ticket", data);
    ASSERT_TRUE(outcome.document) << field_codes(outcome);
    EXPECT_NE(read_pdf(outcome.document->pdf).all_text.find("E12345678"), std::string::npos);
}

}  // namespace
