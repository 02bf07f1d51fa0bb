#pragma once
// The libraries the renderers draw with (zlib, libqrencode, ZXing-cpp, OpenCV, HarfBuzz
// through the font set, ICU), each with its version as loaded at run time where the
// library can say so: what /version reports, so that it tells what a Debian security
// update actually put in place. Thread-safe.
#include <string>
#include <utility>
#include <vector>

namespace examdocs::renderers {

// (name, version) pairs in a fixed order.
std::vector<std::pair<std::string, std::string>> library_versions();

}  // namespace examdocs::renderers
