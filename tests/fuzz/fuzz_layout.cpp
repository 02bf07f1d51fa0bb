// Layouts are untrusted input now: POST /v1/layouts/validate and /preview take them from any
// key holder with admin or render, and operators drop files into layouts.dir. Whatever the
// bytes, the validator answers errors and warnings as values: never a crash, a hang or an
// exception. A layout that reads is linted and its example data composed, as preview does.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "examdocs/fonts/font_set.h"
#include "examdocs/renderers/document.h"
#include "examdocs/renderers/layout_lint.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto check = examdocs::renderers::check_layout(
        std::string_view(reinterpret_cast<const char*>(data), size),
        examdocs::fonts::bundled_font_set());
    if (check.layout && check.errors.empty() && check.layout->pages.size() < 8) {
        examdocs::renderers::compose_document(*check.layout,
                                              examdocs::renderers::example_data(*check.layout));
    }
    return 0;
}
