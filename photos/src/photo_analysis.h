#pragma once
// The edge between examdocs and its photo-analysis module. The checks that need OpenCV
// live in a shared module (lib/examdocs/photo-analysis.so beside the binary's bin/) that
// is opened the first time a photo is checked: linked into the binary, OpenCV's core,
// imgproc and objdetect (with dnn, calib3d, features2d, flann behind it) made every
// examdocs process, `--version` included, load ~45 more shared libraries and start
// ~100 ms later.
//
// Both sides are built together from this tree with the same compiler, so the table
// passes C++ types; its version guards against a module left over from another build.
#include <cstddef>
#include <span>
#include <string>

#include "examdocs/photos/photo_check.h"

#define EXAMDOCS_PHOTO_ANALYSIS_EXPORT __attribute__((visibility("default")))

namespace examdocs::photos {

inline constexpr int kPhotoAnalysisVersion = 1;

struct PhotoAnalysis {
    int version;
    PhotoReport (*check)(std::span<const std::byte> bytes, const PhotoProfile& profile);
    NormalizedPhoto (*normalize)(std::span<const std::byte> bytes, const PhotoProfile& profile);
    // Empty when the face model loads, else why not (naming the Debian package).
    std::string (*face_model_problem)();
    const char* opencv_version;
};

}  // namespace examdocs::photos

// The module's one exported symbol.
extern "C" const examdocs::photos::PhotoAnalysis* examdocs_photo_analysis_v1();
