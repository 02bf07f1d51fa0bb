#include "photo.h"

// jpeglib.h needs size_t and FILE declared first.
#include <jpeglib.h>
#include <csetjmp>
#include <cstddef>
#include <cstdio>
#include <cstring>

#include <algorithm>
#include <cmath>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "examdocs/core/base64.h"
#include "examdocs/core/image_header.h"

namespace examdocs::renderers {

namespace {

// Beyond this many pixels we refuse before decoding: an ID photo is well under a million,
// and OpenCV's own limit (2^30) is far too generous for a request handler.
constexpr std::uint64_t kMaxPixels = 25'000'000;

PhotoResult fail(std::string code, std::string message) {
    return PhotoResult{std::nullopt, PhotoProblem{std::move(code), std::move(message)}};
}

// libjpeg-turbo decoding straight into OpenCV's BGR order. OpenCV 4.6 as Debian builds it
// decodes to RGB and swaps channels in a loop of its own: 1.2 ms for a 295×413 photo,
// against 0.43 ms here — in bulk printing that swap was a fifth of the run. Only the plain
// case is taken: three-component (YCbCr) or grey JPEGs without an Exif segment (whose
// orientation OpenCV applies); anything else, or any warning from libjpeg (corrupt or
// truncated data), returns false and OpenCV decodes as before.
struct JpegErrors {
    jpeg_error_mgr manager;
    std::jmp_buf jump;
    bool warned;
};

void on_jpeg_error(j_common_ptr info) {
    std::longjmp(reinterpret_cast<JpegErrors*>(info->err)->jump, 1);  // NOLINT(cert-err52-cpp)
}

void on_jpeg_message(j_common_ptr info, int level) {
    if (level < 0) reinterpret_cast<JpegErrors*>(info->err)->warned = true;
}

bool has_exif(const std::string& jpeg) {
    static constexpr char kExif[] = "Exif\0\0";
    return std::search(jpeg.begin(), jpeg.end(), kExif, kExif + 6) != jpeg.end();
}

// The two setjmp regions touch no C++ object that needs unwinding: the header is read
// into plain values, the pixels into a buffer allocated between the two.
bool read_jpeg_header(jpeg_decompress_struct& info, JpegErrors& errors, const std::string& jpeg,
                      double needed_fraction) {
    if (setjmp(errors.jump)) return false;  // NOLINT(cert-err52-cpp)
    jpeg_create_decompress(&info);
    jpeg_mem_src(&info, reinterpret_cast<const unsigned char*>(jpeg.data()),
                 static_cast<unsigned long>(jpeg.size()));
    if (jpeg_read_header(&info, TRUE) != JPEG_HEADER_OK) return false;
    if (info.num_components != 3 && info.num_components != 1) return false;
    info.out_color_space = JCS_EXT_BGR;
    // libjpeg-turbo can scale inside the inverse DCT, cheaper than decoding in full and
    // resizing. Only by 1/2, 1/4 and 1/8, which it does with SIMD: scaling by 7/8 or 6/8
    // measured slower than no scaling at all (a 295×413 ticket photo: 4.3 ms a ticket
    // against 4.0). A large upload for a small box is where this pays.
    unsigned denominator = 1;
    while (denominator < 8 && needed_fraction * denominator * 2 <= 1.0) denominator *= 2;
    info.scale_num = 1;
    info.scale_denom = denominator;
    jpeg_calc_output_dimensions(&info);
    return !errors.warned;
}

bool read_jpeg_pixels(jpeg_decompress_struct& info, JpegErrors& errors, unsigned char* pixels,
                      std::size_t stride) {
    if (setjmp(errors.jump)) return false;  // NOLINT(cert-err52-cpp)
    jpeg_start_decompress(&info);
    while (info.output_scanline < info.output_height) {
        unsigned char* row = pixels + static_cast<std::size_t>(info.output_scanline) * stride;
        jpeg_read_scanlines(&info, &row, 1);
    }
    jpeg_finish_decompress(&info);
    return !errors.warned;
}

// `needed_fraction`: the share of the full width that the output must keep, at least.
bool decode_plain_jpeg(const std::string& jpeg, cv::Mat& image, double needed_fraction) {
    if (has_exif(jpeg)) return false;
    jpeg_decompress_struct info{};
    JpegErrors errors{};
    info.err = jpeg_std_error(&errors.manager);
    errors.manager.error_exit = on_jpeg_error;
    errors.manager.emit_message = on_jpeg_message;
    bool ok = read_jpeg_header(info, errors, jpeg, needed_fraction);
    if (ok && info.output_components == 3) {
        image.create(static_cast<int>(info.output_height), static_cast<int>(info.output_width),
                     CV_8UC3);
        ok = read_jpeg_pixels(info, errors, image.data, image.step);
    } else {
        ok = false;
    }
    jpeg_destroy_decompress(&info);
    if (!ok) image.release();
    return ok;
}

}  // namespace

PhotoResult prepare_photo(const std::string& base64, float box_w_pt, float box_h_pt, float dpi) {
    auto decoded = base64_decode(base64);
    if (!decoded) {
        return fail("photo-not-image", "照片不是有效的Base64编码 / The photo is not valid base64.");
    }
    std::string bytes = std::move(*decoded);
    const auto header = read_image_header(std::as_bytes(std::span(bytes.data(), bytes.size())));
    if (header.format != ImageFormat::jpeg && header.format != ImageFormat::png) {
        return fail("photo-format",
                    "照片应为JPEG或PNG格式 / The photo must be a JPEG or PNG (found " +
                        std::string(to_string(header.format)) + ").");
    }
    if (header.width == 0 || header.height == 0) {
        return fail("photo-undecodable",
                    "照片文件已损坏 / The photo file is damaged or truncated.");
    }
    if (static_cast<std::uint64_t>(header.width) * header.height > kMaxPixels) {
        return fail("photo-too-large", "照片像素过大 / The photo is " +
                                           std::to_string(header.width) + "×" +
                                           std::to_string(header.height) +
                                           " pixels; at most 25 megapixels are accepted.");
    }
    cv::Mat image;
    // The box takes at most max_w pixels across, from a crop of the image to the box's
    // aspect ratio: the decoder need not produce more than that share of the width.
    const double box_aspect = static_cast<double>(box_w_pt) / static_cast<double>(box_h_pt);
    // At most `dpi` for the box: more only makes the PDF larger.
    const int max_w = std::max(1, static_cast<int>(box_w_pt / 72.0F * dpi));
    const double crop_w = std::min(static_cast<double>(header.width),
                                   static_cast<double>(header.height) * box_aspect);
    const bool fast = header.format == ImageFormat::jpeg &&
                      decode_plain_jpeg(bytes, image, static_cast<double>(max_w) / crop_w);
    if (!fast) {
        try {
            image = cv::imdecode(cv::Mat(1, static_cast<int>(bytes.size()), CV_8UC1, bytes.data()),
                                 cv::IMREAD_COLOR);
        } catch (const cv::Exception&) {
            image.release();
        }
    }
    if (image.empty()) {
        return fail("photo-undecodable", "照片无法解码 / The photo cannot be decoded.");
    }
    // Crop to the box's aspect ratio around the centre.
    const double aspect = static_cast<double>(image.cols) / image.rows;
    cv::Rect crop(0, 0, image.cols, image.rows);
    if (aspect > box_aspect) {
        crop.width = std::max(1, static_cast<int>(image.rows * box_aspect));
        crop.x = (image.cols - crop.width) / 2;
    } else {
        crop.height = std::max(1, static_cast<int>(image.cols / box_aspect));
        crop.y = (image.rows - crop.height) / 2;
    }
    cv::Mat cropped = image(crop);
    cv::Mat scaled;
    if (cropped.cols > max_w) {
        const int h =
            std::max(1, static_cast<int>(static_cast<double>(cropped.rows) * max_w / cropped.cols));
        // Area averaging only pays for large reductions; for the usual small one (an upload
        // a little above 300 dpi) bilinear looks the same at a fifth of the cost.
        const bool large_reduction = cropped.cols > 2 * max_w;
        cv::resize(cropped, scaled, cv::Size(max_w, h), 0, 0,
                   large_reduction ? cv::INTER_AREA : cv::INTER_LINEAR);
    } else {
        scaled = cropped;
    }
    std::vector<uchar> jpeg;
    // No optimised Huffman tables: on a 295×413 photo they save 2.5 % of its bytes (0.5 KB)
    // and double the encoding time (0.9 ms against 0.4 ms).
    const std::vector<int> params{cv::IMWRITE_JPEG_QUALITY, 80};
    if (!cv::imencode(".jpg", scaled, jpeg, params)) {
        return fail("photo-undecodable", "照片无法重新编码 / The photo could not be re-encoded.");
    }
    return PhotoResult{
        EmbeddablePhoto{std::string(jpeg.begin(), jpeg.end()), scaled.cols, scaled.rows},
        std::nullopt};
}

}  // namespace examdocs::renderers
