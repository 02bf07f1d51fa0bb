// The photo path: EXIF orientation applied, shape and resolution bounded, never the
// uploaded bytes.
#include "../../../renderers/src/photo.h"

#include <gtest/gtest.h>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <sstream>

#include "examdocs/core/base64.h"
#include "support/image_files.h"
#include "support/samples.h"

namespace {

using examdocs::renderers::prepare_photo;

std::string base64(const std::string& bytes) { return examdocs::base64_encode(bytes); }

cv::Mat decode(const std::string& jpeg) { return examdocs::test::decode_to_mat(jpeg); }

// The fixture with an EXIF APP1 segment saying "rotate 90° clockwise to display"
// (orientation 6), as phone cameras write it.
std::string with_orientation_6(const std::string& jpeg) {
    const std::string tiff =
        std::string("II*\0\x08\0\0\0", 8) +                      // little-endian TIFF
        std::string("\x01\0", 2) +                               // one IFD entry
        std::string("\x12\x01\x03\0\x01\0\0\0\x06\0\0\0", 12) +  // Orientation = 6
        std::string("\0\0\0\0", 4);                              // no next IFD
    const std::string payload = std::string("Exif\0\0", 6) + tiff;
    const auto length = static_cast<unsigned>(payload.size() + 2);
    std::string app1 = "\xFF\xE1";
    app1 += static_cast<char>(length >> 8);
    app1 += static_cast<char>(length & 0xFF);
    return jpeg.substr(0, 2) + app1 + payload + jpeg.substr(2);
}

double mean_difference(const cv::Mat& a, const cv::Mat& b) {
    cv::Mat resized;
    cv::resize(b, resized, a.size());
    cv::Mat diff;
    cv::absdiff(a, resized, diff);
    const cv::Scalar m = cv::mean(diff);
    return (m[0] + m[1] + m[2]) / 3;
}

const std::string& fixture() {
    static const std::string bytes = examdocs::test::read_file(
        examdocs::test::source_path("tests/data/photos/good_295x413.jpg"));
    return bytes;
}

TEST(Photo, ExifOrientationIsAppliedBeforeCropping) {
    // A landscape box, the shape of the photo once turned as its EXIF says.
    const float box_w = 413 * 72.0F / 300, box_h = 295 * 72.0F / 300;
    auto result = prepare_photo(base64(with_orientation_6(fixture())), box_w, box_h);
    ASSERT_TRUE(result.photo) << result.problem->message;
    const cv::Mat out = decode(result.photo->jpeg);
    EXPECT_GT(out.cols, out.rows);
    cv::Mat turned;
    cv::rotate(decode(fixture()), turned, cv::ROTATE_90_CLOCKWISE);
    EXPECT_LT(mean_difference(out, turned), 12.0) << "the photo was not turned";
}

TEST(Photo, CroppedToTheBoxAndAtMost300Dpi) {
    // A square box 20 mm wide: at most 236 pixels across.
    const float side = 20 * 72.0F / 25.4F;
    auto result = prepare_photo(base64(fixture()), side, side);
    ASSERT_TRUE(result.photo);
    EXPECT_EQ(result.photo->width, result.photo->height);
    EXPECT_LE(result.photo->width, 237);
    const cv::Mat out = decode(result.photo->jpeg);
    EXPECT_EQ(out.cols, result.photo->width);
}

TEST(Photo, ReducedDecodingLooksLikeTheFullImage) {
    // Large JPEGs are scaled inside the DCT, large PNGs averaged row by row; what comes
    // out must look like the full-size decoding of the same file, at every size.
    cv::Mat large;
    cv::resize(decode(fixture()), large, cv::Size(), 4, 4, cv::INTER_CUBIC);
    const std::string large_jpeg = examdocs::test::jpeg_from_mat(large, 90);
    const std::string large_png = examdocs::test::png_from_mat(large);
    cv::Mat grey;
    cv::cvtColor(decode(fixture()), grey, cv::COLOR_BGR2GRAY);
    const std::string grey_jpeg = examdocs::test::jpeg_from_mat(grey, 90);
    const float box_w = 25 * 72.0F / 25.4F, box_h = 35 * 72.0F / 25.4F;
    for (const std::string& input : {fixture(), large_jpeg, large_png, grey_jpeg}) {
        auto result = prepare_photo(base64(input), box_w, box_h, 200);
        ASSERT_TRUE(result.photo) << result.problem->message;
        EXPECT_EQ(result.photo->width, 196) << "25 mm at 200 dpi";
        const cv::Mat out = decode(result.photo->jpeg);
        cv::Mat reference = decode(input);
        EXPECT_LT(mean_difference(out, reference), 6.0) << input.size() << " bytes";
    }
}

TEST(Photo, MetadataAndTrailingBytesAreDropped) {
    std::string marked = with_orientation_6(fixture()) + "TRAILING-PAYLOAD";
    auto result = prepare_photo(base64(marked), 70, 99);
    ASSERT_TRUE(result.photo);
    EXPECT_EQ(result.photo->jpeg.find("Exif"), std::string::npos);
    EXPECT_EQ(result.photo->jpeg.find("TRAILING-PAYLOAD"), std::string::npos);
}

TEST(Photo, ABoxSizedBaselineUploadIsRewrittenWithoutTouchingItsPixels) {
    // 25 × 35 mm at 200 dpi takes 196 pixels across; an upload already that shape and no
    // larger, at a quality no finer than ours, keeps its exact pixels (no second
    // quantisation), and still loses its comments and trailing bytes.
    cv::Mat sized;
    cv::resize(decode(fixture()), sized, cv::Size(195, 273), 0, 0, cv::INTER_AREA);
    const std::string plain = examdocs::test::jpeg_from_mat(sized, 75);
    const std::string comment = "\xFF\xFE" + std::string("\0\x10", 2) + "SECRET-COMMENT";
    const std::string upload = plain.substr(0, 2) + comment + plain.substr(2) + "TRAILING-PAYLOAD";
    const float box_w = 25 * 72.0F / 25.4F, box_h = 35 * 72.0F / 25.4F;
    auto result = prepare_photo(base64(upload), box_w, box_h, 200);
    ASSERT_TRUE(result.photo) << result.problem->message;
    EXPECT_EQ(result.photo->width, 195);
    EXPECT_EQ(result.photo->height, 273);
    EXPECT_EQ(cv::norm(decode(result.photo->jpeg), decode(upload), cv::NORM_INF), 0.0);
    EXPECT_EQ(result.photo->jpeg.find("SECRET-COMMENT"), std::string::npos);
    EXPECT_EQ(result.photo->jpeg.find("TRAILING-PAYLOAD"), std::string::npos);
    // A finer upload of the same shape is re-encoded: its pixels change a little.
    auto fine = prepare_photo(base64(examdocs::test::jpeg_from_mat(sized, 95)), box_w, box_h, 200);
    ASSERT_TRUE(fine.photo);
    const cv::Mat fine_out = decode(fine.photo->jpeg);
    ASSERT_LE(fine_out.cols, sized.cols);
    ASSERT_EQ(fine_out.rows, sized.rows);
    EXPECT_GT(cv::norm(fine_out, sized(cv::Rect(0, 0, fine_out.cols, fine_out.rows)), cv::NORM_INF),
              0.0);
}

TEST(Photo, ADecompressionBombIsRefusedFromItsHeader) {
    // A 26-byte PNG header claiming 20000 × 20000 pixels.
    const std::string bomb("\x89PNG\r\n\x1A\n\0\0\0\x0DIHDR\0\0\x4E\x20\0\0\x4E\x20\x08\x06\0\0\0",
                           29);
    auto result = prepare_photo(base64(bomb), 70, 99);
    ASSERT_TRUE(result.problem);
    EXPECT_EQ(result.problem->code, "image-too-large");
}

TEST(Photo, PngWithAlphaIsAccepted) {
    cv::Mat rgba(120, 90, CV_8UC4, cv::Scalar(255, 255, 255, 128));
    auto result = prepare_photo(base64(examdocs::test::png_from_mat(rgba)), 70, 99);
    ASSERT_TRUE(result.photo) << result.problem->message;
    EXPECT_EQ(result.photo->jpeg.rfind("\xFF\xD8", 0), 0u);
}

TEST(Photo, DataUrlsAreAccepted) {
    auto result = prepare_photo("data:image/jpeg;base64," + base64(fixture()), 70, 99);
    EXPECT_TRUE(result.photo);
}

}  // namespace
