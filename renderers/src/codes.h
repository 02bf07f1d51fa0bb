#pragma once
// Private to renderers/: QR codes (libqrencode) and Code 128 barcodes (ZXing-cpp's
// writer) as a matrix of modules, to be drawn as a 1-bit image or as rectangles.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "examdocs/renderers/layout.h"

namespace examdocs::renderers {

struct CodeModules {
    int width = 0;                   // modules, without the quiet zone
    int height = 0;                  // modules (1 for a linear barcode)
    std::vector<std::uint8_t> dark;  // width × height, row by row from the top; 1 = dark
    bool is_dark(int x, int y) const {
        return dark[static_cast<std::size_t>(y) * static_cast<std::size_t>(width) +
                    static_cast<std::size_t>(x)] != 0;
    }
};

// Throws std::invalid_argument when the text does not fit (too long for any version,
// or characters Code 128 cannot carry); the message says which.
CodeModules qr_modules(const std::string& text, char ecc);
CodeModules code128_modules(const std::string& text);

// Quiet zones, in modules on each side: ISO/IEC 18004 asks 4 for QR, ISO/IEC 15417 10 for
// Code 128. Both are kept inside the element's box.
inline constexpr int kQrQuietModules = 4;
inline constexpr int kBarcodeQuietModules = 10;

// The module size, in points, of a code drawn in `box` (square modules for QR; bar
// width for Code 128, whose bars fill the box's height).
float qr_module(const Box& box, const CodeModules& m);
float barcode_module(const Box& box, const CodeModules& m);

}  // namespace examdocs::renderers
