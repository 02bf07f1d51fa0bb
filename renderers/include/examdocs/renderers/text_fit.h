#pragma once
// Fitting text into a box: line breaks from ICU's line break iterator (UAX #14, so that
// Chinese breaks between characters, Latin between words, and no line starts with ，or 。),
// widths from the font. A text first keeps its size and wraps; if it still does not fit
// it shrinks step by step to its minimum size; if it does not fit then, it is refused.
// Pure functions over a FontSet; thread-safe.
#include <optional>
#include <string>
#include <vector>

#include "examdocs/fonts/font_set.h"

namespace examdocs::renderers {

struct FitRequest {
    std::u32string text;       // '\n' forces a break
    float width = 0;           // points
    float height = 0;          // points
    float size = 10.5F;        // preferred size in points
    float min_size = 7.0F;     // smallest acceptable size
    float leading = 1.25F;     // line height as a multiple of the size
    float hanging_indent = 0;  // points; lines after the first start this far in
};

struct Line {
    std::u32string text;
    bool starts_paragraph = true;  // false: a continuation, drawn at the hanging indent
};

struct FittedText {
    float size = 0;
    float line_height = 0;
    std::vector<Line> lines;
};

// Width of `text` at `size` points, with each character measured in the face that
// will draw it. Characters no face has count as zero (they are refused elsewhere).
float text_width(const fonts::FontSet& fonts, std::u32string_view text, float size);

// Breaks `text` into lines no wider than `width` (the first) and `width - hanging_indent`
// (the rest). A word wider than a whole line is broken between characters.
std::vector<Line> wrap_text(const fonts::FontSet& fonts, std::u32string_view text, float size,
                            float width, float hanging_indent = 0);

// nullopt when the text does not fit even at min_size.
std::optional<FittedText> fit_text(const fonts::FontSet& fonts, const FitRequest& request);

}  // namespace examdocs::renderers
