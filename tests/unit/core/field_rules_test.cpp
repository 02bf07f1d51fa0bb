#include "examdocs/core/field_rules.h"

#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include "examdocs/core/image_header.h"
#include "examdocs/core/json_pointer.h"

namespace {

using namespace examdocs;

TEST(FieldRules, CalendarDates) {
    EXPECT_TRUE(is_calendar_date("2024-02-29"));
    EXPECT_FALSE(is_calendar_date("2023-02-29"));
    EXPECT_FALSE(is_calendar_date("2023-13-01"));
    EXPECT_FALSE(is_calendar_date("2023-1-01"));
    EXPECT_FALSE(is_calendar_date("20230101"));
    EXPECT_EQ(chinese_date("2026-05-01"), "2026年5月1日");
}

TEST(FieldRules, PhoneNumbers) {
    EXPECT_TRUE(is_phone_number("13802123456"));
    EXPECT_TRUE(is_phone_number("022-23456789"));
    EXPECT_TRUE(is_phone_number("02223456789"));
    EXPECT_TRUE(is_phone_number("0571-8888888-123"));
    EXPECT_FALSE(is_phone_number("12802123456"));
    EXPECT_FALSE(is_phone_number("1380212345"));
    EXPECT_FALSE(is_phone_number("138-0212-3456"));
    EXPECT_FALSE(is_phone_number("abc"));
    EXPECT_TRUE(is_postcode("300201"));
    EXPECT_FALSE(is_postcode("30020"));
}

TEST(FieldRules, Utf8) {
    EXPECT_TRUE(is_valid_utf8("张三 abc 𠮷"));
    EXPECT_FALSE(is_valid_utf8("\xC3\x28"));
    EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));          // overlong '/'
    EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));      // a surrogate
    EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
    EXPECT_FALSE(is_valid_utf8("\xE5\xBC"));          // truncated
    EXPECT_EQ(utf8_to_u32("张𠮷"), U"张𠮷");
    EXPECT_EQ(u32_to_utf8(U"张𠮷a"), "张𠮷a");
    EXPECT_EQ(utf8_length("张𠮷a"), 3u);
}

TEST(JsonPointer, ResolvesObjectsArraysAndEscapes) {
    Poco::JSON::Parser parser;
    auto doc = parser.parse(R"({"a":{"b/c":[10,{"d~e":"x"}]},"":1})");
    EXPECT_EQ(resolve_pointer(doc, "/a/b~1c/0")->convert<int>(), 10);
    EXPECT_EQ(resolve_pointer(doc, "/a/b~1c/1/d~0e")->convert<std::string>(), "x");
    EXPECT_EQ(resolve_pointer(doc, "/")->convert<int>(), 1);
    EXPECT_FALSE(resolve_pointer(doc, "/a/b~1c/2"));
    EXPECT_FALSE(resolve_pointer(doc, "/a/b~1c/01"));
    EXPECT_FALSE(resolve_pointer(doc, "/a/missing"));
    EXPECT_FALSE(resolve_pointer(doc, "/a/b~1c/0/deeper"));
    EXPECT_THROW(resolve_pointer(doc, "a"), std::invalid_argument);
    EXPECT_EQ(pointer_append("/x", "a/b~c"), "/x/a~1b~0c");
}

std::span<const std::byte> bytes(const std::string& s) {
    return std::as_bytes(std::span(s.data(), s.size()));
}

TEST(ImageHeader, ReadsPngAndJpegSizesWithoutDecoding) {
    // PNG signature + IHDR for 20000 × 20000 RGBA: a bomb is refused from these 26 bytes.
    std::string png("\x89PNG\r\n\x1A\n\0\0\0\x0DIHDR\0\0\x4E\x20\0\0\x4E\x20\x08\x06", 26);
    auto h = read_image_header(bytes(png));
    EXPECT_EQ(h.format, ImageFormat::png);
    EXPECT_EQ(h.width, 20000u);
    EXPECT_EQ(h.height, 20000u);
    EXPECT_EQ(h.components, 4);

    // SOI, an APP0 segment, then SOF2 (progressive) for 413 × 295, 3 components.
    std::string jpeg("\xFF\xD8\xFF\xE0\0\x04\0\0\xFF\xC2\0\x11\x08\x01\x27\x01\x9D\x03", 18);
    h = read_image_header(bytes(jpeg));
    EXPECT_EQ(h.format, ImageFormat::jpeg);
    EXPECT_EQ(h.width, 413u);
    EXPECT_EQ(h.height, 295u);
    EXPECT_TRUE(h.progressive);
    EXPECT_EQ(h.components, 3);
}

TEST(ImageHeader, KnowsOtherFormatsAndSurvivesTruncation) {
    EXPECT_EQ(read_image_header(bytes("GIF89a....")).format, ImageFormat::gif);
    EXPECT_EQ(read_image_header(bytes("%PDF-1.7")).format, ImageFormat::pdf);
    EXPECT_EQ(read_image_header(bytes(std::string("RIFF\0\0\0\0WEBP", 12))).format,
              ImageFormat::webp);
    EXPECT_EQ(read_image_header(bytes("hello")).format, ImageFormat::unknown);
    auto truncated = read_image_header(bytes(std::string("\xFF\xD8\xFF\xE0\0\x10", 6)));
    EXPECT_EQ(truncated.format, ImageFormat::jpeg);
    EXPECT_EQ(truncated.width, 0u);
    EXPECT_EQ(read_image_header({}).format, ImageFormat::unknown);
}

}  // namespace

#include "examdocs/core/masking.h"

namespace {

TEST(Masking, NamesAndIdNumbersLookTheSameEverywhere) {
    EXPECT_EQ(examdocs::mask_name("张晓明"), "张*明");
    EXPECT_EQ(examdocs::mask_name("张三"), "张*");
    EXPECT_EQ(examdocs::mask_name("欧阳晓明"), "欧*明");
    EXPECT_EQ(examdocs::mask_name("𠮷"), "*");
    EXPECT_EQ(examdocs::mask_id_number("12010519900307123X"), "1201**********123X");
    EXPECT_EQ(examdocs::mask_id_number("E1234567"), "********");
}

}  // namespace

#include "examdocs/core/base64.h"

namespace {

TEST(Base64, RoundTripsAndAcceptsDataUrls) {
    const std::string bytes("\xFF\xD8\x00 photo \xFF\xD9", 11);
    const std::string text = examdocs::base64_encode(bytes);
    EXPECT_EQ(text.find('\n'), std::string::npos);
    EXPECT_EQ(examdocs::base64_decode(text), bytes);
    EXPECT_EQ(examdocs::base64_decode("data:image/jpeg;base64," + text), bytes);
    EXPECT_FALSE(examdocs::base64_decode("not base64 at all!"));
    EXPECT_FALSE(examdocs::base64_decode("QUJD=QUJD"));  // text after the padding
    EXPECT_FALSE(examdocs::base64_decode("QUJDR"));      // a lone sextet is no byte
    // Line breaks, the URL-safe alphabet and every padding length.
    EXPECT_EQ(examdocs::base64_decode("QU\r\nJD"), "ABC");
    EXPECT_EQ(examdocs::base64_decode("-_-_"), examdocs::base64_decode("+/+/"));
    for (std::string s : {"", "a", "ab", "abc", "abcd", "abcde"}) {
        EXPECT_EQ(examdocs::base64_decode(examdocs::base64_encode(s)), s) << s;
    }
    EXPECT_EQ(examdocs::base64_encode("ab"), "YWI=");
    EXPECT_EQ(examdocs::base64_encode("a"), "YQ==");
}

}  // namespace
