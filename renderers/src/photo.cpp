#include "photo.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

#include "examdocs/core/base64.h"
#include "examdocs/images/decode_image.h"
#include "examdocs/images/encode_jpeg.h"
#include "examdocs/images/opencv_view.h"

namespace examdocs::renderers {

namespace {

// Beyond this many pixels we refuse before decoding: an ID photo is well under a million.
constexpr std::uint64_t kMaxPixels = 25'000'000;

PhotoResult fail(std::string code, std::string message) {
    return PhotoResult{std::nullopt, PhotoProblem{std::move(code), std::move(message)}};
}

}  // namespace

PhotoResult prepare_photo(const std::string& base64, float box_w_pt, float box_h_pt, float dpi) {
    auto decoded = base64_decode(base64);
    if (!decoded) {
        return fail("base64", "照片不是有效的Base64编码 / The photo is not valid base64.");
    }
    const std::string bytes = std::move(*decoded);
    // The box takes at most max_w pixels across (more only makes the PDF larger), from a
    // crop of the image to the box's aspect ratio: the gate need not produce more than
    // max_w across that crop, so a large upload for a small box is decoded at 1/2, 1/4
    // or 1/8 inside libjpeg's inverse DCT, which is where most of a ticket's time went.
    const double box_aspect = static_cast<double>(box_w_pt) / static_cast<double>(box_h_pt);
    const int max_w = std::max(1, static_cast<int>(box_w_pt / 72.0F * dpi));
    images::DecodeOptions options;
    options.limits.max_pixels = kMaxPixels;
    options.order = images::ChannelOrder::bgr;
    options.min_width = max_w;
    options.min_height = std::max(1, static_cast<int>(std::ceil(max_w / box_aspect)));
    auto result =
        images::decode_image(std::as_bytes(std::span(bytes.data(), bytes.size())), options);
    if (!result) {
        return fail(std::string(images::to_string(result.error->code)), result.error->message());
    }
    const cv::Mat image = images::as_mat(*result.pixels);
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
    // The encoder reads rows through the view's stride: a crop needs no copy.
    return PhotoResult{
        EmbeddablePhoto{images::encode_jpeg(images::as_view(scaled), 80), scaled.cols, scaled.rows},
        std::nullopt};
}

}  // namespace examdocs::renderers
