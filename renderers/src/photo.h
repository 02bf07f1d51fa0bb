#pragma once
// Private to renderers/: an uploaded photo made safe to embed. It is decoded by the image
// gate (images/: limits, truncation refused, EXIF orientation applied), cropped to the
// box's shape around its centre, scaled to at most 300 dpi for the box, and encoded again
// as a baseline JPEG: the uploaded bytes never reach the PDF, and nothing appended to
// them or hidden in their metadata does either.
#include <optional>
#include <span>
#include <string>

namespace examdocs::renderers {

struct EmbeddablePhoto {
    std::string jpeg;
    int width = 0, height = 0;  // pixels
};

struct PhotoProblem {
    // base64, or the image gate's code: not-an-image | image-format | image-too-large |
    // image-scans | truncated-image
    std::string code;
    std::string message;
};

struct PhotoResult {
    std::optional<EmbeddablePhoto> photo;
    std::optional<PhotoProblem> problem;
};

// `base64` is the field's value; box size in points; at most `dpi` pixels per inch kept.
PhotoResult prepare_photo(const std::string& base64, float box_w_pt, float box_h_pt,
                          float dpi = 300);

}  // namespace examdocs::renderers
