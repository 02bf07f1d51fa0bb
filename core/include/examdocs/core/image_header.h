#pragma once
// What an image file says it is, read from its first bytes without decoding it: the
// format by signature (never by name or Content-Type) and the pixel size from the PNG
// IHDR chunk or the JPEG SOF segment. This is how decompression bombs are refused before
// any decoder allocates. Pure function over untrusted bytes; has a fuzz target.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace examdocs {

enum class ImageFormat { unknown, jpeg, png, gif, webp, bmp, tiff, heic, pdf };

std::string_view to_string(ImageFormat format);

struct ImageHeader {
    ImageFormat format = ImageFormat::unknown;
    std::uint32_t width = 0;  // 0 when the header could not be read (truncated, odd)
    std::uint32_t height = 0;
    int components = 0;  // JPEG: 1 grey, 3 YCbCr, 4 CMYK; PNG: from the colour type
    int bit_depth = 0;
    bool progressive = false;  // JPEG SOF2
};

ImageHeader read_image_header(std::span<const std::byte> bytes);

}  // namespace examdocs
