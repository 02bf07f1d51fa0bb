#pragma once
// Private to renderers/: the drawing operations a layout is composed into. Composition
// finds every input problem before a byte of PDF is written, and collects the characters
// each face draws, so that fonts are subset to what is used.
// Coordinates are PDF points with a top-left origin (y down), as in layouts.
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
using Op = std::variant<TextRunOp, RectOp, LineOp, CurveOp, ImageOp>;
using PageOps = std::vector<Op>;

// The pages of one composed document and its page size.
struct ComposedPages {
    float width = 0;
    float height = 0;
    std::vector<PageOps> pages;
};

}  // namespace examdocs::renderers
