// Untrusted: any image from outside, through the one gate every door uses (document
// photos, photo checks, pictures of certificates, bulk records). Decoded at full size,
// reduced, and in grey; what comes out is encoded again and must read back.
#include <cstddef>
#include <cstdint>
#include <span>

#include "examdocs/images/decode_image.h"
#include "examdocs/images/encode_jpeg.h"

namespace {

void check(std::span<const std::byte> bytes, const examdocs::images::DecodeOptions& options) {
    auto r = examdocs::images::decode_image(bytes, options);
    if (r.pixels.has_value() == r.error.has_value()) __builtin_trap();
    if (!r.pixels) return;
    const auto& p = *r.pixels;
    if (p.width <= 0 || p.height <= 0 || p.channels != options.channels ||
        p.bytes.size() != p.stride() * static_cast<std::size_t>(p.height))
        __builtin_trap();
    if (p.width > r.source_width || p.height > r.source_height) __builtin_trap();
    const std::string jpeg = examdocs::images::encode_jpeg(p, 75);
    auto again =
        examdocs::images::decode_image(std::as_bytes(std::span(jpeg.data(), jpeg.size())), options);
    if (!again || again.pixels->width != p.width || again.pixels->height != p.height)
        __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto bytes = std::as_bytes(std::span(data, size));
    examdocs::images::DecodeOptions options;
    options.limits.max_pixels = 4'000'000;  // keeps each run short; the logic is the same
    check(bytes, options);
    options.min_width = 64;
    options.min_height = 48;
    options.order = examdocs::images::ChannelOrder::bgr;
    check(bytes, options);
    options.channels = 1;
    check(bytes, options);
    return 0;
}
