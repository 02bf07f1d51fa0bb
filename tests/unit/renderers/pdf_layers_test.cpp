// The layers of the PDF writer on their own: the syntax layer's objects written from
// scratch and compared as text, a dictionary refusing a duplicate key, the content builder
// naming a form drawn twice once, and the part manifest's parser.
#include <gtest/gtest.h>

#include "../../../renderers/src/pdf_content.h"
#include "../../../renderers/src/pdf_font.h"
#include "../../../renderers/src/pdf_syntax.h"
#include "examdocs/renderers/part_manifest.h"

namespace {

using namespace examdocs::renderers;

TEST(PdfSyntax, ObjectsAreWrittenFromScratch) {
    pdf::Array box;
    box.add(0).add(pdf::Real{595.2756, 2}).add(pdf::Real{-0.001, 2}).add(pdf::Real{12.5, 3});
    pdf::Dictionary page("Page");
    page.set("MediaBox", box)
        .set("Parent", pdf::Ref{1})
        .set("Lang", pdf::LiteralString{"a(b)c\\"})
        .set("Title", pdf::TextString{"准考证 𠮷"});
    EXPECT_EQ(page.str(),
              "<< /Type /Page /MediaBox [0 595.28 0 12.5] /Parent 1 0 R /Lang (a\\(b\\)c\\\\)"
              " /Title <FEFF51C680038BC10020D842DFB7> >>");
}

TEST(PdfSyntax, NamesEscapeDelimitersAndSpaces) {
    std::string out;
    pdf::append_name(out, pdf::Name{"A B/C#"});
    EXPECT_EQ(out, "/A#20B#2FC#23");
}

TEST(PdfSyntax, ADictionaryRefusesADuplicateKey) {
    pdf::Dictionary xobjects;
    xobjects.set("X2", pdf::Ref{2});
    EXPECT_THROW(xobjects.set("X2", pdf::Ref{2}), pdf::PdfSyntaxError);
    EXPECT_THROW(pdf::Dictionary("Page").set("Type", pdf::Name{"Pages"}), pdf::PdfSyntaxError);
    EXPECT_EQ(xobjects.str(), "<< /X2 2 0 R >>");
}

TEST(PdfSyntax, AHexStringTakesHexDigitsOnly) {
    pdf::Array id;
    EXPECT_THROW(id.add(pdf::HexString{"00zz"}), pdf::PdfSyntaxError);
    id.add(pdf::HexString{"00ff"});
    EXPECT_EQ(id.str(), "[<00ff>]");
}

// Numbers every image and form it is asked for, as the writer does.
class CountingResources : public ContentResources {
  public:
    std::uint16_t character(int, char32_t cp) override { return static_cast<std::uint16_t>(cp); }
    int image(const std::string&) override { return ++next_; }
    int pattern(const CurveOp&, float) override { return 7; }  // one form for every pattern

  private:
    int next_ = 10;
};

TEST(PdfContent, ASheetDrawingOneFormTwiceNamesItOnce) {
    const PageOps page = {CurveOp{
        {Wave{0, 0, {CubicSegment{1, 1, 2, 2, 3, 3}}}}, 0.3F, {0.5F, 0.5F, 0.5F}, {0, 0, 10, 10}}};
    CountingResources resources;
    const SheetContent sheet =
        build_sheet_content({Placement{&page, 100, 0, 0, 0.5F}, Placement{&page, 100, 50, 0, 0.5F}},
                            {}, 100, resources);
    EXPECT_EQ(sheet.xobjects, std::vector<int>{7});
    // Drawn twice all the same.
    std::size_t draws = 0;
    for (auto at = sheet.operators.find("/X7 Do"); at != std::string::npos;
         at = sheet.operators.find("/X7 Do", at + 1)) {
        ++draws;
    }
    EXPECT_EQ(draws, 2U);
}

TEST(PdfContent, AStencilIsAnInlineImageMaskWhoseZeroBitsPaint) {
    // 10 × 2 modules: the first row dark at columns 0 and 9, the second all light. Rows
    // start on a byte, so each is two bytes; the bits past column 9 are padding.
    std::vector<std::uint8_t> dark(20, 0);
    dark[0] = dark[9] = 1;
    const PageOps page = {StencilOp{{10, 20, 50, 10}, 10, 2, dark, {0, 0, 0}}};
    CountingResources resources;
    const SheetContent sheet = build_sheet_content({Placement{&page, 100}}, {}, 100, resources);
    EXPECT_EQ(sheet.operators,
              "0 0 0 rg\n"
              "q\n50 0 0 10 10 70 cm\n"
              "BI /W 10 /H 2 /IM true /BPC 1 /I false /F /AHx ID\n"
              "7FBF\n"
              "FFFF\n"
              ">\nEI\nQ\n");
    EXPECT_TRUE(sheet.xobjects.empty());

    const PageOps mismatched = {StencilOp{{0, 0, 1, 1}, 3, 3, dark, {0, 0, 0}}};
    EXPECT_THROW(build_sheet_content({Placement{&mismatched, 100}}, {}, 100, resources),
                 std::logic_error);
}

TEST(PdfFont, WidthsRunOverConsecutiveIds) {
    FontCharacters chars{{1, 2, 3, 7}, U"abcd"};
    EXPECT_EQ(widths(chars, {500, 600.4F, 700, 1000}).str(), "[1 [500 600 700] 7 [1000]]");
    const std::string cmap = to_unicode_cmap(chars);
    EXPECT_NE(cmap.find("4 beginbfchar\n<0001> <0061>\n"), std::string::npos) << cmap;
}

TEST(PartManifest, TextRoundTrips) {
    PartManifest m;
    m.objects = {{1, 0}, {3, 100}, {2, 250}};
    m.pages = {{841.89F, 595.276F, 1, {0, 1}, {2}}};
    m.glyphs = {{0, 36, U'A'}, {1, 1200, U'𠮷'}};
    m.length = 400;
    std::string error;
    const auto parsed = PartManifest::parse(m.to_text(), error);
    ASSERT_TRUE(parsed) << error;
    EXPECT_EQ(parsed->to_text(), m.to_text());
    EXPECT_EQ(parsed->objects, m.objects);
    EXPECT_EQ(parsed->glyphs, m.glyphs);
}

TEST(PartManifest, RefusesWhatDoesNotHoldTogether) {
    const std::string head = "examdocs-pdf-part 1\n";
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"", "not an examdocs"},
        {head + "object 1 0\n", "no end line"},
        {head + "object 1 0\nobject 1 10\nend 20\n", "listed twice"},
        {head + "object 1 10\nobject 2 5\nend 20\n", "do not ascend"},
        {head + "object 1 0\nend 0\n", "after the part's end"},
        {head + "object 1 0\npage 10 10 2 0 0\nend 20\n", "contents"},
        {head + "object 1 0\npage 10 10 1 0 1 9\nend 20\n", "does not list"},
        {head + "object 1 0\npage inf 10 1 0 0\nend 20\n", "page size"},
        {head + "glyph 0 70000 65\nend 0\n", "glyph line"},
        {head + "glyph 0 7 55296\nend 0\n", "scalar value"},
        {head + "end 0\nobject 1 0\n", "after the end line"},
        {head + "page 10 10 1 99999999999999999999999 0\nend 0\n", "page line"},
    };
    for (const auto& [text, message] : cases) {
        std::string error;
        EXPECT_FALSE(PartManifest::parse(text, error)) << text;
        EXPECT_NE(error.find(message), std::string::npos) << text << " → " << error;
    }
}

TEST(PartManifest, AFormListedTwiceByAnOlderWriterIsNamedOnce) {
    std::string error;
    const auto parsed = PartManifest::parse(
        "examdocs-pdf-part 1\nobject 2 0\nobject 1 50\npage 10 10 1 0 2 2 2\nend 90\n", error);
    ASSERT_TRUE(parsed) << error;
    EXPECT_EQ(parsed->pages.at(0).xobjects, std::vector<int>{2});
}

}  // namespace
