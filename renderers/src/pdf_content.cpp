#include "pdf_content.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <initializer_list>
#include <optional>
#include <stdexcept>

#include "pdf_syntax.h"

namespace examdocs::renderers {

namespace {

void append_numbers(std::string& out, std::initializer_list<double> values, int decimals = 2) {
    for (double v : values) {
        pdf::append_real(out, {v, decimals});
        out += ' ';
    }
}

void append_color(std::string& out, const Color& c, const char* op) {
    append_numbers(out, {c.r, c.g, c.b}, 3);
    out += op;
    out += '\n';
}

void add_once(std::vector<int>& list, int value) {
    if (std::find(list.begin(), list.end(), value) == list.end()) list.push_back(value);
}

// A stencil as an inline image mask (ISO 32000-1 8.9.7, 8.9.6.2): its samples in hex, a
// row a line, inside the content stream, whose deflating packs them again. Against an image
// XObject this saves the object, its cross-reference entry and its name in the page's
// resources (~170 bytes a code), and hex cannot hold the "EI" that ends the image.
// A sample 0 paints (the default /Decode [0 1]); rows start on a byte; /I false (no
// interpolation) keeps the modules' edges sharp in a viewer, and is all PDF/A allows.
void append_stencil(std::string& c, const StencilOp& st, float H) {
    const auto columns = static_cast<std::size_t>(std::max(0, st.columns));
    const auto rows = static_cast<std::size_t>(std::max(0, st.rows));
    if (columns == 0 || rows == 0 || st.dark.size() != columns * rows) {
        throw std::logic_error("a stencil's samples do not match its size");
    }
    c += "q\n";
    append_numbers(c, {st.box.w, 0, 0, st.box.h, st.box.x, H - st.box.y - st.box.h});
    c += "cm\nBI /W ";
    pdf::append_integer(c, st.columns);
    c += " /H ";
    pdf::append_integer(c, st.rows);
    c += " /IM true /BPC 1 /I false /F /AHx ID\n";
    static constexpr char kHex[] = "0123456789ABCDEF";
    for (std::size_t y = 0; y < rows; ++y) {
        for (std::size_t x = 0; x < columns; x += 8) {
            unsigned byte = 0;
            for (std::size_t bit = 0; bit < 8; ++bit) {
                const bool paint = x + bit < columns && st.dark[y * columns + x + bit] != 0;
                byte = (byte << 1U) | (paint ? 0U : 1U);
            }
            c += kHex[byte >> 4U];
            c += kHex[byte & 0xFU];
        }
        c += '\n';
    }
    c += ">\nEI\nQ\n";
}

void draw(std::string& c, const Placement& at, float sheet_height, SheetContent& sheet,
          ContentResources& resources) {
    const float H = at.page_height;
    const bool moved = at.scale != 1 || at.x != 0 || at.y != 0 || at.page_height != sheet_height;
    if (moved) {
        c += "q\n";
        append_numbers(c, {at.scale, 0, 0, at.scale}, 4);
        append_numbers(c, {at.x, sheet_height - at.y - at.scale * H});
        c += "cm\n";
    }
    // The graphics state as last set, so that runs of operations in one colour (text, a
    // table's rules) set it once; and a run of filled rectangles of one
    // colour becomes one path filled once. Unknown at the start of every placement.
    std::optional<Color> fill, stroke;
    float width = -1;
    std::string dash = "?";
    bool open_fill = false;
    auto same = [](const std::optional<Color>& a, const Color& b) {
        return a && a->r == b.r && a->g == b.g && a->b == b.b;
    };
    auto close_fill = [&] {
        if (open_fill) c += "f\n";
        open_fill = false;
    };
    auto set_fill = [&](const Color& color) {
        if (same(fill, color)) return;
        close_fill();
        append_color(c, color, "rg");
        fill = color;
    };
    auto set_stroke = [&](const Color& color, float line_width, const std::string& pattern) {
        if (!same(stroke, color)) append_color(c, color, "RG");
        stroke = color;
        if (line_width != width) {
            pdf::append_real(c, {line_width});
            c += " w\n";
            width = line_width;
        }
        if (pattern != dash) {
            c += pattern + " 0 d\n";
            dash = pattern;
        }
    };
    auto xobject = [&](int number) {
        add_once(sheet.xobjects, number);
        c += "/X";
        pdf::append_integer(c, number);
        c += " Do\n";
    };
    for (const auto& op : *at.page) {
        const auto* r = std::get_if<RectOp>(&op);
        if (r && r->fill && !r->stroke) {
            set_fill(*r->fill);
            append_numbers(c, {r->box.x, H - r->box.y - r->box.h, r->box.w, r->box.h});
            c += "re\n";
            open_fill = true;
            continue;
        }
        close_fill();
        if (const auto* t = std::get_if<TextRunOp>(&op)) {
            set_fill(t->color);
            if (t->bold) set_stroke(t->color, t->size * 0.03F, dash == "?" ? "[]" : dash);
            c += "BT\n/F";
            pdf::append_integer(c, t->face);
            c += ' ';
            pdf::append_real(c, {t->size});
            c += t->bold ? " Tf 2 Tr\n" : " Tf 0 Tr\n";
            append_numbers(c, {t->x, H - t->y});
            c += "Td <";
            for (char32_t cp : t->text) pdf::append_hex16(c, resources.character(t->face, cp));
            c += "> Tj\nET\n";
            add_once(sheet.faces, t->face);
        } else if (r) {
            if (!r->stroke) continue;
            if (r->fill) set_fill(*r->fill);
            set_stroke(*r->stroke, r->line_width, "[]");
            append_numbers(c, {r->box.x, H - r->box.y - r->box.h, r->box.w, r->box.h});
            c += r->fill ? "re B\n" : "re S\n";
        } else if (const auto* l = std::get_if<LineOp>(&op)) {
            std::string pattern = "[";
            for (float d : l->dash) {
                pdf::append_real(pattern, {std::max(1.0F, std::round(d))});
                pattern += ' ';
            }
            pattern += ']';
            set_stroke(l->color, l->width, pattern);
            append_numbers(c, {l->x1, H - l->y1});
            c += "m ";
            append_numbers(c, {l->x2, H - l->y2});
            c += "l S\n";
        } else if (const auto* cv = std::get_if<CurveOp>(&op)) {
            xobject(resources.pattern(*cv, H));
        } else if (const auto* st = std::get_if<StencilOp>(&op)) {
            set_fill(st->color);  // outside q … Q, so that it is remembered
            append_stencil(c, *st, H);
        } else if (const auto* im = std::get_if<ImageOp>(&op)) {
            const int image = resources.image(im->jpeg);
            c += "q\n";
            append_numbers(c, {im->box.w, 0, 0, im->box.h, im->box.x, H - im->box.y - im->box.h});
            c += "cm ";
            xobject(image);
            c += "Q\n";
        }
    }
    close_fill();
    if (moved) c += "Q\n";
}

}  // namespace

SheetContent build_sheet_content(const std::vector<Placement>& placements, const PageOps& extra,
                                 float sheet_height, ContentResources& resources) {
    SheetContent sheet;
    for (const auto& at : placements) draw(sheet.operators, at, sheet_height, sheet, resources);
    if (!extra.empty()) {
        draw(sheet.operators, Placement{&extra, sheet_height}, sheet_height, sheet, resources);
    }
    return sheet;
}

std::string pattern_content(const CurveOp& cv, float H) {
    std::string c = "q\n";
    append_numbers(c, {cv.clip.x, H - cv.clip.y - cv.clip.h, cv.clip.w, cv.clip.h});
    c += "re W n\n";
    append_color(c, cv.color, "RG");
    pdf::append_real(c, {cv.width});
    c += " w [] 0 d\n";
    for (const auto& wave : cv.waves) {
        append_numbers(c, {wave.x0, H - wave.y0});
        c += "m\n";
        for (const auto& s : wave.segments) {
            append_numbers(c, {s.x1, H - s.y1, s.x2, H - s.y2, s.x, H - s.y});
            c += "c\n";
        }
    }
    c += "S\nQ\n";
    return c;
}

std::uint64_t pattern_key(const CurveOp& cv, float H) {
    std::uint64_t h = 14695981039346656037ULL;
    auto mix = [&h](float v) {
        std::uint32_t bits = 0;
        std::memcpy(&bits, &v, sizeof bits);
        h = (h ^ bits) * 1099511628211ULL;
    };
    for (float v : {H, cv.width, cv.color.r, cv.color.g, cv.color.b, cv.clip.x, cv.clip.y,
                    cv.clip.w, cv.clip.h}) {
        mix(v);
    }
    for (const auto& wave : cv.waves) {
        mix(wave.x0);
        mix(wave.y0);
        for (const auto& s : wave.segments) {
            for (float v : {s.x1, s.y1, s.x2, s.y2, s.x, s.y}) mix(v);
        }
    }
    return h;
}

}  // namespace examdocs::renderers
