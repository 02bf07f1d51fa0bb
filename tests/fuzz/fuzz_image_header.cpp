// Untrusted: the first bytes of every uploaded photo.
#include <cstddef>
#include <cstdint>
#include <span>

#include "examdocs/core/image_header.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto header = examdocs::read_image_header(
        std::as_bytes(std::span(reinterpret_cast<const char*>(data), size)));
    // A size is only ever reported together with a format that has one.
    if (header.width && header.format != examdocs::ImageFormat::jpeg &&
        header.format != examdocs::ImageFormat::png) {
        __builtin_trap();
    }
    return 0;
}
