// The image gate: every kind of file the doors accept comes out as the pixels a viewer
// shows, reduced as asked; every hostile or damaged file is refused with its code.
#include "examdocs/images/decode_image.h"

#include <gtest/gtest.h>
#include <png.h>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "examdocs/images/encode_jpeg.h"
#include "support/image_files.h"
#include "support/samples.h"

namespace {

using namespace examdocs;
using images::ImageErrorCode;

std::string fixture() {
    static const std::string bytes =
        test::read_file(test::source_path("tests/data/photos/good_295x413.jpg"));
    return bytes;
}

images::DecodeResult decode(const std::string& bytes, images::DecodeOptions options = {}) {
    return images::decode_image(std::as_bytes(std::span(bytes.data(), bytes.size())), options);
}

images::DecodeOptions bgr(int min_width = 0, int min_height = 0) {
    images::DecodeOptions o;
    o.order = images::ChannelOrder::bgr;
    o.min_width = min_width;
    o.min_height = min_height;
    return o;
}

cv::Mat mat(images::Pixels& p) {
    return cv::Mat(p.height, p.width, CV_8UC(p.channels), p.bytes.data(), p.stride());
}

double mean_difference(const cv::Mat& a, const cv::Mat& b) {
    cv::Mat resized, diff;
    cv::resize(b, resized, a.size(), 0, 0, cv::INTER_AREA);
    cv::absdiff(a, resized, diff);
    const cv::Scalar m = cv::mean(diff);
    return (m[0] + m[1] + m[2]) / a.channels();
}

ImageErrorCode refusal(const images::DecodeResult& r) {
    EXPECT_FALSE(r.pixels);
    if (!r.error) return ImageErrorCode::not_an_image;
    EXPECT_FALSE(r.error->message_zh.empty());
    EXPECT_FALSE(r.error->message_en.empty());
    return r.error->code;
}

// The fixture scaled up to 1180×1652: large enough for every reduction.
const cv::Mat& large() {
    static const cv::Mat m = [] {
        cv::Mat out;
        cv::resize(test::decode_to_mat(fixture()), out, cv::Size(), 4, 4, cv::INTER_CUBIC);
        return out;
    }();
    return m;
}

TEST(DecodeImage, AJpegAtFullSizeInEitherChannelOrder) {
    auto as_bgr = decode(fixture(), bgr());
    auto as_rgb = decode(fixture());
    ASSERT_TRUE(as_bgr) << as_bgr.error->message();
    ASSERT_TRUE(as_rgb);
    EXPECT_EQ(as_bgr.format, ImageFormat::jpeg);
    EXPECT_EQ(as_bgr.pixels->width, 295);
    EXPECT_EQ(as_bgr.pixels->height, 413);
    EXPECT_EQ(as_bgr.source_width, 295);
    EXPECT_EQ(as_bgr.pixels->bytes.size(), 295u * 413u * 3u);
    cv::Mat swapped;
    cv::cvtColor(mat(*as_rgb.pixels), swapped, cv::COLOR_RGB2BGR);
    EXPECT_EQ(cv::norm(swapped, mat(*as_bgr.pixels), cv::NORM_INF), 0.0);
}

TEST(DecodeImage, JpegsAreReducedInTheDctToTheSizeAskedFor) {
    const std::string jpeg = test::jpeg_from_mat(large(), 92);
    // {min width, min height} → the output libjpeg-turbo gives at 1/1, 1/2, 1/4 or 1/8.
    const std::vector<std::tuple<int, int, int, int>> cases = {
        {0, 0, 1180, 1652}, {1000, 0, 1180, 1652},
        {590, 0, 590, 826}, {400, 500, 590, 826} /* 1/4 would leave 295 < 400 */,
        {0, 200, 148, 207}, {100, 100, 148, 207},
        {1, 1, 148, 207}};
    for (const auto& [min_w, min_h, w, h] : cases) {
        auto r = decode(jpeg, bgr(min_w, min_h));
        ASSERT_TRUE(r);
        EXPECT_EQ(r.pixels->width, w) << min_w << "×" << min_h;
        EXPECT_EQ(r.pixels->height, h) << min_w << "×" << min_h;
        EXPECT_EQ(r.source_width, 1180);
        EXPECT_LT(mean_difference(mat(*r.pixels), large()), 4.0) << min_w << "×" << min_h;
    }
}

TEST(DecodeImage, PngsAreAveragedRowByRowToTheSizeAskedFor) {
    const std::string png = test::png_from_mat(large());
    for (const auto& [min_w, min_h, w, h] :
         std::vector<std::tuple<int, int, int, int>>{{0, 0, 1180, 1652},
                                                     {590, 0, 590, 826},
                                                     {300, 300, 394, 551},     // 1/3
                                                     {200, 200, 236, 331}}) {  // 1/5
        auto r = decode(png, bgr(min_w, min_h));
        ASSERT_TRUE(r);
        EXPECT_EQ(r.pixels->width, w);
        EXPECT_EQ(r.pixels->height, h);
        EXPECT_LT(mean_difference(mat(*r.pixels), large()), 3.0) << min_w;
    }
}

// Four flat quadrants (red, green, blue, white from top left, clockwise), so that each
// of the eight orientations puts a known colour in each corner.
std::string quadrants_with_orientation(int orientation) {
    cv::Mat m(48, 64, CV_8UC3);
    m(cv::Rect(0, 0, 32, 24)).setTo(cv::Scalar(0, 0, 255));
    m(cv::Rect(32, 0, 32, 24)).setTo(cv::Scalar(0, 255, 0));
    m(cv::Rect(32, 24, 32, 24)).setTo(cv::Scalar(255, 0, 0));
    m(cv::Rect(0, 24, 32, 24)).setTo(cv::Scalar(255, 255, 255));
    const std::string jpeg = test::jpeg_from_mat(m, 100);
    const std::string tiff = std::string("MM\0*\0\0\0\x08\0\x01", 10) +  // big-endian this time
                             std::string("\x01\x12\0\x03\0\0\0\x01\0", 9) +
                             static_cast<char>(orientation) + std::string("\0\0\0\0\0\0", 6);
    const std::string payload = std::string("Exif\0\0", 6) + tiff;
    std::string app1 = "\xFF\xE1";
    app1 += static_cast<char>((payload.size() + 2) >> 8);
    app1 += static_cast<char>((payload.size() + 2) & 0xFF);
    return jpeg.substr(0, 2) + app1 + payload + jpeg.substr(2);
}

TEST(DecodeImage, ExifOrientationIsAppliedAsAViewerWould) {
    // What a viewer shows in the top-left, top-right, bottom-right, bottom-left corners.
    const char* shown[9] = {"", "RGBW", "GRWB", "BWRG", "WBGR", "RWBG", "WRGB", "BGRW", "GBWR"};
    for (int orientation = 1; orientation <= 8; ++orientation) {
        auto r = decode(quadrants_with_orientation(orientation), bgr());
        ASSERT_TRUE(r) << orientation;
        EXPECT_EQ(r.orientation, orientation);
        const bool turned = orientation >= 5;
        EXPECT_EQ(r.pixels->width, turned ? 48 : 64) << orientation;
        EXPECT_EQ(r.source_width, turned ? 48 : 64) << orientation;
        const cv::Mat m = mat(*r.pixels);
        auto colour = [&](int x, int y) {
            const auto p = m.at<cv::Vec3b>(y, x);
            if (p[0] > 200 && p[1] > 200 && p[2] > 200) return 'W';
            if (p[2] > 200) return 'R';
            if (p[1] > 200) return 'G';
            return p[0] > 200 ? 'B' : '?';
        };
        const int w = m.cols - 4, h = m.rows - 4;
        const std::string corners = {colour(3, 3), colour(w, 3), colour(w, h), colour(3, h)};
        EXPECT_EQ(corners, shown[orientation]) << "orientation " << orientation;
    }
}

TEST(DecodeImage, TransparencyIsFlattenedOntoWhite) {
    cv::Mat rgba(20, 30, CV_8UC4, cv::Scalar(0, 0, 255, 255));      // opaque red
    rgba(cv::Rect(0, 0, 10, 20)).setTo(cv::Scalar(0, 0, 0, 0));     // transparent black
    rgba(cv::Rect(10, 0, 10, 20)).setTo(cv::Scalar(0, 0, 0, 128));  // half-transparent black
    auto r = decode(test::png_from_mat(rgba), bgr());
    ASSERT_TRUE(r);
    const cv::Mat m = mat(*r.pixels);
    EXPECT_EQ(m.at<cv::Vec3b>(5, 5), cv::Vec3b(255, 255, 255));
    EXPECT_NEAR(m.at<cv::Vec3b>(5, 15)[0], 127, 1);
    EXPECT_EQ(m.at<cv::Vec3b>(5, 25), cv::Vec3b(0, 0, 255));
}

TEST(DecodeImage, GreySixteenBitPaletteAndCmykComeOutAsEightBitColour) {
    cv::Mat colour = test::decode_to_mat(fixture());
    cv::Mat grey;
    cv::cvtColor(colour, grey, cv::COLOR_BGR2GRAY);
    cv::Mat deep;
    colour.convertTo(deep, CV_16UC3, 257);
    const std::string palette =
        test::png_from_rows(6, 1, PNG_COLOR_TYPE_PALETTE, 8, [](int, std::uint8_t* row) {
            for (int x = 0; x < 6; ++x) row[x] = static_cast<std::uint8_t>(x * 43);
        });
    const std::string one_bit =
        test::png_from_rows(16, 2, PNG_COLOR_TYPE_GRAY, 1, [](int y, std::uint8_t* row) {
            row[0] = y == 0 ? 0xFF : 0x00;
            row[1] = 0x0F;
        });
    struct Case {
        const char* name;
        std::string bytes;
        cv::Mat expected;
        double tolerance;
    };
    cv::Mat grey3;
    cv::cvtColor(grey, grey3, cv::COLOR_GRAY2BGR);
    const std::vector<Case> cases = {
        {"grey PNG", test::png_from_mat(grey), grey3, 0.0},
        {"grey JPEG", test::jpeg_from_mat(grey, 95), grey3, 2.0},
        {"16-bit PNG", test::png_from_mat(deep), colour, 0.0},
        {"CMYK JPEG", test::cmyk_jpeg_from_mat(colour), colour, 4.0},
        {"progressive JPEG", test::progressive_jpeg_from_mat(colour), colour, 4.0},
    };
    for (const auto& c : cases) {
        auto r = decode(c.bytes, bgr());
        ASSERT_TRUE(r) << c.name << ": " << r.error->message();
        EXPECT_EQ(r.pixels->channels, 3);
        EXPECT_LE(mean_difference(mat(*r.pixels), c.expected), c.tolerance) << c.name;
    }
    auto p = decode(palette, bgr());
    ASSERT_TRUE(p);
    // Palette index 43 is r=1, g=1, b=1 in steps of 51.
    EXPECT_EQ(mat(*p.pixels).at<cv::Vec3b>(0, 1), cv::Vec3b(51, 51, 51));
    auto bits = decode(one_bit, bgr());
    ASSERT_TRUE(bits);
    EXPECT_EQ(mat(*bits.pixels).at<cv::Vec3b>(0, 0), cv::Vec3b(255, 255, 255));
    EXPECT_EQ(mat(*bits.pixels).at<cv::Vec3b>(1, 0), cv::Vec3b(0, 0, 0));
    EXPECT_EQ(mat(*bits.pixels).at<cv::Vec3b>(1, 15), cv::Vec3b(255, 255, 255));
    // And grey output, for QR reading.
    images::DecodeOptions one_channel;
    one_channel.channels = 1;
    auto g = decode(fixture(), one_channel);
    ASSERT_TRUE(g);
    EXPECT_EQ(g.pixels->channels, 1);
    EXPECT_LE(mean_difference(mat(*g.pixels), grey), 1.0);
}

TEST(DecodeImage, InterlacedPngsAreReadWholeAndReduced) {
    const cv::Mat colour = test::decode_to_mat(fixture());
    auto png = [&](bool interlaced) {
        return test::png_from_rows(
            colour.cols, colour.rows, PNG_COLOR_TYPE_RGB, 8,
            [&](int y, std::uint8_t* row) {
                for (int x = 0; x < colour.cols; ++x) {
                    const auto p = colour.at<cv::Vec3b>(y, x);
                    row[3 * x] = p[2];
                    row[3 * x + 1] = p[1];
                    row[3 * x + 2] = p[0];
                }
            },
            interlaced);
    };
    auto interlaced = decode(png(true), bgr(100, 100));
    auto plain = decode(png(false), bgr(100, 100));
    ASSERT_TRUE(interlaced);
    ASSERT_TRUE(plain);
    EXPECT_EQ(interlaced.pixels->width, 148);
    EXPECT_EQ(interlaced.pixels->bytes, plain.pixels->bytes);
}

TEST(DecodeImage, WhatIsNotAJpegOrPngIsRefusedBySignature) {
    EXPECT_EQ(refusal(decode("")), ImageErrorCode::not_an_image);
    EXPECT_EQ(refusal(decode("hello, I am text")), ImageErrorCode::not_an_image);
    auto gif = decode("GIF89a\x01\x00\x01\x00");
    EXPECT_EQ(refusal(gif), ImageErrorCode::format);
    EXPECT_EQ(gif.format, ImageFormat::gif);
    EXPECT_EQ(images::to_string(ImageErrorCode::format), "image-format");
}

TEST(DecodeImage, BombsAreRefusedFromTheirHeader) {
    const std::string bomb("\x89PNG\r\n\x1A\n\0\0\0\x0DIHDR\0\0\x4E\x20\0\0\x4E\x20\x08\x06\0\0\0",
                           29);
    auto r = decode(bomb);
    EXPECT_EQ(refusal(r), ImageErrorCode::too_large);
    EXPECT_EQ(r.source_width, 20000);
    images::DecodeOptions small;
    small.limits.max_pixels = 100'000;
    EXPECT_EQ(refusal(decode(fixture(), small)), ImageErrorCode::too_large);
    EXPECT_TRUE(decode(fixture(), small).error->message_en.find("295×413") != std::string::npos);
}

TEST(DecodeImage, AJpegWithThousandsOfScansIsRefusedBeforeDecoding) {
    const std::string jpeg = test::many_scan_jpeg(320, 240);
    auto r = decode(jpeg);
    EXPECT_EQ(refusal(r), ImageErrorCode::scans);
    EXPECT_NE(r.error->message_en.find("2090 scans"), std::string::npos) << r.error->message_en;
    // The same file is a valid JPEG: with the cap lifted it decodes.
    images::DecodeOptions lifted;
    lifted.limits.max_jpeg_scans = 5000;
    EXPECT_TRUE(decode(jpeg, lifted));
}

TEST(DecodeImage, AProgressiveJpegBeyondTheDecoderMemoryIsRefused) {
    const std::string jpeg = test::progressive_jpeg_from_mat(large());
    images::DecodeOptions tight;
    tight.limits.max_decoder_memory = 1u << 20;  // the coefficients need ~4 MB
    tight.min_width = 100;                       // reduced output does not change that
    EXPECT_EQ(refusal(decode(jpeg, tight)), ImageErrorCode::too_large);
    EXPECT_TRUE(decode(jpeg));
}

TEST(DecodeImage, TruncatedAndCorruptFilesAreRefused) {
    const std::string jpeg = test::jpeg_from_mat(large(), 90);
    const std::string progressive = test::progressive_jpeg_from_mat(large());
    const std::string png = test::png_from_mat(large());
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"JPEG header only", jpeg.substr(0, 300)},
        {"JPEG cut in the middle", jpeg.substr(0, jpeg.size() / 2)},
        {"JPEG cut at 85 % with FF D9 appended", test::cut_with_end_marker(jpeg, 0.85)},
        {"JPEG without its end marker", jpeg.substr(0, jpeg.size() - 2)},
        {"progressive JPEG cut at 85 % with FF D9", test::cut_with_end_marker(progressive, 0.85)},
        {"PNG cut in the middle", png.substr(0, png.size() / 2)},
        {"PNG without IEND", test::png_without_iend(png)},
        {"PNG with a damaged IDAT",
         [&] {
             std::string damaged = png;
             damaged[damaged.size() / 2] = static_cast<char>(damaged[damaged.size() / 2] ^ 0x55);
             return damaged;
         }()},
    };
    for (const auto& [name, bytes] : cases) {
        for (const auto& options : {bgr(), bgr(100, 100)}) {
            auto r = decode(bytes, options);
            EXPECT_EQ(refusal(r), ImageErrorCode::truncated) << name;
            EXPECT_EQ(images::to_string(ImageErrorCode::truncated), "truncated-image");
        }
    }
    // Bytes after the end marker are not part of the image and change nothing.
    EXPECT_TRUE(decode(jpeg + "TRAILING"));
}

TEST(DecodeImage, ABigRgbaPngIsReducedWithoutHoldingIt) {
    const std::string png = test::big_rgba_png(6300);
    EXPECT_LT(png.size(), 1'000'000u);
    auto r = decode(png, bgr(1600, 1600));
    ASSERT_TRUE(r) << r.error->message();
    EXPECT_EQ(r.source_width, 6300);
    EXPECT_EQ(r.pixels->width, 2100);  // 1/3
    const cv::Mat m = mat(*r.pixels);
    EXPECT_EQ(m.at<cv::Vec3b>(10, 10), cv::Vec3b(255, 255, 255));     // transparent band
    EXPECT_EQ(m.at<cv::Vec3b>(1050, 1050), cv::Vec3b(90, 90, 90));    // the square
    EXPECT_EQ(m.at<cv::Vec3b>(1050, 100), cv::Vec3b(250, 250, 250));  // the rest
}

TEST(EncodeJpeg, WritesWhatTheGateReadsBack) {
    const cv::Mat colour = test::decode_to_mat(fixture());
    // A crop through the view's stride, in BGR.
    const cv::Mat crop = colour(cv::Rect(20, 30, 200, 300));
    const std::string jpeg = images::encode_jpeg(
        images::PixelView{crop.data, crop.cols, crop.rows, 3, crop.step, images::ChannelOrder::bgr},
        90);
    EXPECT_EQ(jpeg.rfind("\xFF\xD8\xFF", 0), 0u);
    EXPECT_EQ(jpeg.find("Exif"), std::string::npos);
    auto r = decode(jpeg, bgr());
    ASSERT_TRUE(r);
    EXPECT_EQ(r.pixels->width, 200);
    EXPECT_LT(mean_difference(mat(*r.pixels), crop), 3.0);
    EXPECT_THROW(images::encode_jpeg(images::PixelView{}, 90), std::invalid_argument);
}

}  // namespace
