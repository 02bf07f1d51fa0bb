#include "examdocs/core/image_header.h"

namespace examdocs {

namespace {

std::uint8_t at(std::span<const std::byte> b, std::size_t i) {
    return static_cast<std::uint8_t>(b[i]);
}

std::uint32_t be16(std::span<const std::byte> b, std::size_t i) {
    return (static_cast<std::uint32_t>(at(b, i)) << 8) | at(b, i + 1);
}

std::uint32_t be32(std::span<const std::byte> b, std::size_t i) {
    return (be16(b, i) << 16) | be16(b, i + 2);
}

bool starts_with(std::span<const std::byte> b, std::string_view sig, std::size_t offset = 0) {
    if (b.size() < offset + sig.size()) return false;
    for (std::size_t i = 0; i < sig.size(); ++i) {
        if (at(b, offset + i) != static_cast<std::uint8_t>(sig[i])) return false;
    }
    return true;
}

void read_png(std::span<const std::byte> b, ImageHeader& h) {
    // Signature (8), chunk length (4), "IHDR" (4), width (4), height (4), depth, colour type.
    if (b.size() < 26 || !starts_with(b, "IHDR", 12)) return;
    h.width = be32(b, 16);
    h.height = be32(b, 20);
    h.bit_depth = at(b, 24);
    switch (at(b, 25)) {
        case 0:
            h.components = 1;
            break;  // grey
        case 2:
            h.components = 3;
            break;  // RGB
        case 3:
            h.components = 1;
            break;  // palette (indices)
        case 4:
            h.components = 2;
            break;  // grey + alpha
        case 6:
            h.components = 4;
            break;  // RGBA
        default:
            h.components = 0;
            break;
    }
}

void read_jpeg(std::span<const std::byte> b, ImageHeader& h) {
    std::size_t i = 2;  // after SOI
    while (i + 4 <= b.size()) {
        if (at(b, i) != 0xFF) return;  // not at a marker: corrupt
        std::uint8_t marker = at(b, i + 1);
        if (marker == 0xFF) {  // fill byte
            ++i;
            continue;
        }
        if (marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7) || marker == 0x01) {
            i += 2;
            continue;
        }
        if (marker == 0xD9 || marker == 0xDA) return;  // EOI or scan before any SOF
        const std::uint32_t length = be16(b, i + 2);
        if (length < 2) return;
        const bool sof =
            marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
        if (sof) {
            if (i + 10 > b.size()) return;
            h.bit_depth = at(b, i + 4);
            h.height = be16(b, i + 5);
            h.width = be16(b, i + 7);
            h.components = at(b, i + 9);
            h.progressive = marker == 0xC2 || marker == 0xC6 || marker == 0xCA || marker == 0xCE;
            return;
        }
        i += 2 + length;
    }
}

}  // namespace

std::string_view to_string(ImageFormat format) {
    switch (format) {
        case ImageFormat::jpeg:
            return "jpeg";
        case ImageFormat::png:
            return "png";
        case ImageFormat::gif:
            return "gif";
        case ImageFormat::webp:
            return "webp";
        case ImageFormat::bmp:
            return "bmp";
        case ImageFormat::tiff:
            return "tiff";
        case ImageFormat::heic:
            return "heic";
        case ImageFormat::pdf:
            return "pdf";
        case ImageFormat::unknown:
            break;
    }
    return "unknown";
}

ImageHeader read_image_header(std::span<const std::byte> b) {
    ImageHeader h;
    if (starts_with(b, "\xFF\xD8\xFF")) {
        h.format = ImageFormat::jpeg;
        read_jpeg(b, h);
    } else if (starts_with(b, "\x89PNG\r\n\x1A\n")) {
        h.format = ImageFormat::png;
        read_png(b, h);
    } else if (starts_with(b, "GIF87a") || starts_with(b, "GIF89a")) {
        h.format = ImageFormat::gif;
    } else if (starts_with(b, "RIFF") && starts_with(b, "WEBP", 8)) {
        h.format = ImageFormat::webp;
    } else if (starts_with(b, "BM")) {
        h.format = ImageFormat::bmp;
    } else if (starts_with(b, std::string_view("II*\0", 4)) ||
               starts_with(b, std::string_view("MM\0*", 4))) {
        h.format = ImageFormat::tiff;
    } else if (starts_with(b, "ftypheic", 4) || starts_with(b, "ftypheix", 4) ||
               starts_with(b, "ftypmif1", 4)) {
        h.format = ImageFormat::heic;
    } else if (starts_with(b, "%PDF-")) {
        h.format = ImageFormat::pdf;
    }
    return h;
}

}  // namespace examdocs
