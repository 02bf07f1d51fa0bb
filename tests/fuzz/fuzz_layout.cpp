// Semi-trusted: layout files an operator drops into layouts.dir. A broken one must be a
// LayoutError naming the place, never a crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "examdocs/renderers/layout.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        examdocs::renderers::parse_layout(
            std::string_view(reinterpret_cast<const char*>(data), size));
    } catch (const examdocs::renderers::LayoutError&) {
    }
    return 0;
}
