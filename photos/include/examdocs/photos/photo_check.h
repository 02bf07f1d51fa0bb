#pragma once
// Checking an ID photo against a profile, and normalising it into one that passes.
//
// A photo that fails is not an error: the report lists every check with a stable code,
// the measured value, the limit and a message in Chinese and English. Only input that is
// not a photo at all is refused (`rejection`). Thread-safe; the face detector (OpenCV's
// Haar cascade from Debian's opencv-data) is loaded once per process, and with it the
// module that holds every check needing OpenCV (see src/photo_analysis.h): a
// std::runtime_error says so when either is missing.
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "examdocs/core/image_header.h"
#include "examdocs/photos/photo_profile.h"

namespace examdocs::photos {

struct Check {
    std::string code;  // format, file-size, dimensions, aspect-ratio, colour, background,
                       // face-count, face-size, face-position, sharpness, exposure
    bool passed = false;
    std::string measured;  // e.g. "295×413", "28.4 KB", "0.71"
    std::string limit;     // e.g. "≥ 295×413"
    std::string message_cn;
    std::string message_en;
};

enum class Rejection {
    none,
    not_an_image,      // unknown signature, truncated or undecodable → 422
    unsupported_type,  // an image type no profile accepts (GIF, WebP, …) → 415
};

struct FaceBox {
    int x = 0, y = 0, width = 0, height = 0;
};

struct PhotoReport {
    std::string profile;
    bool passed = false;
    Rejection rejection = Rejection::none;
    // The image gate's code when it refused the file (not-an-image, image-format,
    // truncated-image, image-scans, image-too-large), for the problem's field error.
    std::string rejection_code;
    std::string rejection_detail;
    ImageFormat format = ImageFormat::unknown;
    int width = 0, height = 0;  // after EXIF orientation
    long long bytes = 0;
    std::vector<Check> checks;
    std::optional<FaceBox> face;
};

PhotoReport check_photo(std::span<const std::byte> bytes, const PhotoProfile& profile);

struct NormalizedPhoto {
    std::string jpeg;            // empty when it could not be fixed
    std::string problem_code;    // no-face, several-faces, still-failing, image-too-large,
                                 // or the image gate's code (truncated-image, …)
    std::string problem_detail;  // Chinese / English
    PhotoReport report;          // the check of the result (or of the input, on failure)
};

// Crops around the face to the profile's shape and head share, scales to its target
// size, whitens a near-white background, drops all metadata and trailing bytes, and
// encodes a JPEG whose size meets the profile. The result passes the same profile, or
// `jpeg` is empty and problem_* say why.
NormalizedPhoto normalize_photo(std::span<const std::byte> bytes, const PhotoProfile& profile);

// Empty when the photo checks can run (their module and the face model load), else why
// not, naming what to install. Loads the module if it was not yet.
std::string photo_analysis_problem();

// A report as JSON, for the HTTP API and `examdocs check-photo --json`.
std::string report_to_json(const PhotoReport& report);

}  // namespace examdocs::photos
