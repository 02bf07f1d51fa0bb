#pragma once
// The one gate for images from outside (uploads, document photos, pictures of
// certificates): bytes and limits in, pixels or an error value out. Every door of
// examdocs that reads an image calls `decode_image`; nothing else decodes one.
//
// What it guarantees, in this order:
//  - the format is taken from the signature (JPEG and PNG only), never from a name or a
//    Content-Type;
//  - the pixel count is refused from the header, before any decoder allocates;
//  - a JPEG with more scans than `max_jpeg_scans` is refused before decoding (each scan
//    of a progressive JPEG is a pass over the whole image);
//  - a progressive JPEG whose coefficient buffer would exceed `max_decoder_memory` is
//    refused (libjpeg's own memory limit);
//  - truncated or corrupt data is refused, libjpeg's "corrupt data" warnings included,
//    and a PNG must reach its IEND chunk intact;
//  - the image is decoded at the smallest reduction that still gives the caller
//    `min_width` × `min_height` (JPEG: libjpeg-turbo's IDCT scaling by 1/2, 1/4, 1/8;
//    PNG: read row by row and averaged over whole blocks as it comes), so memory follows
//    the output, not the input;
//  - EXIF orientation (JPEG APP1) is applied, alpha is flattened onto white, 16-bit,
//    palette, grey and CMYK inputs all come out as 8-bit grey or colour.
//
// Thread-safe: no shared state. Never throws for bad input (std::bad_alloc aside).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "examdocs/core/image_header.h"
#include "examdocs/images/image_error.h"
#include "examdocs/images/pixels.h"

namespace examdocs::images {

struct DecodeLimits {
    std::uint64_t max_pixels = 40'000'000;  // width × height of the file, from its header
    int max_jpeg_scans = 100;               // a baseline JPEG has 1, a progressive one about 10
    // libjpeg's working memory (the coefficient buffer of a progressive JPEG: about two
    // bytes per sample of the whole image, whatever the output scale).
    std::size_t max_decoder_memory = 64u << 20;
};

struct DecodeOptions {
    DecodeLimits limits;
    int channels = 3;  // 1: grey, 3: colour
    ChannelOrder order = ChannelOrder::rgb;
    // The smallest output the caller can use, as displayed (after EXIF orientation).
    // The gate reduces while both sides stay at least this large; 0 × 0 is full size.
    int min_width = 0, min_height = 0;
};

struct DecodeResult {
    std::optional<Pixels> pixels;  // set exactly when `error` is not
    std::optional<ImageError> error;
    ImageFormat format = ImageFormat::unknown;  // by signature, also when refused
    // The file's own size as displayed (after orientation), before any reduction; 0 when
    // the header could not be read.
    int source_width = 0, source_height = 0;
    int orientation = 1;  // the EXIF orientation that was applied (1: none)

    explicit operator bool() const { return pixels.has_value(); }
};

DecodeResult decode_image(std::span<const std::byte> bytes, const DecodeOptions& options);

}  // namespace examdocs::images
