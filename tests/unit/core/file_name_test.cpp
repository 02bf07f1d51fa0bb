// ASCII download names: pinyin for Chinese, accents dropped, nothing unsafe.
#include "examdocs/core/file_name.h"

#include <gtest/gtest.h>

namespace {

TEST(AsciiFileName, ChineseBecomesPinyinAWordPerRun) {
    EXPECT_EQ(examdocs::ascii_file_name("准考证-2026110100001.pdf"),
              "zhunkaozheng-2026110100001.pdf");
    EXPECT_EQ(examdocs::ascii_file_name("成绩通知单-张三.pdf"), "chengjitongzhidan-zhangsan.pdf");
    EXPECT_EQ(examdocs::ascii_file_name("admission-ticket-7f3a.zip"), "admission-ticket-7f3a.zip");
}

TEST(AsciiFileName, OtherLettersLoseTheirAccentsAndUnsafeCharactersGo) {
    EXPECT_EQ(examdocs::ascii_file_name("准考证-迪丽娜尔·吐尔逊.pdf"),
              "zhunkaozheng-dilinaer-tuerxun.pdf");
    EXPECT_EQ(examdocs::ascii_file_name("Zoë \"x\"/../a.pdf"), "Zoe-x-..-a.pdf");
    EXPECT_EQ(examdocs::ascii_file_name("☃"), "download");
}

}  // namespace
