#pragma once
// The version of HarfBuzz as loaded at run time (for /version). Thread-safe.
#include <string>

namespace examdocs::fonts {

std::string harfbuzz_version();

}  // namespace examdocs::fonts
