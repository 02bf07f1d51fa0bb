// The one escape for HTML pages and the PDFs' XML metadata.
#include "examdocs/core/markup_text.h"

#include <gtest/gtest.h>

#include <string>

namespace {

TEST(EscapeMarkup, TheFiveMarkupCharactersBecomeReferencesReadByHtmlAndXml) {
    EXPECT_EQ(examdocs::escape_markup(R"(<a href="x">Tom & 'Jerry'</a>)"),
              "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;");
    EXPECT_EQ(examdocs::escape_markup("张三 (ZHANG San)"), "张三 (ZHANG San)");
}

TEST(EscapeMarkup, ControlCharactersXmlForbidsAreLeftOutButLineEndsStay) {
    EXPECT_EQ(examdocs::escape_markup(std::string("a\x01"
                                                  "b\x1f"
                                                  "c\td\ne\rf")),
              "abc\td\ne\rf");
    EXPECT_EQ(examdocs::escape_markup(std::string("x\0y", 3)), "xy");
}

}  // namespace
