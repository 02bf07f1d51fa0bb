#pragma once
// Decoded pixels as plain values: 8 bits per sample, rows packed with no padding.
// `Pixels` owns its bytes; `PixelView` borrows someone else's (an OpenCV matrix, a
// poppler page) for the encoder. No image library appears here, so any module can hold
// pixels without linking one.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace examdocs::images {

// The sample order of three-channel pixels. OpenCV works in BGR; libjpeg-turbo and
// libpng write either order directly, so asking for the one the caller needs costs
// nothing where a swap afterwards would cost a pass over the image.
enum class ChannelOrder { rgb, bgr };

struct PixelView {
    const std::uint8_t* data = nullptr;
    int width = 0, height = 0;
    int channels = 0;        // 1 (grey) or 3
    std::size_t stride = 0;  // bytes from one row to the next
    ChannelOrder order = ChannelOrder::rgb;
};

struct Pixels {
    int width = 0, height = 0;
    int channels = 0;  // 1 (grey) or 3
    ChannelOrder order = ChannelOrder::rgb;
    std::vector<std::uint8_t> bytes;  // height rows of width × channels samples

    std::size_t stride() const {
        return static_cast<std::size_t>(width) * static_cast<std::size_t>(channels);
    }
    PixelView view() const { return {bytes.data(), width, height, channels, stride(), order}; }
};

}  // namespace examdocs::images
