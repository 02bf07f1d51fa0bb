#include "examdocs/renderers/text_fit.h"

#include <unicode/brkiter.h>
#include <unicode/locid.h>
#include <unicode/unistr.h>

#include <memory>
#include <stdexcept>

namespace examdocs::renderers {

namespace {

bool is_space(char32_t cp) { return cp == U' ' || cp == U'\t' || cp == U'\u3000'; }

// One line break iterator per thread: ICU iterators are not thread-safe, and creating one
// costs far more than breaking a field's text with it.
icu::BreakIterator& line_breaker() {
    thread_local std::unique_ptr<icu::BreakIterator> it = [] {
        UErrorCode status = U_ZERO_ERROR;
        std::unique_ptr<icu::BreakIterator> created(
            icu::BreakIterator::createLineInstance(icu::Locale::getChinese(), status));
        if (U_FAILURE(status)) throw std::runtime_error("ICU line break iterator unavailable");
        return created;
    }();
    return *it;
}

// A paragraph measured once: its break opportunities (code point offsets, from ICU's
// UAX #14 rules) and each character's advance at 1 pt. Fitting then tries sizes by
// multiplication instead of measuring and breaking again.
struct Paragraph {
    std::u32string_view text;
    std::vector<std::size_t> breaks;
    std::vector<float> unit_widths;
};

Paragraph measure(const fonts::FontSet& fonts, std::u32string_view text) {
    Paragraph p{text, {}, {}};
    p.unit_widths.reserve(text.size());
    for (char32_t cp : text) {
        const int face = fonts.face_for(cp);
        p.unit_widths.push_back(
            face < 0 ? 0 : fonts.advance(static_cast<std::size_t>(face), cp) / 1000.0F);
    }
    if (text.empty()) return p;
    icu::UnicodeString u = icu::UnicodeString::fromUTF32(
        reinterpret_cast<const UChar32*>(text.data()), static_cast<int32_t>(text.size()));
    icu::BreakIterator& it = line_breaker();
    it.setText(u);
    const bool bmp_only = u.length() == static_cast<int32_t>(text.size());
    for (int32_t pos = it.next(); pos != icu::BreakIterator::DONE; pos = it.next()) {
        p.breaks.push_back(bmp_only ? static_cast<std::size_t>(pos)
                                    : static_cast<std::size_t>(u.countChar32(0, pos)));
    }
    return p;
}

std::vector<Paragraph> measure_all(const fonts::FontSet& fonts, std::u32string_view text) {
    std::vector<Paragraph> paragraphs;
    std::size_t start = 0;
    while (true) {
        const auto nl = text.find(U'\n', start);
        paragraphs.push_back(measure(fonts, text.substr(start, nl - start)));
        if (nl == std::u32string_view::npos) break;
        start = nl + 1;
    }
    return paragraphs;
}

void wrap_paragraph(const Paragraph& para, float size, float first_width, float next_width,
                    std::vector<Line>& lines) {
    if (para.text.empty()) {
        lines.push_back(Line{});
        return;
    }
    std::u32string line;
    float line_w = 0;
    bool first_line = true;
    auto limit = [&] { return (first_line ? first_width : next_width) + 0.01F; };
    auto push_line = [&] {
        while (!line.empty() && is_space(line.back())) line.pop_back();
        lines.push_back(Line{line, first_line});
        line.clear();
        line_w = 0;
        first_line = false;
    };
    std::size_t start = 0;
    for (std::size_t end : para.breaks) {
        // Trailing spaces of a segment hang past the margin and do not count.
        std::size_t visible = end;
        while (visible > start && is_space(para.text[visible - 1])) --visible;
        float seg_w = 0;
        for (std::size_t i = start; i < visible; ++i) seg_w += para.unit_widths[i] * size;
        float seg_full = seg_w;
        for (std::size_t i = visible; i < end; ++i) seg_full += para.unit_widths[i] * size;
        const std::u32string_view segment = para.text.substr(start, end - start);
        if (line_w + seg_w <= limit()) {
            line += segment;
            line_w += seg_full;
        } else {
            if (!line.empty()) push_line();
            if (seg_w <= limit()) {
                line = segment;
                line_w = seg_full;
            } else {
                // A single word wider than the line (a long number or URL): break anywhere.
                for (std::size_t i = start; i < end; ++i) {
                    const float w = para.unit_widths[i] * size;
                    if (!line.empty() && line_w + w > limit() && !is_space(para.text[i]))
                        push_line();
                    line += para.text[i];
                    line_w += w;
                }
            }
        }
        start = end;
    }
    if (!line.empty() || first_line) push_line();
}

std::vector<Line> wrap_measured(const std::vector<Paragraph>& paragraphs, float size, float width,
                                float hanging_indent) {
    std::vector<Line> lines;
    for (const auto& p : paragraphs) wrap_paragraph(p, size, width, width - hanging_indent, lines);
    return lines;
}

}  // namespace

float text_width(const fonts::FontSet& fonts, std::u32string_view text, float size) {
    float w = 0;
    for (char32_t cp : text) {
        const int face = fonts.face_for(cp);
        if (face >= 0) w += fonts.advance(static_cast<std::size_t>(face), cp) * size / 1000.0F;
    }
    return w;
}

std::vector<Line> wrap_text(const fonts::FontSet& fonts, std::u32string_view text, float size,
                            float width, float hanging_indent) {
    return wrap_measured(measure_all(fonts, text), size, width, hanging_indent);
}

std::optional<FittedText> fit_text(const fonts::FontSet& fonts, const FitRequest& r) {
    const auto paragraphs = measure_all(fonts, r.text);
    const float glyphs_per_pt = (fonts.ascent() - fonts.descent()) / 1000.0F;
    auto try_size = [&](float size, bool single_line) -> std::optional<FittedText> {
        const float line_height = size * r.leading;
        auto lines = wrap_measured(paragraphs, size, r.width, r.hanging_indent);
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
    // An integer counts the steps, so that no rounding of a float counter can add or skip one.
    auto size_at = [&](int step) { return r.size - 0.5F * static_cast<float>(step); };
    if (one_line_box) {
        for (int step = 0; size_at(step) >= r.min_size - 0.001F; ++step) {
            if (auto fitted = try_size(size_at(step), true)) return fitted;
        }
    }
    for (int step = 0; size_at(step) >= r.min_size - 0.001F; ++step) {
        if (auto fitted = try_size(size_at(step), false)) return fitted;
    }
    return std::nullopt;
}

}  // namespace examdocs::renderers
