#pragma once
// Private to renderers/: the drawing operations a layout is composed into. Composition
// finds every input problem before a byte of PDF is written, and collects the characters
// each face draws, so that fonts are subset to what is used.
// Coordinates are PDF points with a top-left origin (y down), as in layouts.
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "examdocs/renderers/layout.h"

namespace examdocs::renderers {

struct TextRunOp {
    float x, y;  // baseline start
    float size;
    int face;
    std::u32string text;
    bool bold;
    Color color;
};
struct RectOp {
    Box box;
    float line_width;
    std::optional<Color> stroke;
    std::optional<Color> fill;
};
struct LineOp {
    float x1, y1, x2, y2, width;
    Color color;
    std::vector<float> dash;
};
struct CubicSegment {
    float x1, y1, x2, y2, x, y;
};
struct Wave {
    float x0, y0;
    std::vector<CubicSegment> segments;
};
struct CurveOp {  // open paths of cubic curves, stroked together, clipped to a box
    std::vector<Wave> waves;
    float width;
    Color color;
    Box clip;
};
struct ImageOp {
    Box box;
    std::string jpeg;  // baseline JPEG, embedded as it is (DCTDecode)
};
// A 1-bit picture painted in `color` where `dark` is set and transparent elsewhere,
// stretched over `box`: the modules of a QR code or a barcode, one sample a module. Written
// as an inline image mask in place of 312 rectangles, it shrank a ticket's deflated content
// stream from 3.0 to 1.8 KB (400 tickets: 12.5 → 11.3 KB a ticket). Drawn at 300 dpi by
// poppler the modules are as sharp as the rectangles were.
struct StencilOp {
    Box box;
    int columns = 0, rows = 0;
    std::vector<std::uint8_t> dark;  // columns × rows, row by row from the top; 1 = paint
    Color color;
};
using Op = std::variant<TextRunOp, RectOp, LineOp, CurveOp, ImageOp, StencilOp>;
using PageOps = std::vector<Op>;

// The pages of one composed document and its page size.
struct ComposedPages {
    float width = 0;
    float height = 0;
    std::vector<PageOps> pages;
};

}  // namespace examdocs::renderers
