#pragma once
// Photo profiles: the rules one registration system sets for ID photos. Built in:
// ruankao (软考), skill-cert (职业技能等级认定), ga461 (the ID-card photo standard, GA 461)
// and attachment (scans, no face checks). An operator adds or overrides profiles in a
// JSON file (photos.profiles-file) without C++. Plain values; thread-safe to share.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "examdocs/core/image_header.h"

namespace examdocs::photos {

// How the 软考 manual's words are read (seed 004: "文件大于30K，大于295*413像素"), in this
// one place. 295×413 is the size the 软考 photo tool itself saves, so "大于" there must
// take 295×413: "大于" is read as "at least" throughout. "K" is 1,024 bytes, as Windows
// counts the file the candidate looks at (30,182 bytes shows as 29.4 KB): of the two
// readings the stricter, so that a photo we pass is not refused by the 软考 system.
struct RuankaoPhotoReading {
    static constexpr long long min_bytes = 30 * 1024;  // 30,720: at least "30K"
    static constexpr int min_width = 295;              // at least 295×413 pixels
    static constexpr int min_height = 413;
};

struct PhotoProfile {
    std::string name;
    std::string description;
    std::vector<ImageFormat> formats;        // allowed, by file signature
    long long min_bytes = 0, max_bytes = 0;  // 0: no bound
    int min_width = 0, min_height = 0;       // pixels; 0: no bound
    int max_width = 0, max_height = 0;
    double aspect = 0;               // width / height; 0: any
    double aspect_tolerance = 0.03;  // relative
    bool require_colour = false;
    double min_colour_spread = 2.0;  // mean difference between colour channels, 0–255
    bool white_background = false;
    double min_background_lightness = 88;  // CIELAB L*, 0–100, on the border
    double max_background_chroma = 8;      // CIELAB C*
    double max_background_spread = 7;      // standard deviation of L*
    bool face_checks = false;              // one face, its size and place, sharpness, exposure
    double head_share_min = 0.35, head_share_max = 0.80;  // face height × 1.45 / image height
    double centre_tolerance = 0.12;  // face centre off the middle, as a share of the width
    double min_sharpness = 40;       // variance of the Laplacian on the face
    double min_face_brightness = 70, max_face_brightness = 215;  // mean L on the face, 0–255
    // normalisation target
    int target_width = 0, target_height = 0;
    double target_head_share = 0.50;
};

// The built-in profiles, by name.
const std::map<std::string, PhotoProfile, std::less<>>& builtin_photo_profiles();

// Parses a profiles file: {"profiles": [{ "name": …, … }]}; an entry with the name of a
// built-in profile starts from it and overrides what it names. Throws std::invalid_argument
// naming the profile and key at fault.
std::map<std::string, PhotoProfile, std::less<>> load_photo_profiles(std::string_view json);

// JSON description of a profile's rules, for GET /v1/photo-profiles.
std::string describe_profile(const PhotoProfile& profile);

}  // namespace examdocs::photos
