#pragma once
// Why an image from outside was refused: a stable code for machines (it becomes the
// `code` of a problem+json field error) and a message in Chinese and English for people.
// Plain value; the gate returns it, it never throws it.
#include <string>
#include <string_view>

namespace examdocs::images {

enum class ImageErrorCode {
    not_an_image,  // "not-an-image": no image signature at all
    format,        // "image-format": an image, but not JPEG or PNG (GIF, WebP, HEIC, …)
    too_large,     // "image-too-large": over the pixel or decoder-memory limit, by its header
    scans,         // "image-scans": a JPEG with more scans than any camera writes
    truncated,     // "truncated-image": cut short, or its data is corrupt
};

// The stable code, as above.
std::string_view to_string(ImageErrorCode code);

struct ImageError {
    ImageErrorCode code = ImageErrorCode::truncated;
    std::string message_zh;
    std::string message_en;

    // "<zh> / <en>", the form every other examdocs message takes.
    std::string message() const { return message_zh + " / " + message_en; }
};

}  // namespace examdocs::images
