#pragma once
// Image files made by the tests themselves: encoders for fixtures (PNG through libpng,
// JPEG through the gate's own encoder or libjpeg where a test needs an odd file), the
// hostile files of issue 11, and a decoder for reading results back through the gate.
#include <cstdint>
#include <functional>
#include <string>

#include <opencv2/core.hpp>

namespace examdocs::test {

// PNG of an 8-bit grey, BGR or BGRA Mat, or a 16-bit BGR/BGRA one.
std::string png_from_mat(const cv::Mat& image);

// A PNG written row by row: `colour_type` and `bit_depth` as in the PNG spec (palette:
// 216 colours, index i = r*36 + g*6 + b in steps of 51). `fill(y, row)` writes one row of
// the file's own samples (16-bit samples big-endian). Never holds the whole image.
std::string png_from_rows(int width, int height, int colour_type, int bit_depth,
                          const std::function<void(int, std::uint8_t*)>& fill,
                          bool interlaced = false);

// Baseline JPEG of an 8-bit grey or BGR Mat (the gate's encoder).
std::string jpeg_from_mat(const cv::Mat& image, int quality = 95);

// CMYK JPEG (Adobe's inverted samples) of a BGR Mat, as print shops save them.
std::string cmyk_jpeg_from_mat(const cv::Mat& bgr);

// A baseline JPEG of a BGR Mat whose luma is sampled `h` × `v` times the chroma (2 × 2 is
// 4:2:0, 2 × 1 4:2:2, 1 × 1 4:4:4), with a restart marker every `restart` MCUs (0: none).
std::string sampled_jpeg_from_mat(const cv::Mat& bgr, int h, int v, int quality, int restart = 0);

// A progressive JPEG with jpeg_simple_progression's ~10 scans.
std::string progressive_jpeg_from_mat(const cv::Mat& bgr);

// A valid progressive JPEG of ~2,090 scans (every AC coefficient of every component in
// its own band, sent bit by bit): what issue 11 measured at 11–25 s of a worker.
std::string many_scan_jpeg(int width, int height);

// A 6300×6300 RGBA PNG (white, a grey square in the middle, a transparent band at the
// top) that compresses to a few hundred KB: 40 MP just under the photo check's cap.
std::string big_rgba_png(int side = 6300);

// Cut and end-marked: the first `share` of a JPEG with FF D9 appended, so that the file
// "ends" properly although a sixth of its scan is missing.
std::string cut_with_end_marker(const std::string& jpeg, double share);

// A PNG with everything from its IEND chunk on removed.
std::string png_without_iend(const std::string& png);

// 8-bit BGR (or grey for channels = 1) through the gate at full size; empty if refused.
cv::Mat decode_to_mat(const std::string& bytes, int channels = 3);

}  // namespace examdocs::test
