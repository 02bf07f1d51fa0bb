#include "examdocs/fonts/harfbuzz_version.h"

#include <harfbuzz/hb.h>

namespace examdocs::fonts {

std::string harfbuzz_version() { return hb_version_string(); }

}  // namespace examdocs::fonts
