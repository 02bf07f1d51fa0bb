#pragma once
// A JPEG from outside rewritten without a pixel round trip: libjpeg reads its DCT
// coefficients and writes them again with fresh Huffman tables (jpeg_read_coefficients →
// jpeg_write_coefficients), so the pixels a reader decodes are exactly the upload's, and
// everything else — EXIF, comments, ICC and other markers, thumbnails, bytes after the
// end marker — is dropped. About a tenth of the time of decoding and re-encoding, and
// nothing lost to a second quantisation.
//
// Only for a file that would come out of the gate unchanged: a baseline (one-scan,
// Huffman-coded, 8-bit) YCbCr JPEG without an EXIF turn, within the size the caller would
// otherwise reduce it to, and quantised no finer than `finest_quality` (a finer file would
// make a larger PDF than re-encoding it). Anything else gives std::nullopt — including a
// file the gate would refuse: the caller then goes through decode_image, which says why.
// Thread-safe; never throws for bad input (std::bad_alloc aside).
#include <cstddef>
#include <optional>
#include <span>
#include <string>

#include "examdocs/images/decode_image.h"

namespace examdocs::images {

struct TranscodeRules {
    DecodeLimits limits;
    int max_width = 0, max_height = 0;  // the file's own size must be within these
    int finest_quality = 80;            // as libjpeg's jpeg_set_quality
    // The optimal Huffman tables made by libjpeg (optimize_coding: two passes and a slow
    // table builder) instead of ours; the same bytes, the tests compare them.
    bool libjpeg_tables = false;
};

struct TranscodedJpeg {
    std::string jpeg;
    int width = 0, height = 0;
};

std::optional<TranscodedJpeg> transcode_jpeg(std::span<const std::byte> bytes,
                                             const TranscodeRules& rules);

}  // namespace examdocs::images
