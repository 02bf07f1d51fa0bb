#pragma once
// Baseline JPEG encoding with libjpeg-turbo, for images examdocs makes itself (photos
// re-encoded before they go into a PDF, normalised uploads). The output has no metadata
// segments other than JFIF: nothing of an upload's EXIF survives a round trip.
// Thread-safe. Throws std::invalid_argument for a view it cannot encode (a caller's bug).
#include <string>

#include "examdocs/images/pixels.h"

namespace examdocs::images {

// `quality` 1–100, as libjpeg's jpeg_set_quality. Huffman tables are libjpeg's standard
// ones: optimised tables save ~2.5 % of a photo's bytes and double the encoding time.
std::string encode_jpeg(const PixelView& pixels, int quality);
inline std::string encode_jpeg(const Pixels& pixels, int quality) {
    return encode_jpeg(pixels.view(), quality);
}

}  // namespace examdocs::images
