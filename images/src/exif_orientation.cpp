#include "exif_orientation.h"

#include <cstdint>
#include <cstring>
#include <utility>

namespace examdocs::images {

namespace {

// Reads TIFF integers in the byte order the header names, refusing to leave the span.
struct TiffReader {
    std::span<const std::byte> data;
    bool little_endian = true;

    bool u16(std::size_t at, std::uint32_t& out) const {
        if (at + 2 > data.size()) return false;
        const auto a = static_cast<std::uint32_t>(data[at]);
        const auto b = static_cast<std::uint32_t>(data[at + 1]);
        out = little_endian ? (a | (b << 8)) : ((a << 8) | b);
        return true;
    }
    bool u32(std::size_t at, std::uint32_t& out) const {
        std::uint32_t lo = 0, hi = 0;
        if (!u16(at, little_endian ? lo : hi) || !u16(at + 2, little_endian ? hi : lo))
            return false;
        out = (hi << 16) | lo;
        return true;
    }
};

}  // namespace

int exif_orientation(std::span<const std::byte> app1) {
    static constexpr char kExif[] = {'E', 'x', 'i', 'f', '\0', '\0'};
    if (app1.size() < sizeof kExif + 8 || std::memcmp(app1.data(), kExif, sizeof kExif) != 0)
        return 1;
    TiffReader tiff{app1.subspan(sizeof kExif)};
    const auto b0 = static_cast<char>(tiff.data[0]), b1 = static_cast<char>(tiff.data[1]);
    if (b0 == 'I' && b1 == 'I') {
        tiff.little_endian = true;
    } else if (b0 == 'M' && b1 == 'M') {
        tiff.little_endian = false;
    } else {
        return 1;
    }
    std::uint32_t ifd = 0, entries = 0;
    if (!tiff.u32(4, ifd) || !tiff.u16(ifd, entries)) return 1;
    for (std::uint32_t i = 0; i < entries; ++i) {
        const std::size_t entry = std::size_t{ifd} + 2 + std::size_t{i} * 12;
        std::uint32_t tag = 0, type = 0, value = 0;
        if (!tiff.u16(entry, tag) || !tiff.u16(entry + 2, type)) return 1;
        if (tag != 0x0112) continue;
        // SHORT, stored in the first two bytes of the value field.
        if (type != 3 || !tiff.u16(entry + 8, value)) return 1;
        return value >= 1 && value <= 8 ? static_cast<int>(value) : 1;
    }
    return 1;
}

Pixels apply_orientation(Pixels stored, int orientation) {
    if (orientation <= 1 || orientation > 8) return stored;
    const int w = stored.width, h = stored.height, c = stored.channels;
    Pixels out;
    out.channels = c;
    out.order = stored.order;
    out.width = swaps_sides(orientation) ? h : w;
    out.height = swaps_sides(orientation) ? w : h;
    out.bytes.resize(stored.bytes.size());
    const auto uc = static_cast<std::size_t>(c);
    for (int dy = 0; dy < out.height; ++dy) {
        std::uint8_t* dst = out.bytes.data() + static_cast<std::size_t>(dy) * out.stride();
        for (int dx = 0; dx < out.width; ++dx) {
            // Where the displayed pixel (dx, dy) is stored.
            int sx = dx, sy = dy;
            switch (orientation) {
                case 2:  // mirrored
                    sx = w - 1 - dx;
                    break;
                case 3:  // upside down
                    sx = w - 1 - dx;
                    sy = h - 1 - dy;
                    break;
                case 4:  // mirrored upside down
                    sy = h - 1 - dy;
                    break;
                case 5:  // transposed
                    sx = dy;
                    sy = dx;
                    break;
                case 6:  // a quarter turn clockwise to display
                    sx = dy;
                    sy = h - 1 - dx;
                    break;
                case 7:  // transposed across the other diagonal
                    sx = w - 1 - dy;
                    sy = h - 1 - dx;
                    break;
                default:  // 8: a quarter turn anticlockwise to display
                    sx = w - 1 - dy;
                    sy = dx;
                    break;
            }
            const std::uint8_t* src = stored.bytes.data() +
                                      static_cast<std::size_t>(sy) * stored.stride() +
                                      static_cast<std::size_t>(sx) * uc;
            std::memcpy(dst + static_cast<std::size_t>(dx) * uc, src, uc);
        }
    }
    return out;
}

}  // namespace examdocs::images
