// Photo checks on the fixtures and on photos derived from them in the test, each case
// asserting exactly which checks fail.
#include "examdocs/photos/photo_check.h"

#include <gtest/gtest.h>

#include <png.h>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <set>

#include "support/image_files.h"
#include "support/samples.h"

namespace {

using namespace examdocs;
using namespace examdocs::photos;

const PhotoProfile& profile(const std::string& name) { return builtin_photo_profiles().at(name); }

std::string fixture(const std::string& name) {
    return test::read_file(test::source_path("tests/data/photos/" + name));
}

cv::Mat image(const std::string& name) { return test::decode_to_mat(fixture(name)); }

std::string encode(const cv::Mat& m, const std::string& ext = ".jpg", int quality = 95) {
    return ext == ".png" ? test::png_from_mat(m) : test::jpeg_from_mat(m, quality);
}

PhotoReport check(const std::string& bytes, const std::string& profile_name = "ruankao") {
    return check_photo(std::as_bytes(std::span(bytes.data(), bytes.size())), profile(profile_name));
}

std::set<std::string> failing(const PhotoReport& r) {
    std::set<std::string> codes;
    for (const auto& c : r.checks) {
        if (!c.passed) codes.insert(c.code);
    }
    return codes;
}

using Codes = std::set<std::string>;

// The 软考 words "大于30K" and "大于295*413", read as at least 30 × 1,024 bytes and at least
// 295×413 pixels (RuankaoPhotoReading): the boundary either side, on the same picture.
std::string padded_to(const std::string& jpeg, std::size_t size) {
    // A comment segment (FF FE) right after SOI: valid JPEG of exactly `size` bytes.
    const std::size_t segment = size - jpeg.size();  // marker (2) + length (2) + text
    std::string padded = jpeg.substr(0, 2);
    padded += "\xFF\xFE";
    padded += static_cast<char>(((segment - 2) >> 8) & 0xFF);
    padded += static_cast<char>((segment - 2) & 0xFF);
    padded += std::string(segment - 4, 'x');
    padded += jpeg.substr(2);
    return padded;
}

bool check_passed(const PhotoReport& r, const std::string& code) {
    for (const auto& c : r.checks) {
        if (c.code == code) return c.passed;
    }
    ADD_FAILURE() << "no check " << code;
    return false;
}

TEST(PhotoCheck, RuankaoReadsDaYuAsAtLeastAndKAs1024Bytes) {
    EXPECT_EQ(profile("ruankao").min_bytes, 30720);
    cv::Mat m;
    cv::resize(image("good_413x579.jpg"), m, cv::Size(295, 413), 0, 0, cv::INTER_AREA);
    const std::string base = encode(m, ".jpg", 80);
    ASSERT_LT(base.size(), 29000u);
    for (const auto& [size, passes] :
         {std::pair{30000u, false}, {30719u, false}, {30720u, true}, {30721u, true}}) {
        const auto r = check(padded_to(base, size));
        ASSERT_EQ(r.bytes, static_cast<long long>(size));
        EXPECT_EQ(check_passed(r, "file-size"), passes) << size << " bytes";
    }
    // Exactly 295×413 and 30,720 bytes passes everything; one pixel narrower does not.
    EXPECT_EQ(failing(check(padded_to(base, 30720))), Codes{});
    cv::Mat narrow;
    cv::resize(image("good_413x579.jpg"), narrow, cv::Size(294, 413), 0, 0, cv::INTER_AREA);
    EXPECT_EQ(failing(check(padded_to(encode(narrow, ".jpg", 80), 30720))), Codes{"dimensions"});
    // The 295×413 fixture is 30,182 bytes: "29.4 KB" to a candidate, under 30K.
    EXPECT_EQ(failing(check(fixture("good_295x413.jpg"))), Codes{"file-size"});
}

TEST(PhotoCheck, SkillCertNormalisesToOneInch) {
    const std::string bytes = fixture("good_413x579.jpg");
    auto n = normalize_photo(std::as_bytes(std::span(bytes.data(), bytes.size())),
                             profile("skill-cert"));
    ASSERT_FALSE(n.jpeg.empty()) << n.problem_detail;
    const cv::Mat out = test::decode_to_mat(n.jpeg);
    EXPECT_EQ(out.cols, 295);  // 一寸, 25×35 mm at 300 dpi
    EXPECT_EQ(out.rows, 413);
}

TEST(PhotoCheck, TheGoodFixturesPass) {
    for (const char* name : {"good_413x579.jpg"}) {
        auto r = check(fixture(name));
        EXPECT_TRUE(r.passed) << name;
        EXPECT_EQ(failing(r), Codes{}) << name;
        ASSERT_TRUE(r.face) << name;
        for (const auto& c : r.checks) {
            EXPECT_FALSE(c.message_cn.empty());
            EXPECT_FALSE(c.message_en.empty());
            EXPECT_FALSE(c.measured.empty()) << c.code;
        }
    }
}

TEST(PhotoCheck, GreyBackgroundFailsOnlyTheBackground) {
    auto r = check(fixture("grey_background.jpg"));
    EXPECT_FALSE(r.passed);
    EXPECT_EQ(failing(r), Codes{"background"});
}

TEST(PhotoCheck, Blurred) {
    cv::Mat m = image("good_413x579.jpg");
    cv::GaussianBlur(m, m, cv::Size(0, 0), 4);
    EXPECT_EQ(failing(check(encode(m))), Codes{"sharpness"});
}

TEST(PhotoCheck, Darkened) {
    cv::Mat m = image("good_413x579.jpg");
    m.convertTo(m, -1, 0.3, 0);
    // The wall went grey too, and at a third of the contrast the Laplacian's variance
    // falls to a tenth: darkness reads as blur as well.
    EXPECT_EQ(failing(check(encode(m), "skill-cert")),
              (Codes{"background", "exposure", "sharpness"}));
}

TEST(PhotoCheck, OverExposed) {
    cv::Mat m = image("good_413x579.jpg");
    m.convertTo(m, -1, 1.6, 70);
    EXPECT_EQ(failing(check(encode(m), "skill-cert")), Codes{"exposure"});
}

TEST(PhotoCheck, TooSmall) {
    cv::Mat m = image("good_295x413.jpg");
    cv::resize(m, m, cv::Size(200, 280), 0, 0, cv::INTER_AREA);
    EXPECT_EQ(failing(check(encode(m))), (Codes{"dimensions", "file-size"}));
}

TEST(PhotoCheck, Greyscale) {
    cv::Mat m = image("good_413x579.jpg");
    cv::cvtColor(m, m, cv::COLOR_BGR2GRAY);
    cv::cvtColor(m, m, cv::COLOR_GRAY2BGR);
    EXPECT_EQ(failing(check(encode(m))), Codes{"colour"});
}

TEST(PhotoCheck, TwoFaces) {
    cv::Mat m = image("good_413x579.jpg");
    cv::Mat both;
    cv::hconcat(m, m, both);
    auto codes = failing(check(encode(both), "attachment"));
    EXPECT_EQ(codes, Codes{});  // no face checks there
    auto r = check(encode(both));
    // Two photos side by side: twice as wide as 5:7, hair in the top corners, two faces.
    EXPECT_EQ(failing(r), (Codes{"aspect-ratio", "background", "face-count"}));
    EXPECT_EQ(r.checks.back().code, "face-count");
    EXPECT_EQ(r.checks.back().measured, "2");
}

TEST(PhotoCheck, FaceOffCentre) {
    cv::Mat m = image("good_413x579.jpg");
    cv::Mat shifted(m.size(), m.type(), cv::Scalar(255, 255, 255));
    const int dx = m.cols / 4;
    m(cv::Rect(0, 0, m.cols - dx, m.rows)).copyTo(shifted(cv::Rect(dx, 0, m.cols - dx, m.rows)));
    // The hair now reaches the right-hand border, so the background check sees it too.
    EXPECT_EQ(failing(check(encode(shifted))), (Codes{"background", "face-position"}));
}

TEST(PhotoCheck, TinyFace) {
    cv::Mat m = image("good_413x579.jpg");
    cv::Mat small;
    cv::resize(m, small, cv::Size(), 0.7, 0.7, cv::INTER_AREA);
    cv::Mat canvas(m.size(), m.type(), cv::Scalar(255, 255, 255));
    small.copyTo(
        canvas(cv::Rect((m.cols - small.cols) / 2, m.rows - small.rows, small.cols, small.rows)));
    auto codes = failing(check(encode(canvas), "skill-cert"));
    std::string all;
    for (const auto& c : codes) all += c + " ";
    EXPECT_EQ(codes, Codes{"face-size"}) << all;
}

TEST(PhotoCheck, PngWithAlphaIsJudgedOnWhite) {
    cv::Mat m = image("good_413x579.jpg");
    cv::Mat rgba;
    cv::cvtColor(m, rgba, cv::COLOR_BGR2BGRA);
    // A transparent frame around the photo: it must count as white, not black.
    for (int y = 0; y < rgba.rows; ++y) {
        for (int x = 0; x < rgba.cols; ++x) {
            if (x < 15 || y < 15 || x >= rgba.cols - 15)
                rgba.at<cv::Vec4b>(y, x) = cv::Vec4b(0, 0, 0, 0);
        }
    }
    auto r = check(encode(rgba, ".png"), "skill-cert");
    EXPECT_EQ(r.format, ImageFormat::png);
    EXPECT_EQ(failing(r), Codes{});
    EXPECT_TRUE(failing(check(encode(rgba, ".png"))).count("format"));  // 软考 takes JPEG only
}

TEST(PhotoCheck, SixteenBitPngIsRead) {
    cv::Mat m = image("good_413x579.jpg");
    cv::Mat deep;
    m.convertTo(deep, CV_16UC3, 257);
    auto r = check(encode(deep, ".png"), "skill-cert");
    EXPECT_EQ(r.rejection, Rejection::none);
    EXPECT_EQ(failing(r), Codes{});
}

// A palette PNG (colour type 3), quantised to 6×6×6 colours.
std::string palette_png(const cv::Mat& bgr) {
    return test::png_from_rows(
        bgr.cols, bgr.rows, PNG_COLOR_TYPE_PALETTE, 8, [&](int y, std::uint8_t* row) {
            for (int x = 0; x < bgr.cols; ++x) {
                const auto p = bgr.at<cv::Vec3b>(y, x);
                row[x] = static_cast<std::uint8_t>((p[2] * 6 / 256) * 36 + (p[1] * 6 / 256) * 6 +
                                                   p[0] * 6 / 256);
            }
        });
}

std::string cmyk_jpeg(const cv::Mat& bgr) { return test::cmyk_jpeg_from_mat(bgr); }

TEST(PhotoCheck, PalettePngIsRead) {
    auto r = check(palette_png(image("good_413x579.jpg")), "skill-cert");
    EXPECT_EQ(r.rejection, Rejection::none);
    EXPECT_EQ(r.width, 413);
    EXPECT_EQ(failing(r), Codes{});
}

TEST(PhotoCheck, CmykJpegIsRead) {
    const std::string jpeg = cmyk_jpeg(image("good_413x579.jpg"));
    EXPECT_EQ(read_image_header(std::as_bytes(std::span(jpeg.data(), jpeg.size()))).components, 4);
    auto r = check(jpeg, "skill-cert");
    EXPECT_EQ(r.rejection, Rejection::none);
    EXPECT_EQ(failing(r), Codes{});
}

TEST(PhotoCheck, ExifRotatedPhotoIsMeasuredAsDisplayed) {
    const std::string jpeg = fixture("good_413x579.jpg");
    const std::string tiff = std::string("II*\0\x08\0\0\0\x01\0", 10) +
                             std::string("\x12\x01\x03\0\x01\0\0\0\x06\0\0\0\0\0\0\0", 16);
    const std::string payload = std::string("Exif\0\0", 6) + tiff;
    std::string app1 = "\xFF\xE1";
    app1 += static_cast<char>((payload.size() + 2) >> 8);
    app1 += static_cast<char>((payload.size() + 2) & 0xFF);
    auto r = check(jpeg.substr(0, 2) + app1 + payload + jpeg.substr(2));
    EXPECT_EQ(r.width, 579);  // turned: landscape
    EXPECT_EQ(r.height, 413);
    std::string all;
    for (const auto& c : failing(r)) all += c + " ";
    // Turned on its side: the wrong shape, shoulders at the border, no upright face.
    EXPECT_EQ(failing(r), (Codes{"aspect-ratio", "background", "face-count"})) << all;
}

TEST(PhotoCheck, AppendedBytesDoNotChangeTheVerdict) {
    auto r = check(fixture("good_413x579.jpg") + std::string(5000, 'A'));
    EXPECT_EQ(failing(r), Codes{});
}

TEST(PhotoCheck, NotAnImageTruncatedAndUnsupportedAreRejected) {
    EXPECT_EQ(check("").rejection, Rejection::not_an_image);
    EXPECT_EQ(check("hello, I am a text file").rejection, Rejection::not_an_image);
    EXPECT_EQ(check(fixture("good_295x413.jpg").substr(0, 300)).rejection, Rejection::not_an_image);
    EXPECT_EQ(check(fixture("good_295x413.jpg").substr(0, 20000)).rejection,
              Rejection::not_an_image);
    EXPECT_EQ(check("GIF89a\x01\x00\x01\x00").rejection, Rejection::unsupported_type);
    cv::Mat m = image("good_295x413.jpg");
    const std::string png = encode(m, ".png");
    EXPECT_EQ(check(png.substr(0, png.size() / 2), "skill-cert").rejection,
              Rejection::not_an_image);
}

TEST(PhotoCheck, ABombIsRefusedFromItsHeader) {
    const std::string bomb("\x89PNG\r\n\x1A\n\0\0\0\x0DIHDR\0\0\x4E\x20\0\0\x4E\x20\x08\x06\0\0\0",
                           29);
    auto r = check(bomb, "skill-cert");
    EXPECT_FALSE(r.passed);
    EXPECT_EQ(r.rejection, Rejection::none);
    EXPECT_TRUE(failing(r).count("dimensions"));
}

TEST(PhotoCheck, AJpegWithThousandsOfScansIsNotDecoded) {
    std::string jpeg(
        "\xFF\xD8\xFF\xC2\0\x11\x08\x01\x9D\x01\x27\x03\x01\x11\0\x02\x11\x01\x03\x11\x01", 21);
    for (int i = 0; i < 2000; ++i) jpeg += std::string("\xFF\xDA\0\x08\x01\x01\0\0\x3F\0", 10);
    jpeg += "\xFF\xD9";
    EXPECT_EQ(check(jpeg).rejection, Rejection::not_an_image);
}

TEST(PhotoNormalize, FixableFixturesComeOutPassing) {
    cv::Mat shifted = image("good_413x579.jpg");
    {
        cv::Mat s(shifted.size(), shifted.type(), cv::Scalar(255, 255, 255));
        const int dx = shifted.cols / 4;
        shifted(cv::Rect(0, 0, shifted.cols - dx, shifted.rows))
            .copyTo(s(cv::Rect(dx, 0, shifted.cols - dx, shifted.rows)));
        shifted = s;
    }
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"good", fixture("good_413x579.jpg")},
        {"grey background", fixture("grey_background.jpg")},
        {"off centre", encode(shifted)},
        {"trailing bytes", fixture("good_295x413.jpg") + "TRAILER"},
    };
    for (const auto& profile_name : {"ruankao", "skill-cert", "ga461"}) {
        for (const auto& [name, bytes] : cases) {
            auto n = normalize_photo(std::as_bytes(std::span(bytes.data(), bytes.size())),
                                     profile(profile_name));
            std::string why;
            for (const auto& c : n.report.checks) {
                if (!c.passed) why += c.code + "=" + c.measured + " (" + c.limit + ") ";
            }
            ASSERT_FALSE(n.jpeg.empty())
                << profile_name << " / " << name << ": " << n.problem_detail << " " << why;
            EXPECT_TRUE(n.report.passed) << profile_name << " / " << name;
            EXPECT_EQ(check(n.jpeg, profile_name).passed, true) << profile_name << " / " << name;
            EXPECT_EQ(n.jpeg.find("TRAILER"), std::string::npos);
            EXPECT_EQ(n.jpeg.find("Exif"), std::string::npos);
        }
    }
}

TEST(PhotoNormalize, NoFaceOrTwoFacesCannotBeFixed) {
    cv::Mat m = image("good_413x579.jpg");
    cv::Mat both;
    cv::hconcat(m, m, both);
    const std::string two = encode(both);
    auto n = normalize_photo(std::as_bytes(std::span(two.data(), two.size())), profile("ruankao"));
    EXPECT_TRUE(n.jpeg.empty());
    EXPECT_EQ(n.problem_code, "several-faces");

    cv::Mat blank(413, 295, CV_8UC3, cv::Scalar(255, 255, 255));
    const std::string none = encode(blank);
    auto n2 =
        normalize_photo(std::as_bytes(std::span(none.data(), none.size())), profile("ruankao"));
    EXPECT_EQ(n2.problem_code, "no-face");
}

TEST(PhotoProfiles, OperatorsAddAndOverrideWithoutCode) {
    auto profiles = load_photo_profiles(R"({"profiles":[
        {"name":"ruankao","minBytes":1000},
        {"name":"passport","formats":["jpeg"],"minWidth":600,"minHeight":800,"aspect":0.75,
         "whiteBackground":true,"faceChecks":true,"targetWidth":600,"targetHeight":800}]})");
    EXPECT_EQ(profiles.at("ruankao").min_bytes, 1000);
    EXPECT_EQ(profiles.at("ruankao").min_width, 295);  // the rest is kept
    EXPECT_EQ(profiles.at("passport").target_height, 800);
    EXPECT_TRUE(profiles.count("ga461"));
    EXPECT_THROW(load_photo_profiles(R"({"profiles":[{"name":"x","formats":["gif"]}]})"),
                 std::invalid_argument);
}

}  // namespace
