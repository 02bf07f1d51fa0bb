// Resampling without OpenCV, and the lossless rewrite of box-sized baseline JPEGs: the
// pixels a reader decodes are exactly the upload's, and nothing but the image survives.
#include "examdocs/images/transcode_jpeg.h"

#include <gtest/gtest.h>

#include <cmath>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "../../../images/src/jpeg_huffman.h"
#include "examdocs/images/decode_image.h"
#include "examdocs/images/resample.h"
#include "support/image_files.h"
#include "support/samples.h"

namespace {

using namespace examdocs;

const cv::Mat& photo() {
    static const cv::Mat m = test::decode_to_mat(
        test::read_file(test::source_path("tests/data/photos/good_295x413.jpg")));
    return m;
}

images::PixelView view(const cv::Mat& m) {
    return {m.data, m.cols, m.rows, m.channels(), m.step, images::ChannelOrder::bgr};
}

cv::Mat mat(const images::Pixels& p) {
    return cv::Mat(p.height, p.width, CV_8UC(p.channels), const_cast<std::uint8_t*>(p.bytes.data()),
                   p.stride());
}

std::span<const std::byte> bytes_of(const std::string& s) {
    return std::as_bytes(std::span(s.data(), s.size()));
}

// A segment (APPn or COM) inserted after SOI.
std::string with_segment(const std::string& jpeg, unsigned char marker,
                         const std::string& payload) {
    const auto length = static_cast<unsigned>(payload.size() + 2);
    std::string segment = "\xFF";
    segment += static_cast<char>(marker);
    segment += static_cast<char>(length >> 8);
    segment += static_cast<char>(length & 0xFF);
    return jpeg.substr(0, 2) + segment + payload + jpeg.substr(2);
}

std::string exif_orientation(int orientation) {
    const std::string tiff = std::string("II*\0\x08\0\0\0", 8) + std::string("\x01\0", 2) +
                             std::string("\x12\x01\x03\0\x01\0\0\0", 8) +
                             static_cast<char>(orientation) + std::string("\0\0\0", 3) +
                             std::string("\0\0\0\0", 4);
    return std::string("Exif\0\0", 6) + tiff;
}

images::TranscodeRules rules(int max_width = 400, int max_height = 600) {
    images::TranscodeRules r;
    r.max_width = max_width;
    r.max_height = max_height;
    return r;
}

cv::Mat decoded(const std::string& jpeg) { return test::decode_to_mat(jpeg); }

TEST(ResizeArea, AveragesAsOpenCvsAreaInterpolationDoes) {
    for (const cv::Size size : {cv::Size(196, 274), cv::Size(100, 140), cv::Size(147, 206)}) {
        const images::Pixels ours = images::resize_area(view(photo()), size.width, size.height);
        cv::Mat theirs;
        cv::resize(photo(), theirs, size, 0, 0, cv::INTER_AREA);
        ASSERT_EQ(ours.width, size.width);
        ASSERT_EQ(ours.height, size.height);
        cv::Mat diff;
        cv::absdiff(mat(ours), theirs, diff);
        const cv::Scalar m = cv::mean(diff);
        EXPECT_LT((m[0] + m[1] + m[2]) / 3, 0.6) << size;
        EXPECT_LE(cv::norm(diff, cv::NORM_INF), 3.0) << size;
    }
}

TEST(ResizeArea, GreyAndAWholeFactorGiveExactBlockMeans) {
    cv::Mat grey(4, 4, CV_8UC1);
    for (int i = 0; i < 16; ++i) grey.data[i] = static_cast<std::uint8_t>(i * 10);
    const images::Pixels out =
        images::resize_area({grey.data, 4, 4, 1, grey.step, images::ChannelOrder::rgb}, 2, 2);
    // (0 + 10 + 40 + 50) / 4, (20 + 30 + 60 + 70) / 4, …
    EXPECT_EQ(out.bytes, (std::vector<std::uint8_t>{25, 45, 105, 125}));
}

TEST(Crop, BorrowsTheRectangleClippedToTheImage) {
    const images::PixelView v = images::crop(view(photo()), 10, 20, 30, 40);
    EXPECT_EQ(v.width, 30);
    EXPECT_EQ(v.height, 40);
    EXPECT_EQ(v.data, photo().ptr<std::uint8_t>(20) + 10 * 3);
    const images::PixelView clipped = images::crop(view(photo()), 290, 400, 30, 40);
    EXPECT_EQ(clipped.width, 5);
    EXPECT_EQ(clipped.height, 13);
}

TEST(TranscodeJpeg, PixelsAreExactlyTheUploadsAndOnlyTheImageIsKept) {
    const std::string plain = test::jpeg_from_mat(photo(), 75);
    const std::string upload =
        with_segment(with_segment(plain, 0xFE, "SECRET-COMMENT"), 0xE1, exif_orientation(1)) +
        "TRAILING-PAYLOAD";
    const auto t = images::transcode_jpeg(bytes_of(upload), rules());
    ASSERT_TRUE(t);
    EXPECT_EQ(t->width, 295);
    EXPECT_EQ(t->height, 413);
    EXPECT_EQ(cv::norm(decoded(t->jpeg), decoded(upload), cv::NORM_INF), 0.0);
    EXPECT_EQ(t->jpeg.find("SECRET-COMMENT"), std::string::npos);
    EXPECT_EQ(t->jpeg.find("Exif"), std::string::npos);
    EXPECT_EQ(t->jpeg.find("TRAILING-PAYLOAD"), std::string::npos);
    EXPECT_EQ(t->jpeg.substr(t->jpeg.size() - 2), "\xFF\xD9");
    // Huffman tables made for the photo: no larger than the upload's standard ones.
    EXPECT_LE(t->jpeg.size(), plain.size());
}

TEST(TranscodeJpeg, DeclinesWhatMustGoThroughThePixels) {
    const std::string q75 = test::jpeg_from_mat(photo(), 75);
    EXPECT_FALSE(images::transcode_jpeg(bytes_of(q75), rules(294, 600))) << "wider than asked";
    EXPECT_FALSE(images::transcode_jpeg(bytes_of(q75), rules(400, 412))) << "taller than asked";
    EXPECT_FALSE(images::transcode_jpeg(bytes_of(test::jpeg_from_mat(photo(), 95)), rules()))
        << "finer than what we encode: a larger PDF";
    EXPECT_FALSE(
        images::transcode_jpeg(bytes_of(test::progressive_jpeg_from_mat(photo())), rules()));
    EXPECT_FALSE(
        images::transcode_jpeg(bytes_of(with_segment(q75, 0xE1, exif_orientation(6))), rules()))
        << "an EXIF turn needs the pixels turned";
    cv::Mat grey;
    cv::cvtColor(photo(), grey, cv::COLOR_BGR2GRAY);
    EXPECT_FALSE(images::transcode_jpeg(bytes_of(test::jpeg_from_mat(grey, 75)), rules()));
    EXPECT_FALSE(images::transcode_jpeg(bytes_of(test::cmyk_jpeg_from_mat(photo())), rules()));
    EXPECT_FALSE(images::transcode_jpeg(bytes_of(test::cut_with_end_marker(q75, 0.8)), rules()))
        << "corrupt data is the gate's to refuse";
    EXPECT_FALSE(images::transcode_jpeg(bytes_of(q75.substr(0, q75.size() / 2)), rules()));
    EXPECT_FALSE(images::transcode_jpeg(bytes_of(std::string("not a jpeg at all")), rules()));
}

TEST(TranscodeJpeg, OurHuffmanTablesGiveLibjpegsOwnBytes) {
    // Every shape of the interleaved scan the rewrite writes: 4:2:0, 4:2:2, 4:4:4 and 1 × 2,
    // sizes that leave partial MCUs at the right and bottom (padding blocks), uploads with
    // restart markers (the rewrite writes none), a tiny image of one MCU.
    struct Case {
        int width, height, h, v, quality, restart;
    };
    for (const Case c :
         {Case{195, 273, 2, 2, 75, 0}, Case{295, 413, 2, 2, 80, 0}, Case{101, 37, 1, 1, 70, 0},
          Case{33, 17, 2, 1, 75, 0}, Case{17, 9, 2, 2, 75, 0}, Case{40, 29, 1, 2, 60, 0},
          Case{195, 273, 2, 2, 75, 3}, Case{7, 5, 2, 2, 50, 1}}) {
        cv::Mat scaled;
        cv::resize(photo(), scaled, cv::Size(c.width, c.height), 0, 0, cv::INTER_AREA);
        const std::string upload =
            test::sampled_jpeg_from_mat(scaled, c.h, c.v, c.quality, c.restart);
        images::TranscodeRules ours = rules();
        images::TranscodeRules libjpegs = rules();
        libjpegs.libjpeg_tables = true;
        const auto a = images::transcode_jpeg(bytes_of(upload), ours);
        const auto b = images::transcode_jpeg(bytes_of(upload), libjpegs);
        ASSERT_TRUE(a && b) << c.width << "×" << c.height << " " << c.h << "×" << c.v;
        EXPECT_EQ(a->jpeg, b->jpeg)
            << c.width << "×" << c.height << " " << c.h << "×" << c.v << " restart " << c.restart;
        EXPECT_EQ(cv::norm(decoded(a->jpeg), decoded(upload), cv::NORM_INF), 0.0);
    }
}

TEST(JpegHuffman, CodesLongerThan16BitsAreLimitedAndOneCodePointIsKeptBack) {
    // Fibonacci counts make the most lopsided tree: 30 symbols would need codes of 30 bits.
    images::SymbolCounts counts{};
    long a = 1, b = 1;
    for (std::size_t s = 0; s < 30; ++s) {
        counts[s] = a;
        const long next = a + b;
        a = b;
        b = next;
    }
    const auto table = images::optimal_huffman_table(counts);
    ASSERT_TRUE(table);
    int codes = 0;
    double kraft = 0;  // Σ 2^-length: below 1 with the kept-back code point
    for (int length = 1; length <= 16; ++length) {
        codes += table->bits[static_cast<std::size_t>(length)];
        kraft += table->bits[static_cast<std::size_t>(length)] * std::ldexp(1.0, -length);
    }
    EXPECT_EQ(codes, 30);
    EXPECT_EQ(table->symbols.size(), 30U);
    EXPECT_LT(kraft, 1.0);
    EXPECT_GE(kraft, 1.0 - std::ldexp(1.0, -16));
    // The two most frequent symbols have the shortest codes, of one length: by value first.
    EXPECT_EQ(table->symbols[0], 28);
    EXPECT_EQ(table->symbols[1], 29);

    EXPECT_FALSE(images::optimal_huffman_table(images::SymbolCounts{})) << "no symbol at all";
}

}  // namespace
