#include "examdocs/renderers/text_fit.h"

#include <unicode/brkiter.h>
#include <unicode/locid.h>
#include <unicode/unistr.h>

#include <memory>
#include <stdexcept>

namespace examdocs::renderers {

namespace {

float char_width(const fonts::FontSet& fonts, char32_t cp, float size) {
    const int face = fonts.face_for(cp);
    if (face < 0) return 0;
    return fonts.advance(static_cast<std::size_t>(face), cp) * size / 1000.0F;
}

bool is_space(char32_t cp) { return cp == U' ' || cp == U'\t' || cp == U'\u3000'; }

// Break opportunities of one paragraph as code point offsets, from ICU (UAX #14).
std::vector<std::size_t> break_points(std::u32string_view text) {
    UErrorCode status = U_ZERO_ERROR;
    // A fresh iterator per call: ICU break iterators are not thread-safe, and cloning a
    // shared one costs about as much as creating one.
    std::unique_ptr<icu::BreakIterator> it(
        icu::BreakIterator::createLineInstance(icu::Locale::getChinese(), status));
    if (U_FAILURE(status)) throw std::runtime_error("ICU line break iterator unavailable");
    icu::UnicodeString u = icu::UnicodeString::fromUTF32(
        reinterpret_cast<const UChar32*>(text.data()), static_cast<int32_t>(text.size()));
    it->setText(u);
    std::vector<std::size_t> points;
    for (int32_t pos = it->next(); pos != icu::BreakIterator::DONE; pos = it->next()) {
        points.push_back(static_cast<std::size_t>(u.countChar32(0, pos)));
    }
    return points;
}

void wrap_paragraph(const fonts::FontSet& fonts, std::u32string_view para, float size,
                    float first_width, float next_width, std::vector<Line>& lines) {
    if (para.empty()) {
        lines.push_back(Line{});
        return;
    }
    std::u32string line;
    float line_w = 0;
    std::size_t start = 0;
    auto current_limit = [&](bool first) { return first ? first_width : next_width; };
    bool first_line = true;
    auto push_line = [&] {
        while (!line.empty() && is_space(line.back())) line.pop_back();
        lines.push_back(Line{line, first_line});
        line.clear();
        line_w = 0;
        first_line = false;
    };
    for (std::size_t end : break_points(para)) {
        std::u32string_view segment = para.substr(start, end - start);
        start = end;
        // Trailing spaces of a segment hang past the margin and do not count.
        std::size_t visible = segment.size();
        while (visible > 0 && is_space(segment[visible - 1])) --visible;
        float seg_w = 0;
        for (std::size_t i = 0; i < visible; ++i) seg_w += char_width(fonts, segment[i], size);
        float seg_full = seg_w;
        for (std::size_t i = visible; i < segment.size(); ++i) {
            seg_full += char_width(fonts, segment[i], size);
        }
        if (line_w + seg_w <= current_limit(first_line) + 0.01F) {
            line += segment;
            line_w += seg_full;
            continue;
        }
        if (!line.empty()) push_line();
        if (seg_w <= current_limit(first_line) + 0.01F) {
            line = segment;
            line_w = seg_full;
            continue;
        }
        // A single word wider than the line (a long number or URL): break anywhere.
        for (char32_t cp : segment) {
            const float w = char_width(fonts, cp, size);
            if (!line.empty() && line_w + w > current_limit(first_line) + 0.01F && !is_space(cp)) {
                push_line();
            }
            line += cp;
            line_w += w;
        }
    }
    if (!line.empty() || first_line) push_line();
}

}  // namespace

float text_width(const fonts::FontSet& fonts, std::u32string_view text, float size) {
    float w = 0;
    for (char32_t cp : text) w += char_width(fonts, cp, size);
    return w;
}

std::vector<Line> wrap_text(const fonts::FontSet& fonts, std::u32string_view text, float size,
                            float width, float hanging_indent) {
    std::vector<Line> lines;
    std::size_t start = 0;
    while (true) {
        const auto nl = text.find(U'\n', start);
        wrap_paragraph(fonts, text.substr(start, nl - start), size, width, width - hanging_indent,
                       lines);
        if (nl == std::u32string_view::npos) break;
        start = nl + 1;
    }
    return lines;
}

std::optional<FittedText> fit_text(const fonts::FontSet& fonts, const FitRequest& r) {
    const float glyphs_per_pt = (fonts.ascent() - fonts.descent()) / 1000.0F;
    auto try_size = [&](float size, bool single_line) -> std::optional<FittedText> {
        const float line_height = size * r.leading;
        auto lines = wrap_text(fonts, r.text, size, r.width, r.hanging_indent);
        if (single_line && lines.size() > 1) return std::nullopt;
        // The last line needs only the height of the glyphs, not the full leading.
        const float needed =
            static_cast<float>(lines.size() - 1) * line_height + glyphs_per_pt * size;
        if (needed > r.height + 0.01F) return std::nullopt;
        return FittedText{size, line_height, std::move(lines)};
    };
    // A box with room for one line at the preferred size is a one-line field: it shrinks
    // first and wraps only when even the minimum size is too wide. A taller box is a
    // paragraph: it wraps first and shrinks only when the lines do not fit.
    const bool one_line_box = r.height < glyphs_per_pt * r.size + r.size * r.leading;
    // Half-point steps: fine enough to use the space, few enough to stay fast.
    if (one_line_box) {
        for (float size = r.size; size >= r.min_size - 0.001F; size -= 0.5F) {
            if (auto fitted = try_size(size, true)) return fitted;
        }
    }
    for (float size = r.size; size >= r.min_size - 0.001F; size -= 0.5F) {
        if (auto fitted = try_size(size, false)) return fitted;
    }
    return std::nullopt;
}

}  // namespace examdocs::renderers
