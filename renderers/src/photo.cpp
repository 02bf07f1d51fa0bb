#include "photo.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "examdocs/core/base64.h"
#include "examdocs/core/image_header.h"
#include "examdocs/images/decode_image.h"
#include "examdocs/images/encode_jpeg.h"
#include "examdocs/images/resample.h"
#include "examdocs/images/transcode_jpeg.h"

namespace examdocs::renderers {

namespace {

// Beyond this many pixels we refuse before decoding: an ID photo is well under a million.
constexpr std::uint64_t kMaxPixels = 25'000'000;
// What a re-encoded photo is written at; a transcoded one must be no finer.
constexpr int kQuality = 80;

PhotoResult fail(std::string code, std::string message) {
    return PhotoResult{std::nullopt, PhotoProblem{std::move(code), std::move(message)}};
}

struct Crop {
    int x = 0, y = 0, width = 0, height = 0;
};

// The largest centred part of a width × height image with the box's aspect ratio.
Crop centre_crop(int width, int height, double box_aspect) {
    Crop c{0, 0, width, height};
    const double aspect = static_cast<double>(width) / height;
    if (aspect > box_aspect) {
        c.width = std::max(1, static_cast<int>(height * box_aspect));
        c.x = (width - c.width) / 2;
    } else {
        c.height = std::max(1, static_cast<int>(width / box_aspect));
        c.y = (height - c.height) / 2;
    }
    return c;
}

}  // namespace

PhotoResult prepare_photo(const std::string& base64, float box_w_pt, float box_h_pt, float dpi) {
    auto decoded = base64_decode(base64);
    if (!decoded) {
        return fail("base64", "照片不是有效的Base64编码 / The photo is not valid base64.");
    }
    const std::string bytes = std::move(*decoded);
    const auto span = std::as_bytes(std::span(bytes.data(), bytes.size()));
    // The box takes at most max_w pixels across (more only makes the PDF larger), from a
    // crop of the image to the box's aspect ratio.
    const double box_aspect = static_cast<double>(box_w_pt) / static_cast<double>(box_h_pt);
    const int max_w = std::max(1, static_cast<int>(box_w_pt / 72.0F * dpi));
    const int max_h = std::max(1, static_cast<int>(std::ceil(max_w / box_aspect)));

    // A baseline JPEG that is already the box's shape and no larger than the box needs is
    // rewritten losslessly: no pixel round trip, most of a bulk ticket's time otherwise.
    const ImageHeader header = read_image_header(span);
    if (header.format == ImageFormat::jpeg && !header.progressive && header.components == 3) {
        const auto w = static_cast<int>(header.width), h = static_cast<int>(header.height);
        const Crop c = w > 0 && h > 0 ? centre_crop(w, h, box_aspect) : Crop{};
        // Within a pixel of the box's shape: the crop would take off at most a row or a
        // column that rounding decided (195×273 is 5:7, yet 273 × 5/7 in floating point
        // comes to 194.99…), and the PDF scales the image into its box anyway.
        const bool box_shape = std::abs(c.width - w) <= 1 && std::abs(c.height - h) <= 1;
        if (box_shape && w <= max_w && h <= max_h) {
            images::TranscodeRules rules;
            rules.limits.max_pixels = kMaxPixels;
            rules.max_width = max_w;
            rules.max_height = max_h;
            rules.finest_quality = kQuality;
            if (auto t = images::transcode_jpeg(span, rules)) {
                return PhotoResult{EmbeddablePhoto{std::move(t->jpeg), t->width, t->height},
                                   std::nullopt};
            }
        }
    }

    // Otherwise through the gate: a large upload for a small box is decoded at 1/2, 1/4 or
    // 1/8 inside libjpeg's inverse DCT, then cropped, reduced and encoded again.
    images::DecodeOptions options;
    options.limits.max_pixels = kMaxPixels;
    options.min_width = max_w;
    options.min_height = max_h;
    auto result = images::decode_image(span, options);
    if (!result) {
        return fail(std::string(images::to_string(result.error->code)), result.error->message());
    }
    const images::Pixels& image = *result.pixels;
    const Crop c = centre_crop(image.width, image.height, box_aspect);
    const images::PixelView cropped = images::crop(image.view(), c.x, c.y, c.width, c.height);
    if (cropped.width > max_w) {
        const int h = std::max(
            1, static_cast<int>(static_cast<double>(cropped.height) * max_w / cropped.width));
        const images::Pixels scaled = images::resize_area(cropped, max_w, h);
        return PhotoResult{
            EmbeddablePhoto{images::encode_jpeg(scaled, kQuality), scaled.width, scaled.height},
            std::nullopt};
    }
    // The encoder reads rows through the view's stride: a crop needs no copy.
    return PhotoResult{
        EmbeddablePhoto{images::encode_jpeg(cropped, kQuality), cropped.width, cropped.height},
        std::nullopt};
}

}  // namespace examdocs::renderers
