#include "examdocs/renderers/text_fit.h"

#include <gtest/gtest.h>

#include "examdocs/core/field_rules.h"

namespace {

using namespace examdocs;
using namespace examdocs::renderers;

const fonts::FontSet& fonts() { return fonts::bundled_font_set(); }

TEST(TextFit, ChineseBreaksBetweenCharactersButNeverBeforeClosingPunctuation) {
    // Eleven ideographs and a full stop, in a line ten ideographs wide: UAX #14 keeps
    // "。" with the character before it rather than starting a line with it.
    const auto text = utf8_to_u32("一二三四五六七八九十壹。");
    const float width = text_width(fonts(), U"一二三四五六七八九十", 10);
    auto lines = wrap_text(fonts(), text, 10, width + 0.5F);
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_NE(lines[1].text.front(), U'。');
    for (const auto& l : lines) EXPECT_LE(text_width(fonts(), l.text, 10), width + 0.5F);
}

TEST(TextFit, LatinBreaksBetweenWords) {
    auto lines = wrap_text(fonts(), U"Certificate of Occupational Skill Level", 10,
                           text_width(fonts(), U"Certificate of Occupational", 10) + 1);
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_EQ(lines[0].text, U"Certificate of Occupational");
    EXPECT_EQ(lines[1].text, U"Skill Level");
}

TEST(TextFit, AWordLongerThanTheLineIsBrokenAnywhere) {
    auto lines = wrap_text(fonts(), U"https://verify.example.org/v/S000012000002026420001", 10, 60);
    EXPECT_GT(lines.size(), 2u);
    for (const auto& l : lines) EXPECT_LE(text_width(fonts(), l.text, 10), 60.5F);
}

TEST(TextFit, OneLineFieldsShrinkBeforeTheyWrap) {
    const std::u32string text = U"天津市滨海新区职业技能公共实训中心";
    const float natural = text_width(fonts(), text, 12);
    auto fitted = fit_text(fonts(), {text, natural * 0.8F, 16, 12, 8, 1.25F, 0});
    ASSERT_TRUE(fitted);
    EXPECT_EQ(fitted->lines.size(), 1u);
    EXPECT_LT(fitted->size, 12);
    EXPECT_GE(fitted->size, 8);
}

TEST(TextFit, ParagraphsWrapBeforeTheyShrink) {
    const std::u32string text = U"考生须持本准考证和有效身份证件原件，于考试开始前30分钟到达考点。";
    auto fitted = fit_text(fonts(), {text, 150, 60, 10, 7, 1.4F, 0});
    ASSERT_TRUE(fitted);
    EXPECT_EQ(fitted->size, 10);
    EXPECT_GT(fitted->lines.size(), 1u);
}

TEST(TextFit, RefusesWhatCannotFit) {
    std::u32string text(200, U'龘');
    EXPECT_FALSE(fit_text(fonts(), {text, 100, 20, 10, 7, 1.25F, 0}));
}

TEST(TextFit, HangingIndentNarrowsContinuationLines) {
    const std::u32string text = U"1. 一二三四五六七八九十一二三四五六七八九十";
    auto lines = wrap_text(fonts(), text, 10, 80, 15);
    ASSERT_GT(lines.size(), 1u);
    EXPECT_TRUE(lines[0].starts_paragraph);
    EXPECT_FALSE(lines[1].starts_paragraph);
    EXPECT_LE(text_width(fonts(), lines[1].text, 10), 65.5F);
}

}  // namespace
